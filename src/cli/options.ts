/**
 * Reading the command line's values: each reader takes the text commander hands an option or an
 * argument (as its argParser, or in the action) and returns the value, or throws the usage error a
 * person sees as `error: <message>` with exit status 2. Values are read before any command opens the
 * app, so a bad one is refused without a database or a configuration.
 */
import { CliUsageError } from './cli-context.js';

/** The message of a refused value: fixed, or made from the text given. */
type Message = string | ((text: string) => string);

function refuse(message: Message, text: string): never {
  throw new CliUsageError(typeof message === 'string' ? message : message(text));
}

/** A whole number written in digits (no sign, fraction or exponent), from `min` to `max`. */
export function integerIn(min: number, max: number, message: Message): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) refuse(message, text);
    return value;
  };
}

/** A record's id: 1 to the largest PostgreSQL integer. */
export const positiveId = integerIn(1, 2_147_483_647, 'the id must be a positive integer');

/** A finite number greater than 0, fractions allowed. */
export function positiveNumber(message: Message): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value <= 0) refuse(message, text);
    return value;
  };
}

/** A text matching `pattern`. */
export function matching(pattern: RegExp, message: Message): (text: string) => string {
  return (text) => (pattern.test(text) ? text : refuse(message, text));
}

/** A value read by a module's own parser, which returns undefined for a text it does not take. */
export function parsedBy<T>(parse: (text: string) => T | undefined, message: Message): (text: string) => T {
  return (text) => parse(text) ?? refuse(message, text);
}

/** Any of several error classes (a module's own usage errors). */
type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs a command another module implements (evaluate, synth, replay-traffic); its own usage errors
 * (bad arguments it found) become the CLI's, so they exit with 2 too.
 */
export async function withUsageErrors(
  usage: readonly ErrorClass[],
  run: () => Promise<unknown>,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof Error && usage.some((type) => error instanceof type)) {
      throw new CliUsageError(error.message);
    }
    throw error;
  }
}
