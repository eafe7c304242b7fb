import { canonicalRatingText, parseMovieRow, parseRatingRow, ratingMoment } from './movielens-rows.js';

const NOW = Date.UTC(2026, 0, 1) / 1000;

describe('parseMovieRow', () => {
  it('splits the year out of the title and the genres on "|"', () => {
    expect(parseMovieRow(['1', 'Toy Story (1995)', 'Adventure|Animation|Children'])).toEqual({
      ok: true,
      row: { id: 1, title: 'Toy Story (1995)', year: 1995, genres: ['Adventure', 'Animation', 'Children'] },
    });
  });

  it('keeps a title without a year, with a null year', () => {
    const result = parseMovieRow(['7', 'Untitled', '(no genres listed)']);
    expect(result).toEqual({
      ok: true,
      row: { id: 7, title: 'Untitled', year: null, genres: ['(no genres listed)'] },
    });
  });

  it.each([
    [['x', 'Title (2000)', 'Drama'], 'movieId is not a positive integer'],
    [['0', 'Title (2000)', 'Drama'], 'movieId is not a positive integer'],
    [['3', 'Title (2000)'], 'expected 3 fields, got 2'],
    [['3', '   ', 'Drama'], 'title is empty'],
    [['3', 'Caf\uFFFD (2001)', 'Drama'], 'text is not valid UTF-8'],
  ])('rejects %j: %s', (fields, reason) => {
    expect(parseMovieRow(fields)).toMatchObject({ ok: false, reason });
  });
});

describe('parseRatingRow', () => {
  it('accepts a well-formed row', () => {
    expect(parseRatingRow(['1', '31', '2.5', '1260759144'], NOW)).toEqual({
      ok: true,
      row: { userId: 1, movieId: 31, rating: 2.5, timestamp: 1260759144 },
    });
  });

  it.each([
    [['1', '31', '2.5'], 'expected 4 fields, got 3'],
    [['1', '', '2.5', '1260759144'], 'a field is empty'],
    [['-1', '31', '2.5', '1260759144'], 'userId is not a positive integer'],
    [['1', '3.5', '2.5', '1260759144'], 'movieId is not a positive integer'],
    [['1', '31', '5.5', '1260759144'], 'rating is not between 0.5 and 5.0 in steps of 0.5'],
    [['1', '31', '3.3', '1260759144'], 'rating is not between 0.5 and 5.0 in steps of 0.5'],
    [['1', '31', '0', '1260759144'], 'rating is not between 0.5 and 5.0 in steps of 0.5'],
    [['1', '31', 'abc', '1260759144'], 'rating is not between 0.5 and 5.0 in steps of 0.5'],
    [['1', '31', '4.0', '12.5'], 'timestamp is not an integer'],
    [['1', '31', '4.0', '1e9'], 'timestamp is not an integer'],
    [['1', '31', '0x4', '1260759144'], 'rating is not between 0.5 and 5.0 in steps of 0.5'],
    [['1', '31', '4.0', '700000000'], 'timestamp is before 1995'],
    [['1', '31', '4.0', String(NOW + 86400)], 'timestamp is in the future'],
    [['1\uFFFD', '31', '4.0', '1260759144'], 'text is not valid UTF-8'],
    [['1', '31', '4.0\u00a0', '1260759144'], 'rating is not between 0.5 and 5.0 in steps of 0.5'],
    [['1', '31', '4.0', '1260759144\u2028'], 'timestamp is not an integer'],
  ])('rejects %j: %s', (fields, reason) => {
    expect(parseRatingRow(fields, NOW)).toMatchObject({ ok: false, reason });
  });

  it.each([
    [['1', '31', '4.0', '\0\0'], 'the row holds the control byte 0x00 (NUL)'],
    [['1', '3\x071', '4.0', '1260759144'], 'the row holds the control byte 0x07'],
    [['1', '31', '4.0', '1260759144', '\x7f'], 'the row holds the control byte 0x7f'],
    // A quoted field may hold a line end: "4.0\n" is not a rating, though \s would have trimmed it.
    [['1', '31', '4.0\n', '1260759144'], 'the row holds the control byte 0x0a (newline)'],
    [['1', '31', '4.0', '1260759144\r'], 'the row holds the control byte 0x0d (carriage return)'],
    [['1', '\t31', '4.0', '1260759144'], 'the row holds the control byte 0x09 (tab)'],
  ])('quarantines %j for its control byte: %s', (fields, reason) => {
    expect(parseRatingRow(fields, NOW)).toEqual({ ok: false, check: 'control_bytes', reason });
  });

  it('names the check a row failed', () => {
    expect(parseRatingRow(['1', '31', '9', '1260759144'], NOW)).toEqual({
      ok: false,
      check: 'rating',
      reason: 'rating is not between 0.5 and 5.0 in steps of 0.5',
    });
  });
});

describe('ratingMoment', () => {
  it('is the timestamp of a row with a plausible one, whatever else is wrong with it', () => {
    expect(ratingMoment(['1', 'x', '9', '1260759144'], NOW)).toBe(1260759144);
  });

  it('is undefined for a missing, malformed, too early or future timestamp', () => {
    expect(ratingMoment(['1', '2', '3'], NOW)).toBeUndefined();
    expect(ratingMoment(['1', '2', '3', '12.5'], NOW)).toBeUndefined();
    expect(ratingMoment(['1', '2', '3', '700000000'], NOW)).toBeUndefined();
    expect(ratingMoment(['1', '2', '3', String(NOW + 1)], NOW)).toBeUndefined();
  });
});

describe('canonicalRatingText', () => {
  it('writes a rating row the way MovieLens does, one decimal on the rating', () => {
    const rows = ['1,31,2.5,1260759144', '7,1,4.0,964982703', '12,5,0.5,1000000000', '3,2,5.0,1100000000'];
    for (const line of rows) {
      const parsed = parseRatingRow(line.split(','), 2e9);
      expect(parsed.ok && canonicalRatingText(parsed.row)).toBe(line);
    }
  });

  it('differs from text written another way, so that text is kept as read', () => {
    for (const line of [
      '1,31,4,1260759144',
      '1, 31,4.0,1260759144',
      '01,31,4.0,1260759144',
      '1,31,4.00,1260759144',
    ]) {
      const parsed = parseRatingRow(line.split(','), 2e9);
      expect(parsed.ok && canonicalRatingText(parsed.row)).not.toBe(line);
    }
  });
});
