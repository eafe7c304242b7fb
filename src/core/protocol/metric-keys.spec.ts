import type { MetricsSummary } from './metrics.js';
import { metricKey, metricName, ndcgOf, figureOf, scopedKey, summaryFigures } from './metric-keys.js';

describe('metric keys', () => {
  it('names the ranking figures by their cut-off, the counts bare', () => {
    expect(metricName('ndcg')).toBe('ndcg@10');
    expect(metricName('ndcg_se')).toBe('ndcg@10_se');
    expect(metricName('hit_rate', 20)).toBe('hit_rate@20');
    expect(metricName('users')).toBe('users');
    expect(metricName('eligible_users', 20)).toBe('eligible_users');
  });

  it("prefixes a protocol's figures; the primary protocol's are bare", () => {
    expect(metricKey('next-day', 'ndcg')).toBe('next-day:ndcg@10');
    expect(metricKey('session', 'users')).toBe('session:users');
    expect(metricKey('primary', 'recall')).toBe('recall@10');
    expect(scopedKey('session', 'ndcg@10_se')).toBe('session:ndcg@10_se');
  });

  it('reads recorded figures, undefined when not recorded', () => {
    const metrics = { 'ndcg@10': 0.2, 'session:ndcg@10': 0.3, sampled_users: 5 };
    expect(ndcgOf(metrics, 'primary')).toBe(0.2);
    expect(ndcgOf(metrics, 'session')).toBe(0.3);
    expect(ndcgOf(metrics, 'next-day')).toBeUndefined();
    expect(figureOf(metrics, 'sampled_users')).toBe(5);
    expect(figureOf(metrics, 'population_users')).toBeUndefined();
  });

  it("lists a summary's figures in the order they are recorded", () => {
    const summary: MetricsSummary = {
      precision: 0.1,
      recall: 0.2,
      ndcg: 0.3,
      ndcgStandardError: 0.01,
      hitRate: 0.4,
      map: 0.5,
      coverage: 0.6,
      users: 7,
    };
    expect(summaryFigures(summary)).toEqual([
      ['precision@10', 0.1],
      ['recall@10', 0.2],
      ['ndcg@10', 0.3],
      ['ndcg@10_se', 0.01],
      ['hit_rate@10', 0.4],
      ['map@10', 0.5],
      ['coverage', 0.6],
      ['users', 7],
    ]);
  });
});
