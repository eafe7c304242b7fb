/**
 * The scopes an API client may hold. Each guarded route names the scopes it needs with
 * @RequireScopes; a token carries the subset its client asked for (all of the client's by default).
 * The admin API takes the first six; the platform backends that send and read users' ratings take
 * the feedback and users scopes.
 */
export const SCOPES = [
  'pipeline:run',
  'pipeline:read',
  'data:read',
  'data:write',
  'models:read',
  'models:write',
  'feedback:write',
  'feedback:read',
  'users:read',
] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** What each scope allows, for the OpenAPI document's OAuth2 scheme (Swagger UI's Authorize). */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'pipeline:run': 'start a pipeline run (POST /admin/pipeline/runs)',
  'pipeline:read': 'read pipeline runs and their stages',
  'data:read': 'read data batches, validation reports and quarantined rows',
  'data:write': 'upload a ratings CSV as a new batch (starts a run)',
  'models:read': 'read model versions, their metrics and stage history',
  'models:write': 'promote a model version to production (or roll back)',
  'feedback:write': "send a user's rating of a movie",
  'feedback:read': "read a user's ratings",
  'users:read': "read a user's recommendations where USER_READS_REQUIRE_TOKEN is true",
};
