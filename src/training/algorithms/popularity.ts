import type { InteractionData, Recommendations, Recommender } from '../model.js';
import { itemStats, popularityOrder, takeFromOrder } from './common.js';
import { decodeModel, encodeModel, takeArray } from './serialization.js';

/**
 * The floor and the cold-start fallback: items by number of interactions, ties by mean rating
 * then index. The same list for every user (known or not); only `exclude` differs.
 * recommend() is O(k + |excluded items met|).
 */
export class PopularityRecommender implements Recommender {
  readonly algorithm = 'popularity';
  readonly params: Readonly<Record<string, number | string | boolean>> = {};

  private order: Int32Array = new Int32Array(0);
  private counts: Int32Array = new Int32Array(0);
  private means: Float32Array = new Float32Array(0);

  fit(data: InteractionData): void {
    const { counts, means } = itemStats(data);
    this.counts = counts;
    this.means = means;
    this.order = popularityOrder(counts, means);
  }

  recommend(_user: number, k: number, exclude: ReadonlySet<number>): Recommendations {
    return takeFromOrder(this.order, k, exclude, (item) => this.counts[item]!);
  }

  /** Item indices, most popular first. */
  ranking(): Int32Array {
    return this.order;
  }

  interactionCount(item: number): number {
    return this.counts[item] ?? 0;
  }

  serialize(): Uint8Array {
    return encodeModel(
      { algorithm: this.algorithm, params: { ...this.params }, meta: {} },
      { order: this.order, counts: this.counts, means: this.means },
    );
  }

  static deserialize(bytes: Uint8Array): PopularityRecommender {
    const decoded = decodeModel(bytes, 'popularity');
    const model = new PopularityRecommender();
    model.order = takeArray(decoded, 'order', Int32Array);
    model.counts = takeArray(decoded, 'counts', Int32Array);
    model.means = takeArray(decoded, 'means', Float32Array);
    return model;
  }
}
