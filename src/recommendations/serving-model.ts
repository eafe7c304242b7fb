import { datasetGenreName, GENRE_KEYS } from '../catalog/genres.js';
import type { ModelBundle } from '../training/model-bundle.js';
import type { Recommendations } from '../training/model.js';

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
    /** A known user who rated within this many seconds is in a session. */
    private readonly sessionSeconds = 30 * 60,
  ) {
    bundle.userIds.forEach((id, index) => this.userIndex.set(id, index));
    bundle.itemIds.forEach((id, index) => this.itemIndex.set(id, index));
  }

  /**
   * The user's list. `ratedSince` holds the movies the user rated after this version was trained:
   * they are never returned, they explain items like the training ratings do, and a user the model
   * has never seen but who has rated since gets a list from those ratings rather than the fallback.
   * A known user whose newest rating (in training, or `lastRatedAt` since) is at most the session
   * length before `now` gets the session model; any other known user the returning-user model.
   */
  forUser(
    userId: number,
    limit: number,
    genre?: string,
    ratedSince: ReadonlySet<number> = NOTHING,
    lastRatedAt?: number,
    now = Date.now() / 1000,
  ): RecommendationList {
    const user = this.userIndex.get(userId) ?? -1;
    const wanted = genre ? datasetGenreName(genre) : undefined;
    const pool = wanted ? FILTER_POOL : limit;
    const recent = this.indicesOf(ratedSince);
    if (user < 0 && recent.size === 0) {
      const popular = this.bundle.popular.recommend(0, pool, NOTHING);
      return this.list(popular, limit, wanted, 'fallback', () =>
        wanted ? `popular in ${wanted}` : 'popular with everyone',
      );
    }
    const path: ServedPath =
      user < 0 ? 'new-user' : this.inSession(user, lastRatedAt, now) ? 'session' : 'returning';
    const ranked =
      user >= 0
        ? (path === 'session' ? this.bundle.personal : this.bundle.returning).recommend(user, pool, recent)
        : this.bundle.similar.recommendForItems([...recent], pool, NOTHING);
    const because = this.bundle.similar.becauseOf(user, ranked.items, recent);
    const reasons = new Map<number, string>();
    ranked.items.forEach((item, p) => {
      const rated = because[p]!;
      if (rated >= 0) reasons.set(item, `because you rated ${this.titleOf(rated)}`);
    });
    return this.list(ranked, limit, wanted, path, (item) => reasons.get(item) ?? 'like the films you rated');
  }

  /** Whether known user index `user` is in a session at `now` (seconds since the epoch). */
  inSession(user: number, lastRatedAt: number | undefined, now: number): boolean {
    const newest = Math.max(
      this.bundle.lastRated[user] ?? Number.NEGATIVE_INFINITY,
      lastRatedAt ?? Number.NEGATIVE_INFINITY,
    );
    return this.sessionSeconds > 0 && now - newest <= this.sessionSeconds;
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
    const ranked = this.bundle.taste.recommendForTaste(taste, limit, NOTHING);
    if (!taste.some((weight) => weight > 0))
      return this.list(ranked, limit, undefined, 'fallback', () => 'popular with everyone');
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

  /** Item indices of the movies this version knows among `movieIds`. */
  private indicesOf(movieIds: ReadonlySet<number>): Set<number> {
    const indices = new Set<number>();
    for (const movieId of movieIds) {
      const item = this.itemIndex.get(movieId);
      if (item !== undefined) indices.add(item);
    }
    return indices;
  }
}
