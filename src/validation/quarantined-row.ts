/** A row kept out of the data, with the check it failed. */
export interface Quarantined {
  file: string;
  line: number;
  raw: string;
  check: string;
  reason: string;
  /** Seconds since the epoch when the row had a plausible timestamp; decides its period. */
  moment?: number;
}

/** The longest raw text kept of a quarantined row: enough to see what is wrong with it. */
export const QUARANTINED_RAW_MAX = 1000;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

/**
 * A quarantined row's text as stored: control characters shown as their Unicode pictures (␀ for
 * NUL, which PostgreSQL text cannot hold), cut at QUARANTINED_RAW_MAX characters with an ellipsis.
 */
export function quarantinedRaw(raw: string): string {
  const shown = raw.replace(CONTROL_CHARACTERS, (c) =>
    String.fromCharCode(c === '\x7f' ? 0x2421 : 0x2400 + c.charCodeAt(0)),
  );
  return shown.length > QUARANTINED_RAW_MAX ? `${shown.slice(0, QUARANTINED_RAW_MAX)}…` : shown;
}
