import { formatUserRanges, inUserRanges, parseUserRanges } from './user-ranges.js';

describe('parseUserRanges', () => {
  it('reads ids and inclusive ranges, sorted, with spaces around items', () => {
    expect(parseUserRanges('5000-5999, 1-1000 ,42000')).toEqual([
      { from: 1, to: 1000 },
      { from: 5000, to: 5999 },
      { from: 42000, to: 42000 },
    ]);
  });

  it('merges overlapping and touching ranges', () => {
    expect(parseUserRanges('1-10,5-20,21,30-40,35')).toEqual([
      { from: 1, to: 21 },
      { from: 30, to: 40 },
    ]);
  });

  it('takes the largest user id', () => {
    expect(parseUserRanges('2147483647')).toEqual([{ from: 2147483647, to: 2147483647 }]);
  });

  it.each([
    ['', /must list user ids or ranges/],
    ['  ', /must list user ids or ranges/],
    ['1-1000,', /has "", which is not an id or a range/],
    ['1..1000', /has "1..1000", which is not an id or a range/],
    ['1-1000;5000-5999', /has "1-1000;5000-5999"/],
    ['-5', /has "-5"/],
    ['a-b', /has "a-b"/],
    ['1.5', /has "1.5"/],
    ['0-10', /user ids go from 1 to 2147483647/],
    ['1-2147483648', /user ids go from 1 to 2147483647/],
    ['1000-1', /a range whose start is past its end/],
    ['1-2-3', /has "1-2-3"/],
    ['12345678901', /user ids go from 1/],
  ])('refuses %j', (text, message) => {
    expect(() => parseUserRanges(text)).toThrow(message);
  });
});

describe('inUserRanges', () => {
  const ranges = parseUserRanges('1-1000,5000-5999,7000,9000-9010');

  it.each([1, 500, 1000, 5000, 5999, 7000, 9000, 9010])('holds %d', (id) => {
    expect(inUserRanges(ranges, id)).toBe(true);
  });

  it.each([1001, 4999, 6000, 6999, 7001, 8999, 9011, 6000001])('does not hold %d', (id) => {
    expect(inUserRanges(ranges, id)).toBe(false);
  });

  it('holds nothing when empty', () => {
    expect(inUserRanges([], 1)).toBe(false);
  });
});

describe('formatUserRanges', () => {
  it('writes the merged ranges back as configured text', () => {
    expect(formatUserRanges(parseUserRanges('7,1-10, 20-30'))).toBe('1-10,20-30');
    expect(formatUserRanges(parseUserRanges('42'))).toBe('42');
  });
});
