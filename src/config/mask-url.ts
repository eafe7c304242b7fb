/** `scheme://user:password@` in any text; the password runs to the last `@` of the word. */
const CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*:)\S*@/gi;

/**
 * Hides the password of every URL in `text` (`postgresql://app:***@db:5432/reco`), for messages and
 * logs that quote a connection URL: a DATABASE_URL the configuration refuses, a failed start.
 */
export function maskUrlPasswords(text: string): string {
  return text.replace(CREDENTIALS, '$1***@');
}
