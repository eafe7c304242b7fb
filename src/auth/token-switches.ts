import type { OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig } from '../config/app-config.js';
import { SCOPES_SWITCHES, type ScopesSwitch, TOKEN_SWITCH_EXTENSION } from './require-scopes.decorator.js';

/** Which @RequireScopesWhen settings are on for this instance. */
export function tokenSwitchesOf(config: AppConfig): Record<ScopesSwitch, boolean> {
  return { userReads: config.auth.userReadsRequireToken };
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The OpenAPI document tells what this instance does: a @RequireScopesWhen route whose setting
 * is off gets an empty security alternative (the token is optional) and a line saying why.
 */
export function documentTokenSwitches(document: OpenAPIObject, config: AppConfig): OpenAPIObject {
  const switches = tokenSwitchesOf(config);
  const offSettings = new Map(
    (Object.keys(SCOPES_SWITCHES) as ScopesSwitch[])
      .filter((setting) => !switches[setting])
      .map((setting) => [`${SCOPES_SWITCHES[setting]}=true`, SCOPES_SWITCHES[setting]]),
  );
  for (const path of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = path[method];
      const when = (operation as Record<string, unknown> | undefined)?.[TOKEN_SWITCH_EXTENSION];
      const variable = typeof when === 'string' ? offSettings.get(when) : undefined;
      if (!operation || variable === undefined) continue;
      operation.security = [...(operation.security ?? []), {}];
      operation.description =
        `${operation.description ?? ''}\n\nOpen on this instance (${variable}=false): the token is optional.`.trim();
    }
  }
  return document;
}
