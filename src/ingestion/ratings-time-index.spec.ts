import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CsvRecord, readCsvRecords } from './csv-records.js';
import { lineRecords, RatingsTimeIndex } from './ratings-time-index.js';

async function all(batches: AsyncIterable<CsvRecord[]>): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const batch of batches) out.push(...batch);
  return out;
}

describe('RatingsTimeIndex', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ratings-time-index-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const csv = join(dir, 'ratings.csv');
  const indexPath = join(dir, 'cache', 'index.bin');
  const yes = () => Promise.resolve(true);
  // By user, as MovieLens; moments out of order, a blank line, a bad and a missing timestamp.
  const lines = [
    'userId,movieId,rating,timestamp',
    '1,10,4.0,300',
    '1,11,3.5,100',
    '',
    '2,10,5.0,200',
    '2,12,x,250',
    '2,13,4.0,soon',
    '3,10,1.0,300',
    '3,14,2.0, 150 ',
    '4,15,3.0',
  ];
  writeFileSync(csv, lines.join('\n'));

  it('reads the lines of a time range, with their line numbers and raw text, in file order', async () => {
    const index = (await RatingsTimeIndex.open(csv, indexPath, yes))!;
    const records = await all(lineRecords(await index.range(150, 300)).batches(() => undefined));
    expect(records.map((record) => [record.line, record.raw])).toEqual([
      [5, '2,10,5.0,200'],
      [6, '2,12,x,250'],
      [9, '3,14,2.0, 150 '],
    ]);
    const whole: CsvRecord[] = [];
    for await (const record of readCsvRecords(csv)) whole.push(record);
    expect(records).toEqual(whole.filter((record) => [5, 6, 9].includes(record.line)));
  });

  it('finds the first moment of a range, and none past the last', async () => {
    const index = (await RatingsTimeIndex.open(csv, indexPath, yes))!;
    expect(await index.firstMomentIn(0, 1000)).toBe(100);
    expect(await index.firstMomentIn(201, 1000)).toBe(250);
    expect(await index.firstMomentIn(301, 1000)).toBeUndefined();
    expect(await index.firstMomentIn(0, 100)).toBeUndefined();
  });

  it('is rebuilt when the file changes, and not built for a file that cannot be indexed', async () => {
    writeFileSync(csv, [...lines, '5,16,4.0,400'].join('\n'));
    utimesSync(csv, new Date(), new Date(Date.now() + 5_000));
    const index = (await RatingsTimeIndex.open(csv, indexPath, yes))!;
    expect(await index.firstMomentIn(301, 1000)).toBe(400);
    writeFileSync(csv, lines.join('\n'));
    utimesSync(csv, new Date(), new Date(Date.now() + 10_000));
    expect(await RatingsTimeIndex.open(csv, indexPath, () => Promise.resolve(false))).toBeUndefined();
  });
});
