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
