import { Logger } from '@nestjs/common';
import type { RatingColumns } from '../core/rating-columns.js';
import { AppConfig } from '../config/app-config.js';
import type { RatingsRepository } from '../ingestion/ratings.repository.js';
import { tinyData } from '../core/algorithms/fixtures.js';
import { columnsOf } from '../core/interactions.js';
import { fitBundle, serializeBundle } from '../core/model-bundle.js';
import { replayJob, type ReplayOutcome } from './replay-job.js';
import type { ReplayMeasuresService } from './replay-measures.service.js';
import {
  emptyReplayReason,
  formatReplayMeasure,
  type ReplayMeasure,
  replayStageReport,
} from './replay-measure.js';
import { ReplayStage } from './replay.stage.js';

// tinyData: users 1–4 and movies 1–5; user 1 rated movies 1, 2 and 3 in training.
const ARTIFACT = serializeBundle(fitBundle(tinyData(), { minItemCount: 1 }));

const rating = (userId: number, movieId: number, value: number, timestamp: number) => ({
  userId,
  movieId,
  rating: value,
  timestamp,
});

/** A batch in no particular order (the job replays it in time order). */
const BATCH: RatingColumns = columnsOf([
  rating(5, 2, 5, 200), // new user 5, after their rating of movie 1: scored
  rating(1, 4, 4, 150), // known user 1: scored, a film they never rated (listed: a hit)
  rating(5, 1, 5, 100), // new user 5's first rating: nothing earlier, not scored
  rating(1, 1, 5, 300), // user 1 again, a film of their training: never listed, a miss
  rating(2, 99, 5, 120), // a movie the model does not hold: unscored
  rating(3, 2, 3, 130), // below 4: replayed, not scored
]);

const job = { artifact: ARTIFACT, ratings: BATCH, sessionSeconds: 1800, budgetSeconds: 60 };

describe('replayJob', () => {
  it('scores the bundle on the batch as served (fold-in) and nightly, known and new users apart', () => {
    const outcome = replayJob(job);
    expect(outcome).toMatchObject({ complete: true, unscored: 1, candidateUsers: 3, sampledUsers: 3 });
    for (const variant of [outcome.served, outcome.nightly]) {
      expect(variant).toMatchObject({ events: 3, users: 2 });
      expect(variant.hitRate).toBeCloseTo(2 / 3, 10);
      // User 1: one hit of two; user 5: one of one.
      expect(variant.userMean).toBeCloseTo(0.75, 10);
      expect(variant.known).toMatchObject({ events: 2, users: 1, hitRate: 0.5 });
      expect(variant.new).toMatchObject({ events: 1, users: 1, hitRate: 1 });
    }
    expect(outcome.served).not.toHaveProperty('variant');
  });

  it("ranks only a sample's events when the batch has more users than asked", () => {
    const outcome = replayJob({ ...job, maxUsers: 1 });
    expect(outcome).toMatchObject({ candidateUsers: 3, sampledUsers: 1, complete: true });
    expect(outcome.served.users).toBeLessThanOrEqual(1);
  });

  it('stops at the time budget and says the figure is incomplete', () => {
    let clock = 0;
    // 1 s of budget; the clock jumps 2 s at every look after the first.
    const outcome = replayJob({ ...job, budgetSeconds: 1 }, () => (clock += 2000) - 2000);
    expect(outcome.complete).toBe(false);
    expect(outcome.served.events).toBe(0);
    expect(emptyReplayReason(outcome, BATCH.length)).toBe(
      'the time budget ran out before the first event was ranked',
    );
  });
});

const figures = (events: number, hitRate: number) => ({
  events,
  users: 2,
  hitRate,
  userMean: hitRate,
  userSe: 0.01234567,
});

const MEASURE: ReplayMeasure = {
  modelVersionId: 2,
  modelDataVersion: 1,
  dataVersion: 2,
  batchId: 2,
  pipelineRunId: 3,
  served: { ...figures(30, 0.123456), known: figures(10, 0.1), new: figures(20, 0.2) },
  nightly: { ...figures(30, 0.05), known: figures(10, 0.1), new: figures(20, 0.025) },
  complete: false,
  unscored: 4,
  candidateUsers: 9,
  sampledUsers: 4,
  batchRatings: 99,
  seconds: 1.5,
};

describe('the replay stage', () => {
  // The stage logs a failed measurement as an error: expected here.
  beforeAll(() => Logger.overrideLogger(false));

  it('says why a replay that ranked nothing has no figure', () => {
    const none = { events: 0, users: 0, hitRate: 0, userMean: 0, userSe: 0 };
    const empty: ReplayOutcome = {
      served: { ...none, known: none, new: none },
      nightly: { ...none, known: none, new: none },
      complete: true,
      unscored: 2,
      candidateUsers: 1,
      sampledUsers: 1,
    };
    expect(emptyReplayReason(empty, 7)).toBe(
      "no scorable event among the batch's 7 ratings: none >= 4 by a user with an earlier rating, " +
        'of a movie the model holds (2 of movies it does not)',
    );
    expect(emptyReplayReason({ ...empty, served: MEASURE.served }, 7)).toBeUndefined();
  });

  it('reports the figures in one line and in the run detail, rounded', () => {
    expect(formatReplayMeasure(MEASURE)).toBe(
      'data v2: served hit@10 0.1235 (user mean 0.1235 ± 0.0123), nightly 0.0500 (0.0500 ± 0.0123); ' +
        '30 events of 2 users (known 10 events 0.1000, new 20 0.2000), 4 of 9 users sampled; cut by the time budget',
    );
    const report = replayStageReport(MEASURE);
    expect(report.rows).toBe(30);
    expect(report.detail).toMatchObject({
      'model version': 2,
      'model data version': 1,
      'data version': 2,
      served: { events: 30, hitRate: 0.1235, userSe: 0.0123, new: { hitRate: 0.2 } },
      nightly: { hitRate: 0.05 },
      complete: false,
      'sampled users': 4,
      'of users': 9,
    });
  });

  const stage = (record = vi.fn()) =>
    new ReplayStage(
      AppConfig.fromEnvironment({}, {}),
      { ofBatch: vi.fn(async () => BATCH) } as unknown as RatingsRepository,
      { record } as unknown as ReplayMeasuresService,
    );
  const input = { runId: 3, batchId: 2, dataVersion: 2 };

  it('is skipped, not failed, when no model is in production', async () => {
    await expect(stage().run({ ...input, production: async () => undefined })).resolves.toEqual({
      skipped: 'no model in production yet: nothing to score the batch with',
    });
  });

  it('is skipped with the reason, not failed, when the measurement fails: the run goes on', async () => {
    const record = vi.fn();
    const report = await stage(record).run({
      ...input,
      production: async () => {
        throw new Error('model version 2: artifact sha256 x does not match the recorded y');
      },
    });
    expect(report).toEqual({
      skipped: 'not measured: model version 2: artifact sha256 x does not match the recorded y',
      detail: { error: 'model version 2: artifact sha256 x does not match the recorded y' },
    });
    expect(record).not.toHaveBeenCalled();
  });
});
