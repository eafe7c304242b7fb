import { serverSettings } from '../common/settings/server.settings.js';
import { loggingSettings } from '../common/settings/logging.settings.js';
import { databaseSettings } from '../database/settings/database.settings.js';
import { driftSettings } from '../drift/settings/drift.settings.js';
import { evaluationSettings } from '../evaluation/settings/evaluation.settings.js';
import { feedbackSettings } from '../feedback/settings/feedback.settings.js';
import { impressionsSettings } from '../impressions/settings/impressions.settings.js';
import { ingestionSettings } from '../ingestion/settings/ingestion.settings.js';
import { metricsSettings } from '../monitoring/settings/metrics.settings.js';
import { pipelineSettings } from '../pipeline/settings/pipeline.settings.js';
import { recommendationsSettings } from '../recommendations/settings/recommendations.settings.js';
import { registrySettings } from '../registry/settings/registry.settings.js';
import { trainingSettings } from '../training/settings/training.settings.js';
import { validationSettings } from '../validation/settings/validation.settings.js';
import { authSettings } from './auth.settings.js';
import type { AnyModuleSettings, Intersection, Values } from './declare/settings.js';
import { maskUrlPasswords } from './mask-url.js';

/**
 * The settings every module declares beside its code, in the order of docs/configuration.md and of
 * the problems a refused start lists.
 */
const MODULE_SETTINGS = [
  serverSettings,
  loggingSettings,
  databaseSettings,
  ingestionSettings,
  pipelineSettings,
  validationSettings,
  driftSettings,
  trainingSettings,
  evaluationSettings,
  registrySettings,
  recommendationsSettings,
  feedbackSettings,
  impressionsSettings,
  metricsSettings,
  authSettings,
] as const;

type Module = (typeof MODULE_SETTINGS)[number];

/** The environment variables the service reads, as values: every module's, by name. */
export type Environment = Intersection<Values<Module['settings']>>;

/** Every module's groups of AppConfig (their toConfig); a group two modules fill holds both parts. */
export type ConfigGroups = Intersection<ReturnType<Module['toConfig']>>;

/** The modules' settings, each as any module's: how they are read, composed and shown. */
export const MODULES: readonly AnyModuleSettings[] = MODULE_SETTINGS;

/** The environment variables the service reads. */
export const ENVIRONMENT_VARIABLES: readonly string[] = MODULES.flatMap((module) =>
  Object.keys(module.settings),
);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the environment once; throws ConfigError naming every bad variable (its value
 * too, unless it is a secret; URL passwords masked), then every broken rule across variables.
 */
export function parseEnvironment(env: Record<string, string | undefined>): Environment {
  const isSet = (name: string) => env[name] !== undefined && env[name].trim() !== '';
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const module of MODULES) {
    for (const [name, setting] of Object.entries(module.settings)) {
      const reading = setting.read(env[name], name, isSet);
      if ('value' in reading) values[name] = reading.value;
      else {
        const shown = setting.secret ? '(hidden)' : maskUrlPasswords(JSON.stringify(env[name]));
        problems.push(`${name}=${shown}: ${reading.problem}`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const across = MODULES.flatMap((module) => module.check(values, values));
  if (across.length > 0) throw new ConfigError(across);
  return values as Environment;
}
