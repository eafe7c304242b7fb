import { randomBytes, scrypt as scryptCallback, type ScryptOptions, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets stored as scrypt hashes (node:crypto), so that AUTH_CLIENTS — in a Kubernetes
 * Secret, a compose .env file, a CI variable — does not hand out the credentials it describes.
 *
 * Format: `scrypt$<log2 N>$<r>$<p>$<salt, base64url>$<key, base64url>`, e.g.
 * `scrypt$14$8$1$3q2-7w…$Yk1…`. The cost is stored with each hash so it can be raised later
 * without invalidating the hashes already handed out.
 */
const PREFIX = 'scrypt';
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** N = 2^14, r = 8: 16 MiB and some tens of ms per check, on libuv's thread pool. */
const DEFAULT_COST = { log2N: 14, r: 8, p: 1 };
const FORMAT = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/;

interface ParsedHash {
  options: ScryptOptions;
  salt: Buffer;
  key: Buffer;
}

function scrypt(secret: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(secret, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

const memoryFor = ({ N = 0, r = 0 }: ScryptOptions) => 128 * N * r + 1024 * 1024;

function parse(hash: string): ParsedHash | undefined {
  const match = FORMAT.exec(hash);
  if (!match) return undefined;
  const [log2N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Bounds keep a hostile or mistyped cost from taking the server's memory or CPU at each check.
  if (log2N < 14 || log2N > 20 || r < 1 || r > 16 || p < 1 || p > 4) return undefined;
  const options = { N: 2 ** log2N, r, p };
  return {
    options: { ...options, maxmem: memoryFor(options) },
    salt: Buffer.from(match[4]!, 'base64url'),
    key: Buffer.from(match[5]!, 'base64url'),
  };
}

/** Whether `value` is meant as a hash (starts with `scrypt$`), well-formed or not. */
export function looksHashed(value: string): boolean {
  return value.startsWith(`${PREFIX}$`);
}

/** Whether `value` is a well-formed secret hash this module can check against. */
export function isSecretHash(value: string): boolean {
  return parse(value) !== undefined;
}

/** Hashes a secret with a fresh random salt. */
export async function hashSecret(secret: string): Promise<string> {
  const { log2N, r, p } = DEFAULT_COST;
  const salt = randomBytes(SALT_BYTES);
  const options = { N: 2 ** log2N, r, p };
  const key = await scrypt(secret, salt, KEY_BYTES, { ...options, maxmem: memoryFor(options) });
  return [PREFIX, log2N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Checks `secret` against a hash in constant time; false for a malformed hash. */
export async function verifySecretHash(secret: string, hash: string): Promise<boolean> {
  const parsed = parse(hash);
  if (!parsed) return false;
  const key = await scrypt(secret, parsed.salt, parsed.key.length, parsed.options);
  return timingSafeEqual(key, parsed.key);
}
