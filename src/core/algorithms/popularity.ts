import type { InteractionData, Recommendations, Recommender } from '../model.js';
import { popularityOrder, popularityStats, takeFromOrder } from './common.js';
import { checkParams, paramProblems, type ParamRules } from './params.js';
import { decodeModel, emptyArrays, encodeModel, pickArrays, takeArrays } from './serialization.js';

/** Popularity has no parameters. */
export type PopularityParams = Record<string, never>;

const POPULARITY_RULES: ParamRules<PopularityParams> = {};

/** What is wrong with `params`: every name is unknown, popularity takes none. */
export function popularityParamProblems(params: object): string[] {
  return paramProblems(POPULARITY_RULES, params);
}

/** The arrays a fitted model stores, in their serialized order. */
const POPULARITY_ARRAYS = {
  /** Item indices, most popular first. */
  order: 'i32',
  counts: 'i32',
  means: 'f32',
} as const;

/**
 * The floor and the cold-start fallback: items by number of interactions of established users
 * (common.ts ESTABLISHED_USER: new accounts cannot move it), ties by mean rating then index. The same list for every user (known or not); only `exclude` differs.
 * recommend() is O(k + |excluded items met|).
 */
export class PopularityRecommender implements Recommender {
  readonly algorithm = 'popularity';
  readonly params: Readonly<Record<string, number | string | boolean>>;

  private stored = emptyArrays(POPULARITY_ARRAYS);

  /** Takes no parameters; throws when given any. */
  constructor(params: PopularityParams = {}) {
    checkParams('popularity', POPULARITY_RULES, params);
    this.params = {};
  }

  fit(data: InteractionData): void {
    const { counts, means } = popularityStats(data);
    this.stored = { order: popularityOrder(counts, means), counts, means };
  }

  recommend(_user: number, k: number, exclude: ReadonlySet<number>): Recommendations {
    const { order, counts } = this.stored;
    return takeFromOrder(order, k, exclude, (item) => counts[item]!);
  }

  /** Item indices, most popular first. */
  ranking(): Int32Array {
    return this.stored.order;
  }

  interactionCount(item: number): number {
    return this.stored.counts[item] ?? 0;
  }

  serialize(): Uint8Array {
    return encodeModel(
      { algorithm: this.algorithm, params: { ...this.params }, meta: {} },
      pickArrays(this.stored, POPULARITY_ARRAYS),
    );
  }

  static deserialize(bytes: Uint8Array): PopularityRecommender {
    const decoded = decodeModel(bytes, 'popularity');
    const model = new PopularityRecommender();
    model.stored = takeArrays(decoded, POPULARITY_ARRAYS);
    return model;
  }
}
