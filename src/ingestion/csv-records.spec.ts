import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsvRecords, type CsvRecord } from './csv-records.js';

async function records(path: string): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const record of readCsvRecords(path)) out.push(record);
  return out;
}

describe('readCsvRecords', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csv-records-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const lines = '\uFEFFuserId,movieId\n1,2,3.5,100\n\n4,5\n,\nä,\uFFFD,x\n7,8,9,10,11';

  it('reads a file without quotes exactly as csv-parse reads it: lines, raw text, fields, empty lines skipped', async () => {
    const plain = await records(file('plain.csv', lines));
    // A quote anywhere sends the whole file through csv-parse.
    const quoted = await records(file('quoted.csv', `${lines}\n"12",13`));
    expect(plain).toEqual(quoted.slice(0, -1));
    expect(quoted.at(-1)).toEqual({ line: 8, raw: '"12",13', fields: ['12', '13'] });
    expect(plain.map((record) => record.line)).toEqual([1, 2, 4, 5, 6, 7]);
    expect(plain[0]!.fields).toEqual(['userId', 'movieId']);
  });

  it('keeps quoted commas and line breaks inside one field', async () => {
    const [record] = await records(file('multi.csv', '1,"Heat, The\n(1995)",Drama\n'));
    expect(record).toEqual({
      line: 1,
      raw: '1,"Heat, The\n(1995)",Drama',
      fields: ['1', 'Heat, The\n(1995)', 'Drama'],
    });
  });

  it('reads Windows line ends through csv-parse, without the carriage return', async () => {
    expect(await records(file('crlf.csv', '1,2\r\n3,4\r\n'))).toEqual([
      { line: 1, raw: '1,2', fields: ['1', '2'] },
      { line: 2, raw: '3,4', fields: ['3', '4'] },
    ]);
  });

  it('reads a last line with no line end, and a file split across read chunks', async () => {
    const many = Array.from({ length: 200_000 }, (_, i) => `${i},${i + 1},4.0,${1_000_000 + i}`).join('\n');
    const read = await records(file('big.csv', many));
    expect(read).toHaveLength(200_000);
    expect(read.at(-1)).toEqual({
      line: 200_000,
      raw: '199999,200000,4.0,1199999',
      fields: ['199999', '200000', '4.0', '1199999'],
    });
  });
});
