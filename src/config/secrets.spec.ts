import { hashSecret, isSecretHash, verifySecretHash } from './secret-hash.js';
import { ConfigError, parseEnvironment } from './environment.js';
import { maskUrlPasswords } from './mask-url.js';
import { parseAuthClients } from './auth-clients.js';
import { secretWeakness } from './secret-strength.js';

const STRONG_JWT = 'q3Zt8VfK1xWmR7pLc2NbY9sHdE4uJ6aGvT0oXiQwFz5Ck';
const SCOPES = ['pipeline:read'];

function problemsOf(env: Record<string, string>): string {
  try {
    parseEnvironment(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
}

describe('secrets in production (NODE_ENV=production)', () => {
  let hashed: string;
  beforeAll(async () => {
    hashed = await hashSecret('a-random-enough-Secret-7Hq2Lx9Vw');
  });

  it.each([
    ['the Kubernetes placeholder', 'PLACEHOLDER-change-me-to-32-or-more-random-characters', 'placeholder'],
    ['the compose example', 'placeholder-jwt-secret-change-me-0123456789', 'placeholder'],
    ['a repeated letter', 'a'.repeat(40), 'too little variety'],
  ])('refuses %s as JWT_SECRET, without quoting it', (_, secret, reason) => {
    const message = problemsOf({
      NODE_ENV: 'production',
      JWT_SECRET: secret,
      AUTH_CLIENTS: JSON.stringify([{ id: 'ops', secret: hashed, scopes: SCOPES }]),
    });
    expect(message).toContain('JWT_SECRET=(hidden)');
    expect(message).toContain(reason);
    expect(message).not.toContain(secret);
  });

  it('refuses client secrets in plain text, however strong, and names the fix', () => {
    const message = problemsOf({
      NODE_ENV: 'production',
      JWT_SECRET: STRONG_JWT,
      AUTH_CLIENTS: JSON.stringify([
        { id: 'ops', secret: 'PLACEHOLDER-change-me', scopes: SCOPES },
        { id: 'grafana', secret: 'Xk29-vqPz81LmQw7RtYb', scopes: SCOPES },
      ]),
    });
    expect(message).toContain(
      'client "ops": the secret is stored in plain text and looks like a placeholder',
    );
    expect(message).toContain('client "grafana": the secret is stored in plain text;');
    expect(message).toContain('npm run cli -- auth hash-secret');
    expect(message).not.toContain('Xk29-vqPz81LmQw7RtYb');
  });

  it('accepts a random signing key and hashed client secrets', () => {
    const env = parseEnvironment({
      NODE_ENV: 'production',
      JWT_SECRET: STRONG_JWT,
      AUTH_CLIENTS: JSON.stringify([{ id: 'ops', secret: hashed, scopes: SCOPES }]),
    });
    expect(env.JWT_SECRET).toBe(STRONG_JWT);
  });

  it('takes the examples in development, so the Quick start and tests need no generated secrets', () => {
    expect(
      problemsOf({
        JWT_SECRET: 'a'.repeat(32),
        AUTH_CLIENTS: JSON.stringify([{ id: 'ops', secret: 'change-me-0123456789', scopes: SCOPES }]),
      }),
    ).toBe('');
  });
});

describe('hashed client secrets', () => {
  it('round-trips, with a fresh salt each time', async () => {
    const [one, two] = [await hashSecret('s3cret-of-sixteen+'), await hashSecret('s3cret-of-sixteen+')];
    expect(one).toMatch(/^scrypt\$14\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(one).not.toBe(two);
    expect(await verifySecretHash('s3cret-of-sixteen+', one)).toBe(true);
    expect(await verifySecretHash('s3cret-of-sixteen-', one)).toBe(false);
  });

  it('are accepted in AUTH_CLIENTS; a malformed or too costly one is refused', async () => {
    const hash = await hashSecret('s3cret-of-sixteen+');
    expect(parseAuthClients(JSON.stringify([{ id: 'a', secret: hash, scopes: SCOPES }]))[0]?.secret).toBe(
      hash,
    );
    expect(isSecretHash(hash.replace('scrypt$14', 'scrypt$30'))).toBe(false);
    expect(() =>
      parseAuthClients(JSON.stringify([{ id: 'a', secret: 'scrypt$oops', scopes: SCOPES }])),
    ).toThrow('client "a": secret starts like a scrypt hash but is not one');
  });
});

describe('secretWeakness', () => {
  it('passes random secrets and catches the weak ones', () => {
    expect(secretWeakness('Vq3kZ8pL2xW9mR7tY4bN1cH6', 48)).toBeUndefined();
    expect(secretWeakness('aaaaaaaaaaaaaaaa', 48)).toContain('too little variety');
    expect(secretWeakness('my-Example-secret-value', 48)).toContain('"example"');
  });
});

describe('maskUrlPasswords', () => {
  it('hides the password of every URL in a text', () => {
    expect(maskUrlPasswords('postgresql://app:s3cret@db:5432/reco and redis://:p@ss@cache:6379')).toBe(
      'postgresql://app:***@db:5432/reco and redis://:***@cache:6379',
    );
    expect(maskUrlPasswords('postgresql://app@db/reco')).toBe('postgresql://app@db/reco');
  });

  it('is applied to a refused DATABASE_URL', () => {
    const message = problemsOf({ DATABASE_URL: 'postgresql://app:s3cret pass@db/reco' });
    expect(message).toContain('DATABASE_URL="postgresql://app:***@db/reco"');
    expect(message).not.toContain('s3cret');
  });
});
