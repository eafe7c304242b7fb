import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { hashSecret } from '../config/secret-hash.js';
import { MIN_BITS, secretWeakness } from '../config/secret-strength.js';
import { type CliContext, CliUsageError } from './cli-context.js';

const MIN_LENGTH = 16;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/**
 * `auth hash-secret`: the scrypt hash to put in AUTH_CLIENTS instead of a client's secret. The
 * secret is read from stdin, not from the command line, where the shell history and `ps` would
 * keep it; `--generate` makes a random one and prints both.
 */
export function registerAuthCommands(program: Command, context: CliContext): void {
  const auth = program.command('auth').description('OAuth2 client secrets');
  auth
    .command('hash-secret')
    .description('Print the scrypt hash of a client secret read from stdin, for AUTH_CLIENTS (no database)')
    .option('--generate', 'generate a random secret instead; prints {"secret", "hash"} as JSON')
    .action(async (options: { generate?: boolean }) => {
      if (options.generate) {
        const secret = randomBytes(32).toString('base64url');
        context.out(JSON.stringify({ secret, hash: await hashSecret(secret) }));
        return;
      }
      const stdin = process.stdin;
      if (stdin.isTTY) {
        process.stderr.write(
          'type the secret, then Enter and Ctrl-D (it shows as you type; a pipe does not: printf %s "$SECRET" | …)\n',
        );
      }
      // One trailing newline (echo, a here-string, the Enter above) is not part of the secret.
      const secret = (await readAll(stdin)).replace(/\r?\n$/, '');
      if (secret.length < MIN_LENGTH) {
        throw new CliUsageError(
          `give the secret on stdin, at least ${MIN_LENGTH} characters (or use --generate)`,
        );
      }
      const weakness = secretWeakness(secret, MIN_BITS.clientSecret);
      if (weakness) throw new CliUsageError(`the secret ${weakness}; use --generate for a random one`);
      context.out(await hashSecret(secret));
    });
}
