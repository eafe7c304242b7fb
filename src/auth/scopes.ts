/**
 * The scopes an admin client may hold. Each admin route names the scopes it needs with
 * @RequireScopes; a token carries the subset its client asked for (all of the client's by default).
 */
export const SCOPES = [
  'pipeline:run',
  'pipeline:read',
  'data:read',
  'data:write',
  'models:read',
  'models:write',
] as const;
export type Scope = (typeof SCOPES)[number];

/** What each scope guards, for the OpenAPI document and the README. */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'pipeline:run': 'trigger pipeline runs',
  'pipeline:read': 'list pipeline runs and their stages',
  'data:read': 'list data batches and validation reports',
  'data:write': 'upload ratings CSV files',
  'models:read': 'list model versions and their metrics',
  'models:write': 'promote a model version or roll back',
};

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}
