/**
 * A floor under the secrets a production start accepts: it catches the placeholders and examples
 * this repository ships (deploy/k8s/secret.yaml, docker/.env.example, the docs) and secrets with
 * little variety (`aaaaaaaaaaaaaaaa`). It cannot prove a secret random; generate them with
 * `openssl rand -base64 48`.
 */

/** Words found in the placeholder and example secrets of this repository and of most others. */
const PLACEHOLDER_MARKERS = [
  'placeholder',
  'change-me',
  'changeme',
  'change_me',
  'replace-me',
  'replaceme',
  'example',
  'your-secret',
  'secret-here',
  '0123456789',
  'abcdefgh',
  'qwerty',
  'password',
];

/**
 * Estimated bits: the Shannon entropy of the characters' frequencies times the length. A random
 * base64 string scores about 5.5 bits a character, hex about 3.8, one repeated letter 0.
 */
function estimatedBits(secret: string): number {
  const counts = new Map<string, number>();
  const characters = [...secret];
  for (const c of characters) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perCharacter = 0;
  for (const count of counts.values()) {
    const p = count / characters.length;
    perCharacter -= p * Math.log2(p);
  }
  return perCharacter * characters.length;
}

/** Minimum estimated bits: a signing key (HS256) and a client secret. */
export const MIN_BITS = { signingKey: 100, clientSecret: 48 } as const;

/** Why `secret` is too weak for production, or undefined. Never quotes the secret. */
export function secretWeakness(secret: string, minBits: number): string | undefined {
  const lower = secret.toLowerCase();
  const marker = PLACEHOLDER_MARKERS.find((word) => lower.includes(word));
  if (marker) return `looks like a placeholder or an example (it contains "${marker}")`;
  const bits = estimatedBits(secret);
  if (bits < minBits) {
    return `has too little variety to be random (about ${Math.floor(bits)} bits estimated, at least ${minBits} needed)`;
  }
  return undefined;
}
