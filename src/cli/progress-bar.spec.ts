import { formatStageLine, terminalProgress, timedLines } from './progress-bar.js';

function fakeStream() {
  const chunks: string[] = [];
  return {
    chunks,
    text: () => chunks.join(''),
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
  } as unknown as NodeJS.WriteStream & { chunks: string[]; text(): string };
}

describe('stage lines on a terminal', () => {
  it('formats a finished stage with its mark, time, rows and error', () => {
    expect(formatStageLine('train', { status: 'succeeded', seconds: 12.345, rows: 100836 })).toBe(
      '✓ train        12.3 s  100,836 rows',
    );
    expect(formatStageLine('ingest', { status: 'failed', seconds: 0.2, error: 'no movies.csv' })).toBe(
      '✗ ingest     failed    0.2 s  no movies.csv',
    );
    expect(formatStageLine('drift', { status: 'skipped', seconds: 0 })).toBe('– drift      skipped    0.0 s');
  });

  it('shows each stage as it runs and a line with its time when it ends', () => {
    const stream = fakeStream();
    const progress = terminalProgress(stream);
    progress.stageStarted!('ingest');
    progress.stageFinished!('ingest', { status: 'succeeded', seconds: 1.5, rows: 10 });
    progress.stageStarted!('train');
    progress.stageFinished!('train', { status: 'succeeded', seconds: 40 });
    const text = stream.text();
    expect(text).toContain('… ingest');
    expect(text).toContain('… train');
    const lines = text
      .split('\n')
      .map((line) => line.split('\r\u001b[K').at(-1)!)
      .filter(Boolean);
    expect(lines).toEqual(['✓ ingest        1.5 s  10 rows', '✓ train        40.0 s']);
  });
});

describe('timed lines of a command run in steps', () => {
  it('leads each line with the seconds since the start on a terminal, else writes JSON', () => {
    let now = 1000;
    const terminal = fakeStream();
    const logTerminal = timedLines(terminal, true, () => now);
    const json = fakeStream();
    const logJson = timedLines(json, false, () => now);
    now = 3500;
    logTerminal('next-day ease: NDCG@10 0.1');
    logJson('next-day ease: NDCG@10 0.1');
    expect(terminal.text()).toBe('    2.5 s  next-day ease: NDCG@10 0.1\n');
    expect(JSON.parse(json.text())).toEqual({ seconds: 2.5, message: 'next-day ease: NDCG@10 0.1' });
  });
});
