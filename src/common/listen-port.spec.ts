import { createServer, type Server } from 'node:net';
import { checkListenable, listenOrExplain, listenProblem, StartError } from './listen-port.js';

function listening(host: string): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

describe('checkListenable', () => {
  it('names the busy port and what to set when another process listens on it', async () => {
    const { server, port } = await listening('127.0.0.1');
    try {
      expect(await checkListenable('127.0.0.1', port)).toBe(
        `port ${port} is in use on 127.0.0.1; set PORT to a free port`,
      );
    } finally {
      server.close();
    }
  });

  it('finds a port held on one address busy for every address too', async () => {
    const { server, port } = await listening('127.0.0.1');
    try {
      expect(await checkListenable('0.0.0.0', port)).toMatch(/^port \d+ is in use on 0\.0\.0\.0/);
    } finally {
      server.close();
    }
  });

  it('answers undefined for a free port, and leaves it free', async () => {
    const { server, port } = await listening('127.0.0.1');
    await new Promise((resolve) => server.close(resolve));
    expect(await checkListenable('127.0.0.1', port)).toBeUndefined();
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, '127.0.0.1', resolve);
    });
    again.close();
  });

  it('names HOST when it is not an address of this machine', async () => {
    expect(await checkListenable('192.0.2.1', 0)).toMatch(
      /^HOST 192\.0\.2\.1 is not an address of this machine/,
    );
  });
});

describe('listenProblem', () => {
  const failure = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

  it('turns the address errors into a sentence and leaves the others alone', () => {
    expect(listenProblem(failure('EADDRINUSE'), '0.0.0.0', 8000)).toBe(
      'port 8000 is in use on 0.0.0.0; set PORT to a free port',
    );
    expect(listenProblem(failure('EACCES'), '0.0.0.0', 80)).toMatch(/set PORT to 1024 or above$/);
    expect(listenProblem(failure('EMFILE'), '0.0.0.0', 8000)).toBeUndefined();
    expect(listenProblem(new Error('no code'), '0.0.0.0', 8000)).toBeUndefined();
  });
});

describe('listenOrExplain', () => {
  it('turns a port taken after the check into the same sentence, and passes other errors on', async () => {
    const failing = (error: Error) => ({ listen: () => Promise.reject(error) });
    const busy = Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:8000'), {
      code: 'EADDRINUSE',
    });
    const refused = listenOrExplain(failing(busy), '0.0.0.0', 8000);
    await expect(refused).rejects.toBeInstanceOf(StartError);
    await expect(refused).rejects.toThrow(/^port 8000 is in use on 0\.0\.0\.0; set PORT to a free port$/);
    const other = new Error('something else');
    await expect(listenOrExplain(failing(other), '0.0.0.0', 8000)).rejects.toBe(other);
  });
});
