import { AppConfig } from '../config/app-config.js';
import type { EvaluationOutcome } from '../evaluation/evaluation-job.js';
import { PromoteStage } from './promote.stage.js';
import type { RegistryService } from './registry.service.js';

/** A registry with production version 1, recording what the stage asks of it. */
function fakeRegistry() {
  const calls: string[] = [];
  const registry = {
    production: async () => ({ id: 1, metrics: {}, algorithm: 'ease', params: {} }),
    promote: async (id: number, reason: string) => void calls.push(`promote ${id}: ${reason}`),
    reject: async (id: number, reason: string) => void calls.push(`reject ${id}: ${reason}`),
  };
  return { registry: registry as unknown as RegistryService, calls };
}

// The candidate is better in-session and worse for a returning user the next day.
const outcome: EvaluationOutcome = {
  candidate: { 'session:ndcg@10': 0.13, 'next-day:ndcg@10': 0.07, 'session:users': 50, 'next-day:users': 20 },
  production: {
    'session:ndcg@10': 0.1,
    'next-day:ndcg@10': 0.085,
    'session:users': 50,
    'next-day:users': 20,
  },
};

describe('PromoteStage', () => {
  it('decides on the next-day protocol by default: a candidate that wins only in-session is rejected', async () => {
    const { registry, calls } = fakeRegistry();
    const result = await new PromoteStage(AppConfig.fromEnvironment({}), registry).run(2, outcome);
    expect(result.promoted).toBe(false);
    expect(calls).toEqual([
      "reject 2: next-day NDCG@10 0.0700 is worse than production's 0.0850 by more than 0.005",
    ]);
    expect(result.stage.finish).toMatch(/^candidate 2 rejected: next-day NDCG@10/);
  });

  it('decides on the session protocol when that is the primary one', async () => {
    const { registry, calls } = fakeRegistry();
    const config = AppConfig.fromEnvironment({}, { EVALUATION_PROTOCOL: 'session' });
    const result = await new PromoteStage(config, registry).run(2, outcome);
    expect(result).toMatchObject({ promoted: true, replacedId: 1 });
    expect(calls).toEqual([
      'promote 2: session NDCG@10 0.1300 vs production 0.1000: within the tolerance of 0.005',
    ]);
  });

  it('falls back to the other protocol when the primary one evaluated no user', async () => {
    const { registry } = fakeRegistry();
    const noNextDay: EvaluationOutcome = {
      candidate: { ...outcome.candidate, 'next-day:ndcg@10': 0, 'next-day:users': 0 },
      production: { ...outcome.production, 'next-day:ndcg@10': 0, 'next-day:users': 0 },
    };
    const result = await new PromoteStage(AppConfig.fromEnvironment({}), registry).run(2, noNextDay);
    expect(result.stage.detail?.reason).toMatch(/^session NDCG@10 0\.1300/);
  });
});
