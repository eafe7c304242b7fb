import { validateCronExpression } from 'cron';
import { defineSettings, flag, integer, text } from '../../config/declare/settings.js';

/** When the pipeline runs: at start, on its schedule, on an upload. */
export const pipelineSettings = defineSettings(import.meta.url, {
  title: 'Pipeline',
  settings: {
    AUTO_INGEST: flag({
      default: true,
      description: 'at start, load an empty database, or train what an interrupted start left undecided',
    }),
    /** The wait before the first-start load is tried again after it failed; it doubles per attempt. */
    FIRST_LOAD_RETRY_SECONDS: integer({
      default: 10,
      min: 1,
      max: 3600,
      message: 'must be a whole number of seconds',
      description: 'first wait before a failed first load is retried; doubles, 8 attempts',
    }),
    PIPELINE_CRON: text({
      default: '0 0 * * *',
      valid: (value) => value === 'off' || validateCronExpression(value).valid,
      message: 'must be a cron expression (5 fields, or 6 with seconds) or "off"',
      allowed: 'a cron expression (5 or 6 fields), or `off`',
      description: 'when the pipeline runs, in UTC; `off` = no schedule',
    }),
    UPLOAD_MAX_BYTES: integer({
      default: 50 * 1024 * 1024,
      min: 1024,
      shownDefault: '`52428800` (50 MiB)',
      description: 'largest ratings CSV the admin upload accepts',
    }),
  },
  toConfig: (env) => ({
    autoIngest: env.AUTO_INGEST,
    /** The first wait before the first-start load is tried again (it doubles per attempt). */
    firstLoadRetryMs: env.FIRST_LOAD_RETRY_SECONDS * 1000,
    /** A cron expression, or undefined when the schedule is off. */
    pipeline: {
      cron: env.PIPELINE_CRON === 'off' ? undefined : env.PIPELINE_CRON,
      uploadMaxBytes: env.UPLOAD_MAX_BYTES,
    },
  }),
});
