/**
 * What the replay stage measures and how it reports it: the figures kept per data version, the
 * line `models show` and the run's stage table print. Free of Nest and the database, so the CLI
 * formats a measure without loading the app.
 */
import type { StageReport } from '../common/stage-report.js';
import { type HitRate } from '../core/index.js';
import type { ReplayOutcome } from './replay-job.js';

/** The production version scored on one new batch by the replay stage, before training on it. */
export interface ReplayMeasure extends ReplayOutcome {
  modelVersionId: number;
  /** The data version the scored model was trained on. */
  modelDataVersion: number;
  /** The batch scored, and the data version it became. */
  dataVersion: number;
  batchId: number;
  pipelineRunId: number;
  batchRatings: number;
  seconds: number;
}

/** A measure as read back: with the time it was stored. */
export type StoredReplayMeasure = ReplayMeasure & { measuredAt: string };

/** Why a replay that ran counted nothing, if it did not. */
export function emptyReplayReason(outcome: ReplayOutcome, batchRatings: number): string | undefined {
  if (outcome.served.events > 0) return undefined;
  if (!outcome.complete) return 'the time budget ran out before the first event was ranked';
  return (
    `no scorable event among the batch's ${batchRatings} ratings: none >= 4 by a user with an earlier ` +
    `rating, of a movie the model holds${outcome.unscored > 0 ? ` (${outcome.unscored} of movies it does not)` : ''}`
  );
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

const rounded = (figures: HitRate): HitRate => ({
  ...figures,
  hitRate: round(figures.hitRate),
  userMean: round(figures.userMean),
  userSe: round(figures.userSe),
});

/** One line: the figure of `models show` and of the run's stage table. */
export function formatReplayMeasure(measure: ReplayMeasure): string {
  const { served, nightly } = measure;
  const sample =
    measure.sampledUsers < measure.candidateUsers
      ? `, ${measure.sampledUsers} of ${measure.candidateUsers} users sampled`
      : '';
  return (
    `data v${measure.dataVersion}: served hit@10 ${served.hitRate.toFixed(4)} ` +
    `(user mean ${served.userMean.toFixed(4)} ± ${served.userSe.toFixed(4)}), ` +
    `nightly ${nightly.hitRate.toFixed(4)} (${nightly.userMean.toFixed(4)} ± ${nightly.userSe.toFixed(4)}); ` +
    `${served.events} events of ${served.users} users (known ${served.known.events} events ` +
    `${served.known.hitRate.toFixed(4)}, new ${served.new.events} ${served.new.hitRate.toFixed(4)})${sample}; ` +
    `${measure.complete ? 'complete' : 'cut by the time budget'}`
  );
}

/** What the run records of a measure. */
export function replayStageReport(measure: ReplayMeasure): StageReport {
  const variant = ({ known, new: fresh, ...all }: ReplayMeasure['served']) => ({
    ...rounded(all),
    known: rounded(known),
    new: rounded(fresh),
  });
  return {
    rows: measure.served.events,
    detail: {
      summary: formatReplayMeasure(measure),
      'model version': measure.modelVersionId,
      'model data version': measure.modelDataVersion,
      'data version': measure.dataVersion,
      served: variant(measure.served),
      nightly: variant(measure.nightly),
      complete: measure.complete,
      'batch ratings': measure.batchRatings,
      'sampled users': measure.sampledUsers,
      'of users': measure.candidateUsers,
      unscored: measure.unscored,
    },
  };
}
