import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { copyLine } from '../database/copy-from.js';
import {
  canonicalRatingText,
  isHeader,
  parseRatingRow,
  RATINGS_HEADER,
  ratingMoment,
} from '../validation/movielens-rows.js';
import { quarantinedRaw } from '../validation/quarantined-row.js';
import { readCsvBatches, type RecordSource } from './csv-records.js';
import { type IndexedLines, lineRecords } from './ratings-time-index.js';
import { StagedKeys, type StagedKeysSummary } from './staged-keys.js';

/** Ratings to stage: a whole file, or the lines of a replay period a time index found. */
export type RatingSource = { kind: 'file'; path: string; totalBytes: number } | IndexedLines;

/** Plain data, so it can be handed to the worker thread that runs it. */
export interface StageRatingsJob {
  source: RatingSource;
  fileLabel: string;
  /** Stage only rows at or after this moment (seconds); undefined = from the beginning. */
  fromSeconds?: number;
  /** Keep rows with no plausible timestamp (they belong to the first batch only). */
  includeMomentless: boolean;
  /** Uploaded files must start with the header; the MovieLens files may omit it. */
  requireHeader: boolean;
  nowSeconds: number;
  /** Where the quarantined rows go, as COPY text: file, line, raw, check, reason, moment. */
  quarantineFile: string;
}

/**
 * Good rows as COPY text for staging_ratings: line, raw, user, movie, rating, timestamp. The raw
 * text is null where it is the row's canonical text (canonicalRatingText), as in almost every row
 * of MovieLens' files: the staging table is then a third smaller, and the few rows that move to
 * the quarantine later get their text back from their fields.
 */
export interface StagedChunk {
  copy: string;
  bytesRead: number;
}

export interface StageRatingsResult {
  /** Rows considered (good and bad): the rows of the batch. */
  considered: number;
  quarantined: number;
  keys: StagedKeysSummary;
}

class MissingHeaderError extends Error {
  override name = 'MissingHeaderError';
}

export function recordSource(source: RatingSource): RecordSource {
  if (source.kind === 'lines') return lineRecords(source);
  const { path, totalBytes } = source;
  return { totalBytes, batches: (onBytes) => readCsvBatches(path, onBytes) };
}

/** The message of a file that does not start with the ratings header; undefined when it does. */
export function missingHeader(fileLabel: string, fields: string[], raw: string): string | undefined {
  if (isHeader(fields, RATINGS_HEADER)) return undefined;
  return `${fileLabel} must start with the header ${RATINGS_HEADER.join(',')}; found "${quarantinedRaw(raw.slice(0, 100))}"`;
}

/**
 * Reads and checks the ratings of one source: good rows are handed to `send` as COPY text a batch
 * at a time, bad rows are written to the quarantine file as they are found. Nothing of the file is
 * kept beyond one batch of records, so memory stays flat whatever its size or share of bad rows.
 * Runs in a worker thread (rating-rows.worker.ts), off the thread that serves requests.
 */
export async function stageRatingsJob(
  job: StageRatingsJob,
  send: (chunk: StagedChunk) => Promise<void>,
): Promise<StageRatingsResult> {
  const { fileLabel, fromSeconds, includeMomentless, requireHeader, nowSeconds } = job;
  const quarantine = createWriteStream(job.quarantineFile, { flags: 'wx', mode: 0o600 });
  const writeQuarantine = async (text: string) => {
    if (!quarantine.write(text)) await once(quarantine, 'drain');
  };
  let bytesRead = 0;
  let considered = 0;
  let quarantined = 0;
  let first = true;
  const keys = new StagedKeys();
  try {
    for await (const records of recordSource(job.source).batches((bytes) => (bytesRead += bytes))) {
      let copy = '';
      let bad = '';
      for (const record of records) {
        if (first) {
          first = false;
          const missing = missingHeader(fileLabel, record.fields, record.raw);
          if (missing === undefined) continue;
          if (requireHeader) throw new MissingHeaderError(missing);
        }
        const moment = ratingMoment(record.fields, nowSeconds);
        if (moment === undefined ? !includeMomentless : fromSeconds !== undefined && moment < fromSeconds)
          continue;
        considered++;
        const result = parseRatingRow(record.fields, nowSeconds);
        if (result.ok) {
          const r = result.row;
          const raw = record.raw === canonicalRatingText(r) ? null : record.raw;
          copy += copyLine([record.line, raw, r.userId, r.movieId, r.rating, r.timestamp]);
          keys.add(r.userId, r.movieId);
        } else {
          quarantined++;
          bad += copyLine([
            fileLabel,
            record.line,
            quarantinedRaw(record.raw),
            result.check,
            result.reason,
            moment ?? null,
          ]);
        }
      }
      if (bad !== '') await writeQuarantine(bad);
      await send({ copy, bytesRead });
    }
  } finally {
    quarantine.end();
    await finished(quarantine);
  }
  return { considered, quarantined, keys: keys.summary() };
}
