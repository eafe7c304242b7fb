import { decimal, defineSettings, integer } from '../../config/declare/settings.js';

/** How many bad rows a batch may hold, and how many of them are kept for inspection. */
export const validationSettings = defineSettings(import.meta.url, {
  title: 'Validation and quarantine',
  settings: {
    MAX_BAD_ROW_SHARE: decimal({
      default: 0.05,
      min: 0,
      max: 1,
      description: 'a batch with a larger share of quarantined rows is rejected whole',
    }),
    /** Quarantined rows of batches older than this are deleted (daily, and by `data prune`). */
    QUARANTINE_RETENTION_DAYS: integer({
      default: 30,
      min: 1,
      max: 3650,
      message: 'must be a whole number of days',
      description: 'quarantined rows of older batches are deleted (daily, and by `data prune`)',
    }),
    /** At most this many quarantined rows are stored per batch; the rest are only counted. */
    QUARANTINE_MAX_ROWS_PER_BATCH: integer({
      default: 10_000,
      min: 0,
      max: 10_000_000,
      message: 'must be a whole number',
      description: 'quarantined rows stored per batch (about 150 bytes each); the rest are only counted',
    }),
  },
  toConfig: (env) => ({
    validation: {
      maxBadRowShare: env.MAX_BAD_ROW_SHARE,
      /** Quarantined rows are kept this long after their batch, at most this many per batch. */
      quarantineRetentionDays: env.QUARANTINE_RETENTION_DAYS,
      quarantineMaxRowsPerBatch: env.QUARANTINE_MAX_ROWS_PER_BATCH,
    },
  }),
});
