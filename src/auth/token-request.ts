import { OAuthException } from './oauth-error.js';

/** A client-credentials token request, read from the body and the Authorization header. */
export interface TokenRequest {
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes asked for; undefined = all of the client's scopes. */
  scope?: string;
  viaBasicAuth: boolean;
}

const PARAMETERS = ['grant_type', 'client_id', 'client_secret', 'scope'] as const;
type Parameter = (typeof PARAMETERS)[number];

function parametersOf(body: unknown): Partial<Record<Parameter, string>> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new OAuthException('invalid_request', 'the body must be a form or a JSON object');
  }
  const read: Partial<Record<Parameter, string>> = {};
  for (const name of PARAMETERS) {
    const value = (body as Record<string, unknown>)[name];
    if (value === undefined) continue;
    // A repeated form field arrives as an array; RFC 6749 §3.2 forbids repeating a parameter.
    if (Array.isArray(value)) throw new OAuthException('invalid_request', `${name} is given more than once`);
    if (typeof value !== 'string') throw new OAuthException('invalid_request', `${name} must be a string`);
    read[name] = value;
  }
  // Other parameters are ignored, as RFC 6749 §3.2 requires.
  return read;
}

/** RFC 6749 §2.3.1: HTTP Basic with the form-encoded client id and secret. */
function basicCredentials(authorization: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthException('invalid_client', 'malformed HTTP Basic credentials', true);
  const formDecode = (text: string) => {
    try {
      return decodeURIComponent(text.replace(/\+/g, ' '));
    } catch {
      throw new OAuthException('invalid_client', 'malformed HTTP Basic credentials', true);
    }
  };
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/**
 * Checks the shape of a token request (RFC 6749 §4.4.2). The client authenticates either with
 * `client_id` and `client_secret` in the body or with HTTP Basic, not both.
 */
export function readTokenRequest(body: unknown, authorization: string | undefined): TokenRequest {
  const params = parametersOf(body);
  if (params.grant_type === undefined || params.grant_type === '') {
    throw new OAuthException('invalid_request', 'grant_type is required (client_credentials)');
  }
  if (params.grant_type !== 'client_credentials') {
    throw new OAuthException(
      'unsupported_grant_type',
      `grant_type ${params.grant_type} is not supported; use client_credentials`,
    );
  }
  const basic = basicCredentials(authorization);
  if (basic && params.client_secret !== undefined) {
    throw new OAuthException('invalid_request', 'authenticate with HTTP Basic or client_secret, not both');
  }
  if (basic && params.client_id !== undefined && params.client_id !== basic.id) {
    throw new OAuthException('invalid_request', 'client_id differs from the HTTP Basic user');
  }
  const clientId = basic?.id ?? params.client_id;
  const clientSecret = basic?.secret ?? params.client_secret;
  if (!clientId || !clientSecret) {
    throw new OAuthException('invalid_client', 'client_id and client_secret are required');
  }
  // An empty scope asks for nothing in particular: the client's default (all its scopes).
  const scope = params.scope?.trim() ? params.scope : undefined;
  return { clientId, clientSecret, scope, viaBasicAuth: basic !== undefined };
}
