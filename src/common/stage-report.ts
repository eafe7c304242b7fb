/** What a pipeline stage tells the run history about its work. */
export interface StageReport {
  rows?: number;
  detail?: Record<string, unknown>;
  /** Ends the run successfully after this stage, e.g. when no new data arrived. */
  finish?: string;
  /**
   * The stage found, once under way, that it has nothing to do here and says why: recorded as
   * skipped (with `detail`), and the run goes on.
   */
  skipped?: string;
}
