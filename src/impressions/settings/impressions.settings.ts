import { defineSettings, flag, integer } from '../../config/declare/settings.js';

/** The lists served and their hits: online quality (docs/operations.md). */
export const impressionsSettings = defineSettings(import.meta.url, {
  title: 'Impressions',
  settings: {
    IMPRESSIONS: flag({
      default: true,
      description: 'record each list served and its hits ([online quality](operations.md#online-quality))',
    }),
    /** Impressions older than this are deleted (hourly, by the process that runs the schedule). */
    IMPRESSIONS_RETENTION_DAYS: integer({
      default: 30,
      min: 1,
      max: 3650,
      message: 'must be a whole number of days',
      description: 'impressions older than this are deleted, hourly',
    }),
    IMPRESSIONS_MAX_ROWS: integer({
      default: 5_000_000,
      min: 1000,
      message: 'must be a whole number',
      description: 'impressions kept at most (about 270 bytes each); the oldest beyond are deleted',
    }),
    IMPRESSIONS_HIT_WINDOW_HOURS: integer({
      default: 24,
      min: 1,
      max: 720,
      message: 'must be a whole number of hours',
      allowed: 'integer 1–720, at most `IMPRESSIONS_RETENTION_DAYS` × 24',
      description: "a rating >= 4 of a shown movie this long after its list is the list's hit",
    }),
    /**
     * Impressions (and hit checks) waiting in memory for their batched write; when full, new ones are
     * dropped and counted rather than slowing a request.
     */
    IMPRESSIONS_BUFFER_ROWS: integer({
      default: 50_000,
      min: 100,
      max: 1_000_000,
      message: 'must be a whole number',
      description: 'impressions waiting in memory to be written; when full, new ones are dropped',
    }),
  },
  check: (env) =>
    // A list deleted before its hit window closes could never be hit.
    env.IMPRESSIONS_HIT_WINDOW_HOURS > env.IMPRESSIONS_RETENTION_DAYS * 24
      ? [
          `IMPRESSIONS_HIT_WINDOW_HOURS=${env.IMPRESSIONS_HIT_WINDOW_HOURS}: longer than IMPRESSIONS_RETENTION_DAYS ` +
            `(${env.IMPRESSIONS_RETENTION_DAYS} days): a list would be deleted before its window closes`,
        ]
      : [],
  toConfig: (env) => ({
    /** Recording of the lists served and of their hits (src/impressions). */
    impressions: {
      enabled: env.IMPRESSIONS,
      retentionDays: env.IMPRESSIONS_RETENTION_DAYS,
      maxRows: env.IMPRESSIONS_MAX_ROWS,
      hitWindowHours: env.IMPRESSIONS_HIT_WINDOW_HOURS,
      bufferRows: env.IMPRESSIONS_BUFFER_ROWS,
    },
  }),
});
