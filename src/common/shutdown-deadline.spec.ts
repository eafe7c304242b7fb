import { EventEmitter } from 'node:events';
import { armShutdownDeadline } from './shutdown-deadline.js';

describe('the shutdown deadline', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function arm(graceMs = 20_000) {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const lines: string[] = [];
    let lastlyCalls = 0;
    const disarm = armShutdownDeadline({
      graceMs,
      lastly: async () => void lastlyCalls++,
      log: (line) => lines.push(line),
      exit: (code) => exits.push(code),
      signals,
    });
    return { signals, exits, lines, lastly: () => lastlyCalls, disarm };
  }

  it('leaves a stop that ends within the grace period alone', async () => {
    const { signals, exits, disarm } = arm();
    signals.emit('SIGTERM');
    await vi.advanceTimersByTimeAsync(10_000);
    disarm(); // the process would have exited here
    await vi.advanceTimersByTimeAsync(60_000);
    expect(exits).toEqual([]);
  });

  it('ends a stop still going a second before the grace period, after the last step', async () => {
    const { signals, exits, lines, lastly } = arm(20_000);
    signals.emit('SIGTERM');
    await vi.advanceTimersByTimeAsync(18_900);
    expect(exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(lastly()).toBe(1);
    expect(exits).toEqual([1]);
    expect(lines[0]).toContain('still stopping after SHUTDOWN_GRACE_SECONDS (20 s)');
  });

  it('ends at once on a second Ctrl-C', async () => {
    const { signals, exits, lines } = arm();
    signals.emit('SIGINT');
    signals.emit('SIGINT');
    await vi.advanceTimersByTimeAsync(0);
    expect(exits).toEqual([1]);
    expect(lines[0]).toContain('SIGINT again while stopping');
  });

  it('exits even when the last step hangs', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    armShutdownDeadline({
      graceMs: 2000,
      lastly: () => new Promise(() => undefined),
      log: () => undefined,
      exit: (code) => exits.push(code),
      signals,
    });
    signals.emit('SIGTERM');
    await vi.advanceTimersByTimeAsync(2000);
    expect(exits).toEqual([1]);
  });
});
