import { datasetGenreName, GENRE_KEYS } from '../genres.js';
import {
  FOLD_IN_WEIGHTING,
  type FoldIn,
  foldInWeight,
  type FoldInWeighting,
  NO_FOLD_IN,
} from '../fold-in.js';
import { type ModelBundle, rankUser, type UserRankingOptions } from '../model-bundle.js';
import type { UserRatingsSince } from './rated-since.js';
import type { Recommendations } from '../model.js';

export interface CatalogEntry {
  title: string;
  genres: string[];
}

interface RecommendedItem {
  movieId: number;
  title: string;
  genres: string[];
  score: number;
  reason: string;
}

/**
 * Which part of the bundle answered a list: a known user in session or back after a while, a user
 * the model never saw ranked from what they rated since, a genre taste, similar movies, or the
 * popularity fallback.
 */
export type ServedPath = 'session' | 'returning' | 'new-user' | 'taste' | 'similar' | 'fallback';

export interface RecommendationList {
  modelVersion: number;
  path: ServedPath;
  /** Set when the answer is not personalised, e.g. for a user the model does not know. */
  fallback: 'popularity' | null;
  items: RecommendedItem[];
}

/** How many candidates a genre-filtered list draws from before filtering. */
const FILTER_POOL = 500;
const NOTHING = new Set<number>();
/** The dataset's genre name (as the catalog holds it) → its index in a taste. */
const TASTE_GENRE_INDEX = new Map(GENRE_KEYS.map((key, g) => [datasetGenreName(key)!, g]));

/**
 * One model version ready to answer from memory: the bundle plus the id maps and the catalog it
 * needs for titles and genre filters. Immutable once built, so swapping versions is one
 * assignment and no request sees half of one.
 */
export class ServingModel {
  private readonly userIndex = new Map<number, number>();
  private readonly itemIndex = new Map<number, number>();

  constructor(
    readonly version: number,
    private readonly bundle: ModelBundle,
    private readonly catalog: ReadonlyMap<number, CatalogEntry>,
    private readonly options: UserRankingOptions = { sessionSeconds: 30 * 60, foldIn: true },
    private readonly weighting: FoldInWeighting = FOLD_IN_WEIGHTING,
  ) {
    bundle.userIds.forEach((id, index) => this.userIndex.set(id, index));
    bundle.itemIds.forEach((id, index) => this.itemIndex.set(id, index));
  }

  /**
   * The user's list (rankUser in the bundle chooses the path). `since` holds what the user rated
   * after this version was trained: never returned, folded into the ranking (a user the model never
   * saw is ranked from it), and it explains items like the training ratings do.
   */
  forUser(
    userId: number,
    limit: number,
    genre?: string,
    since?: UserRatingsSince,
    now = Date.now() / 1000,
  ): RecommendationList {
    const wanted = genre ? datasetGenreName(genre) : undefined;
    const pool = wanted ? FILTER_POOL : limit;
    const user = this.userIndex.get(userId) ?? -1;
    const foldIn = this.foldInOf(since);
    const lastRatedAt = since && since.times.length > 0 ? since.times[since.times.length - 1] : undefined;
    const { path, ranked } = rankUser(
      this.bundle,
      { user, since: foldIn, now, ...(lastRatedAt === undefined ? {} : { lastRatedAt }) },
      pool,
      NOTHING,
      this.options,
    );
    if (path === 'fallback') {
      return this.list(ranked, limit, wanted, path, () =>
        wanted ? `popular in ${wanted}` : 'popular with everyone',
      );
    }
    const liked = new Set<number>();
    foldIn.items.forEach((item, x) => {
      if (foldIn.weights[x]! > 0) liked.add(item);
    });
    const because = this.bundle.similar.becauseOf(user, ranked.items, liked);
    const reasons = new Map<number, string>();
    ranked.items.forEach((item, p) => {
      const rated = because[p]!;
      if (rated >= 0) reasons.set(item, `because you rated ${this.titleOf(rated)}`);
    });
    return this.list(ranked, limit, wanted, path, (item) => reasons.get(item) ?? 'like the films you rated');
  }

  /** The user's ratings since training as the bundle's items, newest first, weighted by value. */
  private foldInOf(since: UserRatingsSince | undefined): FoldIn {
    if (!since || since.movies.length === 0) return NO_FOLD_IN;
    const items: number[] = [];
    const weights: number[] = [];
    for (let x = since.movies.length - 1; x >= 0; x--) {
      const item = this.itemIndex.get(since.movies[x]!);
      if (item === undefined) continue;
      items.push(item);
      weights.push(foldInWeight(since.ratings[x]!, this.weighting));
    }
    return { items: Int32Array.from(items), weights: Float32Array.from(weights) };
  }

  similarTo(movieId: number, limit: number): RecommendationList | undefined {
    const item = this.itemIndex.get(movieId);
    if (item === undefined) return undefined;
    const similar = this.bundle.similar.similarItems(item, limit);
    const title = this.catalog.get(movieId)?.title ?? `movie ${movieId}`;
    const reason = similar.source === 'content' ? `same genres as ${title}` : `rated alike with ${title}`;
    return this.list(similar, limit, undefined, 'similar', () => reason);
  }

  /**
   * Films for a genre taste. Each is explained by the genre it shares with the taste that weighs
   * most: genre popularity may rank a film that holds only some of the stated genres.
   */
  forTaste(taste: Float32Array, limit: number): RecommendationList {
    // No taste stated: the popularity fallback every newcomer gets, scored by its rating counts.
    if (!taste.some((weight) => weight > 0)) {
      const popular = this.bundle.popular.recommend(-1, limit, NOTHING);
      return this.list(popular, limit, undefined, 'fallback', () => 'popular with everyone');
    }
    const ranked = this.bundle.taste.recommendForTaste(taste, limit, NOTHING);
    return this.list(ranked, limit, undefined, 'taste', (_item, entry) => {
      let best: string | undefined;
      let bestWeight = 0;
      for (const genre of entry.genres) {
        const g = TASTE_GENRE_INDEX.get(genre);
        if (g !== undefined && taste[g]! > bestWeight) {
          best = genre;
          bestWeight = taste[g]!;
        }
      }
      return best ? `matches your taste for ${best}` : 'popular with people of your taste';
    });
  }

  private list(
    ranked: Recommendations,
    limit: number,
    genre: string | undefined,
    path: ServedPath,
    reason: (item: number, entry: CatalogEntry) => string,
  ): RecommendationList {
    const items: RecommendedItem[] = [];
    for (let i = 0; i < ranked.items.length && items.length < limit; i++) {
      const item = ranked.items[i]!;
      const movieId = this.bundle.itemIds[item]!;
      const entry = this.catalog.get(movieId);
      if (!entry || (genre && !entry.genres.includes(genre))) continue;
      items.push({
        movieId,
        title: entry.title,
        genres: entry.genres,
        score: ranked.scores[i]!,
        reason: reason(item, entry),
      });
    }
    return { modelVersion: this.version, path, fallback: path === 'fallback' ? 'popularity' : null, items };
  }

  private titleOf(item: number): string {
    const movieId = this.bundle.itemIds[item]!;
    return this.catalog.get(movieId)?.title ?? `movie ${movieId}`;
  }
}
