import KNN from 'ml-knn';

import type { InteractionData, Recommendations, Recommender } from '../model.js';
import { GENRE_COUNT, inverseOrder, popularityOrder, popularityStats, takeFromOrder } from './common.js';
import {
  addRatedGenres,
  genreMasks,
  groupByGenreCombination,
  noUserRatings,
  popcount,
  userRatingArrays,
} from './genre-combinations.js';
import { FROM_ARTIFACT, modelParams, paramProblems, type ParamRules } from './params.js';
import { decodeModel, emptyArrays, encodeModel, pickArrays, takeArrays } from './serialization.js';

/**
 * Genre-profile KNN: items are points in the 20-dimensional genre space (their 0/1 genre flags); a
 * taste (20 weights >= 0) becomes a mean genre profile (the weights over their sum) and gets the items
 * nearest to it by Euclidean distance. Under the offline protocol on ml-latest-small (inner-split
 * choice) this scores NDCG@10 0.0245 against 0.0105 for cosine (both scaled to unit length), which
 * favours films whose many genres cover the taste: rare combinations, rarely what users watch.
 *
 * Many films share one genre combination (ml-latest-small: 9.7k films, under a thousand distinct
 * combinations), so the ml-knn k-d tree is built over the distinct combinations (label = combination
 * id); each combination lists its films by popularity. A query takes the combinations nearest first,
 * group by group (combinations at the same distance are merged by popularity, so popularity breaks
 * every tie in genre similarity), until k films that are neither seen nor excluded are found.
 *
 * recommend(u): the taste is the sum of the genre vectors of u's rated films, each weighted by its
 * rating; the user's own films are never returned. Unknown users and an all-zero taste get the
 * popularity order. Expected to be weak on the offline protocol (genres say little about which film
 * comes next): it is the content floor, and the engine of the taste endpoint.
 */
export interface GenreKnnParams {
  /**
   * 'ml-knn': distances from ml-knn's k-d tree (the project's stack); 'exact': the same distances by a
   * linear scan over the combinations, several times faster (in 20 dimensions the tree prunes next to
   * nothing and allocates per visited node; figures in BENCHMARKS.md). Both give identical answers.
   */
  search: 'ml-knn' | 'exact';
  /**
   * 'cosine': films and taste scaled to unit length, so a film matches by the angle of its genre set
   * alone. 'profile': the taste is a mean genre profile (weights / their sum) and films keep their
   * 0/1 flags, so a film with extra genres the user does not watch is farther away.
   */
  geometry: 'cosine' | 'profile';
}

export const GENRE_KNN_DEFAULTS: GenreKnnParams = { search: 'ml-knn', geometry: 'profile' };

const GENRE_KNN_RULES: ParamRules<GenreKnnParams> = {
  search: { oneOf: ['ml-knn', 'exact'] },
  geometry: { oneOf: ['cosine', 'profile'] },
};

/** What is wrong with `params` (unknown names, values not among the allowed ones); empty when they can be fitted. */
export function genreKnnParamProblems(params: object): string[] {
  return paramProblems(GENRE_KNN_RULES, params);
}

/** The arrays a fitted model stores, in their serialized order. */
const GENRE_KNN_ARRAYS = {
  userPtr: 'i32',
  userItems: 'i32',
  userRatings: 'f32',
  itemMask: 'u32',
  order: 'i32',
  /** Combination c: genre mask comboMask[c]; films comboItems[comboPtr[c] .. comboPtr[c+1]), by popularity. */
  comboMask: 'u32',
  comboPtr: 'i32',
  comboItems: 'i32',
} as const;

export class GenreKnnRecommender implements Recommender {
  readonly algorithm = 'genre-knn';
  readonly params: Readonly<Record<string, number | string | boolean>>;
  private readonly p: GenreKnnParams;

  /** Throws when `params` has problems (see genreKnnParamProblems), unless they come from an artifact. */
  constructor(params: Partial<GenreKnnParams> = {}, source?: typeof FROM_ARTIFACT) {
    this.p = modelParams('genre-knn', GENRE_KNN_RULES, GENRE_KNN_DEFAULTS, params, source);
    this.params = { ...this.p };
  }

  private numItems = 0;
  private numUsers = 0;
  private stored = emptyArrays(GENRE_KNN_ARRAYS, { userPtr: 1, comboPtr: 1 });

  private rank: Int32Array = new Int32Array(0);
  private comboVectors: Float64Array[] = [];
  private knn: KNN | null = null;
  private seen: Uint8Array = new Uint8Array(0);
  private dist: Float64Array = new Float64Array(0);
  private done: Uint8Array = new Uint8Array(0);

  fit(data: InteractionData): void {
    const { counts, means } = popularityStats(data);
    this.numItems = data.numItems;
    this.numUsers = data.numUsers;
    const itemMask = genreMasks(data.itemGenres, data.numItems);
    const order = popularityOrder(counts, means);

    this.stored = {
      ...userRatingArrays(data),
      itemMask,
      order,
      ...groupByGenreCombination(order, itemMask),
    };
    this.prepare();
  }

  /**
   * Drops the users' ratings, keeping what genre-taste queries need: afterwards every user is
   * answered as a newcomer. A model bundle asks its taste model only for genre tastes (known users
   * have their own models), and at 25M ratings those ratings would be 200 MB of its artifact.
   */
  forgetUsers(): void {
    this.numUsers = 0;
    this.stored = { ...this.stored, ...noUserRatings() };
  }

  private prepare(): void {
    const { order, comboMask } = this.stored;
    this.rank = inverseOrder(order);
    this.seen = new Uint8Array(this.numItems);
    this.dist = new Float64Array(comboMask.length);
    this.done = new Uint8Array(comboMask.length);
    this.comboVectors = Array.from(comboMask, (mask) => {
      const v = new Float64Array(GENRE_COUNT);
      const flag = this.p.geometry === 'cosine' ? 1 / Math.sqrt(popcount(mask)) : 1;
      for (let g = 0; g < GENRE_COUNT; g++) if (mask & (1 << g)) v[g] = flag;
      return v;
    });
    this.knn =
      this.comboVectors.length === 0
        ? null
        : new KNN(
            this.comboVectors.map((v) => Array.from(v)),
            this.comboVectors.map((_, c) => c),
            { k: 1, distance: genreDistance },
          );
  }

  recommend(user: number, k: number, exclude: ReadonlySet<number>): Recommendations {
    const { userPtr, userItems, order } = this.stored;
    if (!(user >= 0 && user < this.numUsers) || userPtr[user] === userPtr[user + 1]) {
      return takeFromOrder(order, k, exclude, () => 0);
    }
    const taste = new Float32Array(GENRE_COUNT);
    const a = userPtr[user]!;
    const z = userPtr[user + 1]!;
    addRatedGenres(taste, this.stored, a, z);
    for (let e = a; e < z; e++) this.seen[userItems[e]!] = 1;
    try {
      return this.rankForTaste(taste, k, exclude, this.seen);
    } finally {
      for (let e = a; e < z; e++) this.seen[userItems[e]!] = 0;
    }
  }

  /**
   * Films for a genre taste (20 weights >= 0, GENRE_KEYS order; only their proportions matter).
   * An all-zero taste gets the popularity order.
   */
  recommendForTaste(
    taste: Float32Array | readonly number[],
    k: number,
    exclude: ReadonlySet<number>,
  ): Recommendations {
    if (taste.length !== GENRE_COUNT) throw new Error(`taste must have ${GENRE_COUNT} weights`);
    for (const w of taste)
      if (!(w >= 0) || !Number.isFinite(w)) throw new Error('taste weights must be finite and >= 0');
    return this.rankForTaste(taste, k, exclude, null);
  }

  private rankForTaste(
    taste: ArrayLike<number>,
    k: number,
    exclude: ReadonlySet<number>,
    skip: Uint8Array | null,
  ): Recommendations {
    const { order, comboMask, comboPtr, comboItems } = this.stored;
    let norm = 0;
    for (let g = 0; g < GENRE_COUNT; g++) {
      norm += this.p.geometry === 'cosine' ? taste[g]! * taste[g]! : taste[g]!;
    }
    if (norm === 0 || this.knn === null) {
      if (skip === null) return takeFromOrder(order, k, exclude, () => 0);
      const both = { has: (i: number) => skip[i] === 1 || exclude.has(i) };
      return takeFromOrder(order, k, both, () => 0);
    }
    if (this.p.geometry === 'cosine') norm = Math.sqrt(norm);
    const query = new Array<number>(GENRE_COUNT);
    for (let g = 0; g < GENRE_COUNT; g++) query[g] = taste[g]! / norm;

    // Distance from the taste to every genre combination: from the ml-knn k-d tree, or by a plain scan
    // (same function, so the same numbers). In 20 dimensions the tree prunes next to nothing, so one
    // query for all combinations costs what a query for a few does.
    const combos = comboMask.length;
    const dist = this.dist;
    if (this.p.search === 'ml-knn') {
      for (const [point, d] of this.knn.kdTree.nearest(query, combos)) dist[point[GENRE_COUNT]!] = d;
    } else {
      for (let c = 0; c < combos; c++) dist[c] = genreDistance(query, this.comboVectors[c]!);
    }

    const want = Math.max(0, Math.min(k, this.numItems));
    const items: number[] = [];
    const scores: number[] = [];
    const done = this.done;
    done.fill(0);
    let processed = 0;
    while (items.length < want && processed < combos) {
      // The next group: every combination at the smallest remaining distance, merged by popularity.
      let best = Infinity;
      for (let c = 0; c < combos; c++) if (done[c] === 0 && dist[c]! < best) best = dist[c]!;
      const need = want - items.length;
      const pool: number[] = [];
      let first = -1;
      for (let c = 0; c < combos; c++) {
        if (done[c] !== 0 || dist[c]! - best >= 1e-12) continue;
        done[c] = 1;
        processed++;
        if (first < 0) first = c;
        let taken = 0;
        for (let p = comboPtr[c]!; p < comboPtr[c + 1]! && taken < need; p++) {
          const item = comboItems[p]!;
          if ((skip !== null && skip[item] === 1) || exclude.has(item)) continue;
          pool.push(item);
          taken++;
        }
      }
      pool.sort((x, y) => this.rank[x]! - this.rank[y]!);
      // cosine: unit vectors at distance d have cos = 1 − d²/2; profile: closer is higher, in (0, 1].
      const d = dist[first]!;
      const score = this.p.geometry === 'cosine' ? 1 - (d * d) / 2 : 1 / (1 + d);
      for (let p = 0; p < pool.length && p < need; p++) {
        items.push(pool[p]!);
        scores.push(score);
      }
    }
    return { items: Int32Array.from(items), scores: Float32Array.from(scores) };
  }

  serialize(): Uint8Array {
    return encodeModel(
      {
        algorithm: this.algorithm,
        params: { ...this.params },
        meta: { numItems: this.numItems, numUsers: this.numUsers },
      },
      pickArrays(this.stored, GENRE_KNN_ARRAYS),
    );
  }

  static deserialize(bytes: Uint8Array): GenreKnnRecommender {
    const d = decodeModel(bytes, 'genre-knn');
    const model = new GenreKnnRecommender(d.params as unknown as Partial<GenreKnnParams>, FROM_ARTIFACT);
    model.numItems = Number(d.meta['numItems']);
    model.numUsers = Number(d.meta['numUsers']);
    model.stored = takeArrays(d, GENRE_KNN_ARRAYS);
    model.prepare();
    return model;
  }
}

/**
 * Euclidean distance over the 20 genre coordinates only. The k-d tree also calls it with a plain
 * object holding the coordinates (to measure the distance to a splitting plane), and the stored points
 * carry their label as a 21st coordinate: both are why ml-knn's default distance is not used here.
 */
function genreDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let g = 0; g < GENRE_COUNT; g++) {
    const x = (a[g] ?? 0) - (b[g] ?? 0);
    d += x * x;
  }
  return Math.sqrt(d);
}
