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

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}
