/**
 * `scheme://user:password@` anywhere in a text. The password runs to the last `@` before the line,
 * a quote or the next URL ends, so that a malformed one (a space, a raw `@`) is hidden whole; this
 * may hide a little more than the password, never less.
 */
const CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"']*:)(?:(?!:\/\/)[^\n"'])*@/gi;

/**
 * Hides the password of every URL in `text` (`postgresql://app:***@db:5432/reco`), for messages and
 * logs that quote a connection URL: a DATABASE_URL the configuration refuses, a failed start.
 */
export function maskUrlPasswords(text: string): string {
  return text.replace(CREDENTIALS, '$1***@');
}
