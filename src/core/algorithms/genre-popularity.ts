import type { InteractionData, Recommendations, Recommender } from '../model.js';
import { GENRE_COUNT, popularityOrder, popularityStats, takeFromOrder } from './common.js';
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
 * Genre popularity: the films people watch, within the genres of a taste. Each film scores
 * `weight × match^sharpness`, where `weight` is how many ratings it has (or how many of 4 and more)
 * and `match` how well its genre set fits the taste (0–1). Nearest-genre ranking alone (genre-knn)
 * favours rare genre combinations nobody watches (NDCG@10 0.0245 on ml-latest-small against
 * popularity's 0.0754); popularity alone ignores the taste. The blend keeps both, and `sharpness`
 * (chosen on the inner split) says how much the genres count against popularity.
 *
 * Serving cost: many films share one genre combination (ml-latest-small: 9.7k films, under a
 * thousand combinations), so the fit groups the films by combination, each group by weight. A
 * query computes one match per combination (over the set bits of its genre mask) and walks the
 * combinations in the order of their best film's weight, skipping a combination whose best film
 * cannot enter the top k and leaving one as soon as its next film cannot: tens of microseconds on
 * ml-latest-small, nothing per film in the catalog and no sort.
 *
 * recommend(u): the taste is the sum of the genre vectors of u's rated films, each weighted by its
 * rating (as in genre-knn; the offline protocol's stand-in for a newcomer's stated taste); the
 * user's own films are never returned. An all-zero taste gets the popularity order.
 */
export interface GenrePopularityParams {
  /**
   * How a film's genres match a taste t (weights >= 0): 'cosine' — Σ t over the film's genres
   * over (|t| √(number of its genres)); 'profile' — 1 / (1 + Euclidean distance between the mean
   * profile t / Σt and the film's 0/1 flags); 'cover' — the share of Σt the film's genres hold.
   */
  geometry: 'cosine' | 'profile' | 'cover';
  /** The exponent of the match: 0 is plain popularity, large values rank by genre first. */
  sharpness: number;
  /** 'count': every rating counts; 'liked': only ratings >= 4 (what users were glad to watch). */
  weight: 'count' | 'liked';
}

/**
 * What the inner splits chose (algorithm-list.ts grid): cosine and liked everywhere; sharpness 1
 * (ml-latest-small, session), 2 (next-day), 0.5 (a generated 1M set). A bundle serves these.
 */
export const GENRE_POPULARITY_DEFAULTS: GenrePopularityParams = {
  geometry: 'cosine',
  sharpness: 1,
  weight: 'liked',
};

const GENRE_POPULARITY_RULES: ParamRules<GenrePopularityParams> = {
  geometry: { oneOf: ['cosine', 'profile', 'cover'] },
  sharpness: { min: 0, max: 64 },
  weight: { oneOf: ['count', 'liked'] },
};

/** What is wrong with `params` (unknown names, values out of range); empty when they can be fitted. */
export function genrePopularityParamProblems(params: object): string[] {
  return paramProblems(GENRE_POPULARITY_RULES, params);
}

/** A film whose genres miss the taste entirely still ranks, by weight, after every match. */
const NO_MATCH_FLOOR = 1e-9;

/** The arrays a fitted model stores, in their serialized order. */
const GENRE_POPULARITY_ARRAYS = {
  userPtr: 'i32',
  userItems: 'i32',
  userRatings: 'f32',
  itemMask: 'u32',
  /** Items by popularity: the answer to an all-zero taste. */
  order: 'i32',
  /** Each item's weight (rating count or liked count; ties by mean rating). */
  itemWeight: 'f64',
  /** Combination c: genre mask comboMask[c]; films comboItems[comboPtr[c] .. comboPtr[c+1]), by weight. */
  comboMask: 'u32',
  comboPtr: 'i32',
  comboItems: 'i32',
} as const;

export class GenrePopularityRecommender implements Recommender {
  readonly algorithm = 'genre-popularity';
  readonly params: Readonly<Record<string, number | string | boolean>>;
  private readonly p: GenrePopularityParams;

  /** Throws when `params` has problems (see genrePopularityParamProblems), unless they come from an artifact. */
  constructor(params: Partial<GenrePopularityParams> = {}, source?: typeof FROM_ARTIFACT) {
    this.p = modelParams(
      'genre-popularity',
      GENRE_POPULARITY_RULES,
      GENRE_POPULARITY_DEFAULTS,
      params,
      source,
    );
    this.params = { ...this.p };
  }

  private numItems = 0;
  private numUsers = 0;
  private stored = emptyArrays(GENRE_POPULARITY_ARRAYS, { userPtr: 1, comboPtr: 1 });

  /** Genres per combination (derived at fit / load). */
  private comboSize = new Uint8Array(0);
  /** Each item's place in the popularity order (derived at fit / load). */
  private orderRank = new Uint32Array(0);
  /** recommend()'s flags of the user's films, cleared after each call (JS runs one call at a time). */
  private seen = new Uint8Array(0);

  fit(data: InteractionData): void {
    // Only established users' ratings weigh (common.ts ESTABLISHED_USER): what a newcomer's taste
    // is answered with cannot be moved by a flood of new accounts.
    const { counts, means, liked } = popularityStats(data);
    this.numItems = data.numItems;
    this.numUsers = data.numUsers;
    const itemMask = genreMasks(data.itemGenres, data.numItems);
    const order = popularityOrder(counts, means);

    const base = this.p.weight === 'liked' ? liked : counts;
    // The mean rating (0.5–5, scaled below 1) breaks ties between films of equal weight.
    const itemWeight = Float64Array.from(base, (w, i) => w + means[i]! / 8);

    const byWeight = Int32Array.from(order).sort((a, b) => itemWeight[b]! - itemWeight[a]! || a - b);
    this.stored = {
      ...userRatingArrays(data),
      itemMask,
      order,
      itemWeight,
      ...groupByGenreCombination(byWeight, itemMask),
    };
    this.prepare();
  }

  /**
   * Drops the users' ratings, keeping what genre-taste queries need: afterwards every user is
   * answered as a newcomer (a bundle asks its taste model only for genre tastes).
   */
  forgetUsers(): void {
    this.numUsers = 0;
    this.stored = { ...this.stored, ...noUserRatings() };
  }

  private prepare(): void {
    this.comboSize = Uint8Array.from(this.stored.comboMask, popcount);
    this.orderRank = new Uint32Array(this.numItems);
    this.stored.order.forEach((item, rank) => (this.orderRank[item] = rank));
    this.seen = new Uint8Array(this.numItems);
  }

  recommend(user: number, k: number, exclude: ReadonlySet<number>): Recommendations {
    const { userPtr, userItems } = this.stored;
    const taste = new Float64Array(GENRE_COUNT);
    const known = user >= 0 && user < this.numUsers;
    const a = known ? userPtr[user]! : 0;
    const z = known ? userPtr[user + 1]! : 0;
    addRatedGenres(taste, this.stored, a, z);
    for (let e = a; e < z; e++) this.seen[userItems[e]!] = 1;
    try {
      return this.rankForTaste(taste, k, exclude, z > a ? this.seen : null);
    } finally {
      for (let e = a; e < z; e++) this.seen[userItems[e]!] = 0;
    }
  }

  /**
   * Films for a genre taste (20 weights >= 0, GENRE_KEYS order; only their proportions matter).
   * An all-zero taste gets the popularity order.
   */
  recommendForTaste(
    taste: Float32Array | Float64Array | readonly number[],
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
    const { order, itemWeight, comboMask, comboPtr, comboItems } = this.stored;
    const isOut = (item: number) => (skip !== null && skip[item] === 1) || exclude.has(item);
    // Scaled to the largest weight first, so tastes like 1e300 neither overflow nor lose the rest.
    let top = 0;
    for (let g = 0; g < GENRE_COUNT; g++) top = Math.max(top, taste[g]!);
    // No taste: the popularity order (by rating count), scored by rank so the scores fall with it
    // (the item weights may count liked ratings only, and would not).
    if (!(top > 0))
      return takeFromOrder(order, k, { has: isOut }, (item) => 1 - this.orderRank[item]! / order.length);
    const t = new Float64Array(GENRE_COUNT);
    let sum = 0;
    let squares = 0;
    for (let g = 0; g < GENRE_COUNT; g++) {
      t[g] = taste[g]! / top;
      sum += t[g]!;
      squares += t[g]! * t[g]!;
    }

    // Combinations are stored by the weight of their best film, so the first ones usually fill the
    // top k and the rest are mostly skipped on their best film's score alone.
    const combos = comboMask.length;
    const { geometry, sharpness } = this.p;
    const want = Math.max(0, Math.min(k, this.numItems));
    const keptItems: number[] = [];
    const keptScores: number[] = [];
    // No match exceeds 1, so once a combination's best film cannot enter even at a full match, no
    // later combination's can (their best films weigh less): the rest is skipped unread. The bound
    // sits a little above 1 + NO_MATCH_FLOOR so that rounding in a match cannot end the walk early.
    const bestPossible = 1 + 1e-6;
    for (let c = 0; c < combos && want > 0; c++) {
      if (
        keptItems.length === want &&
        bestPossible * itemWeight[comboItems[comboPtr[c]!]!]! <= keptScores[want - 1]!
      )
        break;
      let mask = comboMask[c]!;
      const n = this.comboSize[c]!;
      let within = 0;
      while (mask !== 0) {
        within += t[31 - Math.clz32(mask & -mask)]!;
        mask &= mask - 1;
      }
      let match = 0;
      if (within > 0) {
        if (geometry === 'cosine') match = within / Math.sqrt(squares * n);
        else if (geometry === 'cover') match = within / sum;
      }
      if (geometry === 'profile') {
        // |p − f|² = Σp² − 2 Σ_{g∈f} p_g + n, with p = t / Σt.
        const d2 = squares / (sum * sum) - (2 * within) / sum + n;
        match = 1 / (1 + Math.sqrt(Math.max(0, d2)));
      }
      const m =
        (sharpness === 0 ? 1 : match === 0 ? 0 : sharpness === 1 ? match : Math.pow(match, sharpness)) +
        NO_MATCH_FLOOR;
      const full = keptItems.length === want;
      if (full && m * itemWeight[comboItems[comboPtr[c]!]!]! <= keptScores[want - 1]!) continue;
      for (let p = comboPtr[c]!; p < comboPtr[c + 1]!; p++) {
        const item = comboItems[p]!;
        const s = m * itemWeight[item]!;
        if (keptItems.length === want && s <= keptScores[want - 1]!) break;
        if (isOut(item)) continue;
        let at = keptItems.length;
        while (at > 0 && keptScores[at - 1]! < s) at--;
        keptItems.splice(at, 0, item);
        keptScores.splice(at, 0, s);
        if (keptItems.length > want) {
          keptItems.pop();
          keptScores.pop();
        }
      }
    }
    return { items: Int32Array.from(keptItems), scores: Float32Array.from(keptScores) };
  }

  serialize(): Uint8Array {
    return encodeModel(
      {
        algorithm: this.algorithm,
        params: { ...this.params },
        meta: { numItems: this.numItems, numUsers: this.numUsers },
      },
      pickArrays(this.stored, GENRE_POPULARITY_ARRAYS),
    );
  }

  static deserialize(bytes: Uint8Array): GenrePopularityRecommender {
    const d = decodeModel(bytes, 'genre-popularity');
    const model = new GenrePopularityRecommender(
      d.params as unknown as Partial<GenrePopularityParams>,
      FROM_ARTIFACT,
    );
    model.numItems = Number(d.meta['numItems']);
    model.numUsers = Number(d.meta['numUsers']);
    model.stored = takeArrays(d, GENRE_POPULARITY_ARRAYS);
    model.prepare();
    return model;
  }
}
