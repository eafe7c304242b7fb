import { copyField, copyLine } from './copy-from.js';

describe('COPY text format', () => {
  it('escapes the characters COPY treats specially', () => {
    expect(copyField('a\tb\\c\nd\re')).toBe('a\\tb\\\\c\\nd\\re');
  });

  it('writes null as \\N and numbers as they are', () => {
    expect(copyLine([1, null, 'Toy Story (1995)', 2.5])).toBe('1\t\\N\tToy Story (1995)\t2.5\n');
  });
});
