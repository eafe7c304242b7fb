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
