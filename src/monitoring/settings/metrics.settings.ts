import { defineSettings, flag, integer } from '../../config/declare/settings.js';

/** Where /metrics is served, and how fresh its database-wide figures are. */
export const metricsSettings = defineSettings(import.meta.url, {
  title: 'Metrics',
  settings: {
    /** How often the database-wide figures /metrics shows are read (scrapes never query). */
    METRICS_REFRESH_SECONDS: integer({
      default: 15,
      min: 1,
      max: 3600,
      message: 'must be a whole number of seconds',
      description: 'how often the database-wide figures of `/metrics` are read (scrapes never query)',
    }),
    METRICS_PORT: integer({
      min: 1,
      max: 65535,
      message: 'must be a whole number',
      allowed: 'integer 1–65535, not `PORT`',
      description: 'a second listener (on `HOST`) serving only `GET /metrics`; unset = none',
    }),
    PUBLIC_METRICS: flag({
      default: true,
      description: '`false`: `/metrics` on the API port answers 404 (scrape `METRICS_PORT`)',
    }),
  },
  check: (env, all) =>
    env.METRICS_PORT !== undefined && env.METRICS_PORT === all['PORT']
      ? [`METRICS_PORT=${env.METRICS_PORT}: the same as PORT; give the metrics a port of their own`]
      : [],
  toConfig: (env) => ({
    /** port: the listener serving only /metrics (none when undefined); public: /metrics on the API port. */
    metrics: {
      refreshSeconds: env.METRICS_REFRESH_SECONDS,
      port: env.METRICS_PORT,
      public: env.PUBLIC_METRICS,
    },
  }),
});
