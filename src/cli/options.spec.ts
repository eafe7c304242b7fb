import { buildProgram, type CliContext, CliUsageError } from './commands.js';
import { integerIn, matching, parsedBy, positiveId, positiveNumber, withUsageErrors } from './options.js';

/** The message a person sees (`error: <message>`, exit status 2), or undefined when the value is taken. */
function refusal(read: () => unknown): string | undefined {
  try {
    read();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(CliUsageError);
    return (error as Error).message;
  }
}

describe('option readers', () => {
  it('takes whole numbers written in digits within the range', () => {
    const limit = integerIn(1, 100, '--limit must be an integer from 1 to 100');
    expect(limit('1')).toBe(1);
    expect(limit('100')).toBe(100);
    for (const bad of ['0', '101', '-1', '1.5', 'abc', '', '1e1', ' 5', '0x10']) {
      expect(refusal(() => limit(bad))).toBe('--limit must be an integer from 1 to 100');
    }
    const count = integerIn(1, 10, (text) => `--n must be a whole number >= 1; got "${text}"`);
    expect(refusal(() => count('x'))).toBe('--n must be a whole number >= 1; got "x"');
  });

  it('takes ids from 1 to the largest PostgreSQL integer', () => {
    expect(positiveId('7')).toBe(7);
    expect(positiveId('2147483647')).toBe(2_147_483_647);
    for (const bad of ['0', '2147483648', 'abc', '1x', '1.5', '-1']) {
      expect(refusal(() => positiveId(bad))).toBe('the id must be a positive integer');
    }
  });

  it('takes positive finite numbers, fractions too', () => {
    const rate = positiveNumber((text) => `--rate must be a positive number; got "${text}"`);
    expect(rate('0.5')).toBe(0.5);
    expect(rate('200')).toBe(200);
    for (const bad of ['0', '-1', '', ' ', 'abc', 'Infinity']) {
      expect(refusal(() => rate(bad))).toBe(`--rate must be a positive number; got "${bad}"`);
    }
  });

  it('takes texts matching a pattern, and values a module reads', () => {
    const client = matching(/^[a-z]{1,3}$/, '--client must be 1-3 letters');
    expect(client('abc')).toBe('abc');
    expect(refusal(() => client('abcd'))).toBe('--client must be 1-3 letters');
    const day = parsedBy(
      (text) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : undefined),
      '--since must be a date',
    );
    expect(day('2020-01-02')).toEqual(new Date('2020-01-02T00:00:00Z'));
    expect(refusal(() => day('yesterday'))).toBe('--since must be a date');
  });

  it("turns a module's own usage errors into the CLI's, and lets other failures through", async () => {
    class ModuleUsageError extends Error {}
    await expect(
      withUsageErrors([ModuleUsageError], () => Promise.reject(new ModuleUsageError('--x is bad'))),
    ).rejects.toEqual(new CliUsageError('--x is bad'));
    const failure = new Error('the folder does not exist');
    await expect(withUsageErrors([ModuleUsageError], () => Promise.reject(failure))).rejects.toBe(failure);
  });
});

describe('the program', () => {
  function program() {
    const context: CliContext = {
      open: vi.fn(() => Promise.reject(new Error('the app was opened'))),
      progress: () => undefined,
      out: vi.fn(),
    };
    return { context, program: buildProgram(context) };
  }

  it.each([
    [['pipeline', 'list', '--limit', '0'], '--limit must be an integer from 1 to 100'],
    [['pipeline', 'show', 'abc'], 'the id must be a positive integer'],
    [['models', 'show', '0'], 'the id must be a positive integer'],
    [['models', 'promote', '1.5'], 'the id must be a positive integer'],
    [
      ['feedback', 'revert', '--client', 'a b', '--since', '2026-01-01'],
      '--client must be 1-64 characters among letters, digits and . _ ~ -',
    ],
    [['feedback', 'revert', '--client', 'a', '--since', 'soon'], /^--since must be an ISO 8601 time/],
    [['ingest'], 'say what to ingest: --next or --all'],
    [['ingest', '--next', '--all'], '--next and --all exclude each other: give one'],
  ])('refuses %j before opening the app', async (args, message) => {
    const { context, program: cli } = program();
    const refused = cli.parseAsync(args, { from: 'user' });
    await expect(refused).rejects.toBeInstanceOf(CliUsageError);
    await expect(refused).rejects.toThrow(message);
    expect(context.open).not.toHaveBeenCalled();
  });

  it('hands the values read to the command', async () => {
    const { context, program: cli } = program();
    await expect(cli.parseAsync(['pipeline', 'list', '--limit', '5'], { from: 'user' })).rejects.toThrow(
      'the app was opened',
    );
    expect(context.open).toHaveBeenCalledWith({ runMigrations: false });
  });
});
