import { OAuthException } from './oauth-error.js';
import { readTokenRequest } from './token-request.js';

function errorOf(body: unknown, authorization?: string): OAuthException {
  try {
    readTokenRequest(body, authorization);
  } catch (error) {
    if (error instanceof OAuthException) return error;
    throw error;
  }
  throw new Error('expected an OAuthException');
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('readTokenRequest', () => {
  it('reads the client credentials and scope from the body', () => {
    expect(
      readTokenRequest(
        {
          grant_type: 'client_credentials',
          client_id: 'ops',
          client_secret: 's',
          scope: 'data:read',
          extra: 1,
        },
        undefined,
      ),
    ).toEqual({ clientId: 'ops', clientSecret: 's', scope: 'data:read', viaBasicAuth: false });
  });

  it('reads the client credentials from HTTP Basic, form-decoded', () => {
    expect(readTokenRequest({ grant_type: 'client_credentials' }, basic('ops', 'a%3Ab+c'))).toEqual({
      clientId: 'ops',
      clientSecret: 'a:b c',
      scope: undefined,
      viaBasicAuth: true,
    });
  });

  it('treats an empty scope as no scope asked (the default)', () => {
    const body = { grant_type: 'client_credentials', client_id: 'ops', client_secret: 's', scope: ' ' };
    expect(readTokenRequest(body, undefined).scope).toBeUndefined();
  });

  it.each([
    [undefined, 'invalid_request', 400],
    [['x'], 'invalid_request', 400],
    [{ grant_type: 'password', client_id: 'ops', client_secret: 's' }, 'unsupported_grant_type', 400],
    [{ grant_type: ['client_credentials', 'client_credentials'] }, 'invalid_request', 400],
    [{ grant_type: 'client_credentials', client_id: 7, client_secret: 's' }, 'invalid_request', 400],
    [{ grant_type: 'client_credentials', client_id: 'ops' }, 'invalid_client', 401],
  ])('answers %j with %s', (body, code, status) => {
    const error = errorOf(body);
    expect(error.code).toBe(code);
    expect(error.getStatus()).toBe(status);
  });

  it('refuses two ways of authenticating at once', () => {
    const error = errorOf({ grant_type: 'client_credentials', client_secret: 's' }, basic('ops', 's'));
    expect(error.code).toBe('invalid_request');
  });

  it('keeps error descriptions within the characters RFC 6749 allows', () => {
    expect(errorOf({ grant_type: 'pass"word\\é' }).description).toBe(
      'grant_type pass?word?? is not supported; use client_credentials',
    );
  });
});
