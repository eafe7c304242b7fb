import { resolve } from 'node:path';
import { isURL } from 'class-validator';
import { defineSettings, integer, oneOf, text } from '../../config/declare/settings.js';

/** How the replay cuts the ratings history into batches (see src/ingestion/periods.ts). */
const PERIOD_KINDS = ['year', 'quarter', 'month'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

const ML_LATEST_SMALL = 'https://files.grouplens.org/datasets/movielens/ml-latest-small.zip';

/** Where the ratings come from, and how their history is replayed in batches. */
export const ingestionSettings = defineSettings(import.meta.url, {
  title: 'Data and replay',
  settings: {
    MOVIELENS_DIR: text({
      allowed: 'a folder with `movies.csv` and `ratings.csv`',
      description: 'the MovieLens folder to load; unset = download `MOVIELENS_URL`',
    }),
    MOVIELENS_URL: text({
      default: ML_LATEST_SMALL,
      valid: (value) => isURL(value, { require_tld: false, protocols: ['http', 'https'] }),
      message: 'must be a URL address',
      shownDefault: 'GroupLens `ml-latest-small.zip`',
      allowed: 'an `http(s)` URL',
      description: 'zip downloaded to `DATA_CACHE_DIR` when `MOVIELENS_DIR` is unset',
    }),
    MOVIELENS_SHA256: text({
      valid: /^[0-9a-f]{64}$/i,
      message: 'must be 64 hexadecimal characters',
      allowed: '64 hex characters',
      description: "pins the zip's sha256 instead of the md5 GroupLens publishes",
    }),
    DATA_CACHE_DIR: text({
      default: './data/cache',
      allowed: 'a path',
      description: 'downloads, and the ratings time indexes (rebuilt when deleted)',
    }),
    REPLAY_PERIOD: oneOf(PERIOD_KINDS, {
      default: 'year',
      description: 'the span of history each scheduled run appends',
    }),
    /**
     * The first replay batch holds every rating up to the end of this year; unset or `auto`: up to
     * three years before the data's last rating, read from the data (src/ingestion/periods.ts).
     */
    REPLAY_START_YEAR: integer({
      min: 1995,
      max: 2100,
      normalize: (text) => (['', 'auto'].includes(text.trim().toLowerCase()) ? '' : text),
      message: 'must be a year such as 2015, or auto',
      shownDefault: '`auto`',
      allowed: '`auto`, or an integer 1995–2100',
      description: "the first batch ends with this year; `auto`: three years before the data's last rating",
    }),
  },
  toConfig: (env) => ({
    movielens: {
      dir: env.MOVIELENS_DIR ? resolve(env.MOVIELENS_DIR) : undefined,
      url: env.MOVIELENS_URL,
      sha256: env.MOVIELENS_SHA256?.toLowerCase(),
      cacheDir: resolve(env.DATA_CACHE_DIR),
    },
    /** startYear undefined: the first batch ends three years before the data's last rating. */
    replay: { period: env.REPLAY_PERIOD, startYear: env.REPLAY_START_YEAR },
  }),
});
