/**
 * Parsing and row-level checks for the MovieLens CSV layout (movies.csv, ratings.csv).
 * Plain functions over the fields csv-parse yields, so they can be tested without a database.
 */

export interface MovieRow {
  id: number;
  title: string;
  year: number | null;
  genres: string[];
}

export interface RatingRow {
  userId: number;
  movieId: number;
  rating: number;
  /** Seconds since the Unix epoch, as MovieLens stores them. */
  timestamp: number;
}

/** The row-level checks; each quarantined row names the one it failed. */
export const ROW_CHECKS = [
  'control_bytes',
  'field_count',
  'empty_field',
  'invalid_utf8',
  'user_id',
  'movie_id',
  'title',
  'rating',
  'timestamp',
  'timestamp_before_1995',
  'timestamp_future',
] as const;
type RowCheck = (typeof ROW_CHECKS)[number];

export type RowResult<T> = { ok: true; row: T } | { ok: false; check: RowCheck; reason: string };

const fail = (check: RowCheck, reason: string) => ({ ok: false, check, reason }) as const;

/** MovieLens ratings start in 1995; anything earlier is a corrupt timestamp. */
const EARLIEST_TIMESTAMP = Date.UTC(1995, 0, 1) / 1000;
const MAX_INT32 = 2_147_483_647;
const INVALID_UTF8 = '\uFFFD';
/** NUL and the other C0 control characters but tab, newline and carriage return, and DEL. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
/**
 * Every C0 control character and DEL: a rating row's fields are numbers, so a tab, newline or
 * carriage return in one (a quoted `"4.0\n"`) is no more a number than a NUL is.
 */
// eslint-disable-next-line no-control-regex
const NUMERIC_CONTROL = /[\x00-\x1f\x7f]/;
const CONTROL_NAMES: Record<string, string> = {
  '00': 'NUL',
  '09': 'tab',
  '0a': 'newline',
  '0d': 'carriage return',
};

/**
 * A row holding a NUL or another control byte: PostgreSQL text cannot hold NUL, and no field of
 * the MovieLens layout has a use for them, so the row is quarantined (the rest of the batch goes on).
 */
function controlBytes(fields: string[], control = CONTROL): RowResult<never> | undefined {
  for (const field of fields) {
    const found = control.exec(field);
    if (found) {
      const code = found[0].charCodeAt(0).toString(16).padStart(2, '0');
      const name = CONTROL_NAMES[code];
      return fail('control_bytes', `the row holds the control byte 0x${code}${name ? ` (${name})` : ''}`);
    }
  }
  return undefined;
}

/**
 * Spaces around a number are allowed, nothing else: `\s` would also let through a no-break
 * space or a line separator.
 */
function positiveInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^ *\d+ *$/.test(text)) return undefined;
  const value = Number(text);
  return value > 0 && value <= MAX_INT32 ? value : undefined;
}

export function parseMovieRow(fields: string[]): RowResult<MovieRow> {
  const control = controlBytes(fields);
  if (control) return control;
  if (fields.length !== 3) return fail('field_count', `expected 3 fields, got ${fields.length}`);
  const [idText, rawTitle, genreText] = fields as [string, string, string];
  const id = positiveInteger(idText);
  if (id === undefined) return fail('movie_id', 'movieId is not a positive integer');
  if (fields.some((field) => field.includes(INVALID_UTF8)))
    return fail('invalid_utf8', 'text is not valid UTF-8');
  const title = rawTitle.trim();
  if (title === '') return fail('title', 'title is empty');
  const yearMatch = /\((\d{4})\)\s*$/.exec(title);
  const genres = genreText
    .split('|')
    .map((genre) => genre.trim())
    .filter((genre) => genre !== '');
  return { ok: true, row: { id, title, year: yearMatch ? Number(yearMatch[1]) : null, genres } };
}

export function parseRatingRow(fields: string[], nowSeconds: number): RowResult<RatingRow> {
  const control = controlBytes(fields, NUMERIC_CONTROL);
  if (control) return control;
  if (fields.length !== 4) return fail('field_count', `expected 4 fields, got ${fields.length}`);
  if (fields.some((field) => field.trim() === '')) return fail('empty_field', 'a field is empty');
  if (fields.some((field) => field.includes(INVALID_UTF8)))
    return fail('invalid_utf8', 'text is not valid UTF-8');
  const [userText, movieText, ratingText, timestampText] = fields as [string, string, string, string];
  const userId = positiveInteger(userText);
  if (userId === undefined) return fail('user_id', 'userId is not a positive integer');
  const movieId = positiveInteger(movieText);
  if (movieId === undefined) return fail('movie_id', 'movieId is not a positive integer');
  // Plain decimals only: Number() would also read "0x4" or "4e0".
  const rating = /^ *\d+(\.\d+)? *$/.test(ratingText) ? Number(ratingText) : Number.NaN;
  if (!Number.isFinite(rating) || rating < 0.5 || rating > 5 || !Number.isInteger(rating * 2)) {
    return fail('rating', 'rating is not between 0.5 and 5.0 in steps of 0.5');
  }
  const timestamp = /^ *\d+ *$/.test(timestampText) ? Number(timestampText) : Number.NaN;
  if (!Number.isInteger(timestamp)) return fail('timestamp', 'timestamp is not an integer');
  if (timestamp < EARLIEST_TIMESTAMP) return fail('timestamp_before_1995', 'timestamp is before 1995');
  if (timestamp > nowSeconds) return fail('timestamp_future', 'timestamp is in the future');
  return { ok: true, row: { userId, movieId, rating, timestamp } };
}

/**
 * The text MovieLens writes for a rating row: `1,31,2.5,1260759144`. Staging keeps a row's raw text
 * only where it differs; CANONICAL_RATING_SQL (batch-staging.ts) writes the same text back.
 */
export function canonicalRatingText(row: RatingRow): string {
  return `${row.userId},${row.movieId},${row.rating.toFixed(1)},${row.timestamp}`;
}

/**
 * The moment a ratings row belongs to, for cutting the history into periods: its timestamp when
 * that is a plausible one, else undefined (such a row belongs to no period; the first batch
 * quarantines it).
 */
export function ratingMoment(fields: string[], nowSeconds: number): number | undefined {
  const text = fields[3];
  if (text === undefined || !/^ *\d+ *$/.test(text)) return undefined;
  const timestamp = Number(text);
  return timestamp >= EARLIEST_TIMESTAMP && timestamp <= nowSeconds ? timestamp : undefined;
}

/** Whether a parsed first record is the MovieLens header rather than data. */
export function isHeader(fields: string[], expected: string[]): boolean {
  return expected.every((name, index) => fields[index]?.trim() === name);
}

export const MOVIES_HEADER = ['movieId', 'title', 'genres'];
export const RATINGS_HEADER = ['userId', 'movieId', 'rating', 'timestamp'];
