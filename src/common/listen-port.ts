import { createServer } from 'node:net';

/** A start that cannot go on, said in a sentence for the operator: printed alone, no stack. */
export class StartError extends Error {
  override name = 'StartError';
}

/**
 * What an operator must change when HOST:PORT cannot be listened on; undefined for an error that
 * is not about the address (it then stays an ordinary failure, with its stack).
 */
export function listenProblem(
  error: unknown,
  host: string,
  port: number,
  variable = 'PORT',
): string | undefined {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'EADDRINUSE':
      return `port ${port} is in use on ${host}; set ${variable} to a free port`;
    case 'EACCES':
      return `port ${port} on ${host} needs privileges this process does not have; set ${variable} to 1024 or above`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST ${host} is not an address of this machine; set HOST (0.0.0.0 listens on every address)`;
    default:
      return undefined;
  }
}

/**
 * Binds HOST:PORT for a moment and lets it go: run before the application starts, so a busy port
 * fails the start at once instead of after the embedded PostgreSQL has started and the model has
 * loaded. Resolves to listenProblem's sentence, or undefined when the address is free.
 */
export function checkListenable(host: string, port: number, variable = 'PORT'): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) => {
      const problem = listenProblem(error, host, port, variable);
      if (problem) resolve(problem);
      else reject(error);
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/**
 * `app.listen` with an address failure turned into a StartError: another process may take the
 * port between checkListenable and the listen, after the application has started.
 */
export async function listenOrExplain(
  app: { listen(options: { port: number; host: string }): Promise<unknown> },
  host: string,
  port: number,
): Promise<void> {
  try {
    await app.listen({ port, host });
  } catch (error) {
    const problem = listenProblem(error, host, port);
    throw problem ? new StartError(problem) : error;
  }
}
