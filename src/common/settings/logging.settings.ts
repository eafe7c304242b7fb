import { defineSettings, oneOf } from '../../config/declare/settings.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The server's log lines: `auto` is readable lines when stdout is a terminal, JSON lines otherwise. */
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The logs of the server and the CLI (src/common/logger.ts, src/cli/terminal-log.ts). */
export const loggingSettings = defineSettings(import.meta.url, {
  title: 'Logs',
  intro: 'The server logs on stdout, the CLI on stderr.',
  settings: {
    LOG_LEVEL: oneOf(LOG_LEVELS, {
      default: 'info',
      shownDefault: '`info` (`warn` for the CLI on a terminal)',
      description: '`trace` also logs every SQL statement',
    }),
    LOG_FORMAT: oneOf(LOG_FORMATS, {
      default: 'auto',
      normalize: (text) => text.trim().toLowerCase() || 'auto',
      message: `must be one of ${LOG_FORMATS.join(', ')}`,
      description: "the server's lines: `auto` is `pretty` on a terminal, `json` otherwise",
    }),
  },
  toConfig: (env) => ({
    logLevel: env.LOG_LEVEL,
    /** auto: readable lines on a terminal, JSON lines otherwise (src/common/logger.ts). */
    logFormat: env.LOG_FORMAT,
  }),
});
