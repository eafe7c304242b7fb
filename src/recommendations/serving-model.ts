import { datasetGenreName, GENRE_KEYS } from '../catalog/genres.js';
import type { ModelBundle } from '../training/model-bundle.js';
import type { Recommendations } from '../training/model.js';

export interface CatalogEntry {
  title: string;
  genres: string[];
}

export interface RecommendedItem {
  movieId: number;
  title: string;
  genres: string[];
  score: number;
  reason: string;
}

export interface RecommendationList {
  modelVersion: number;
  /** Set when the answer is not personalised, e.g. for a user the model does not know. */
  fallback: 'popularity' | null;
  items: RecommendedItem[];
}

/** How many candidates a genre-filtered list draws from before filtering. */
const FILTER_POOL = 500;
const NOTHING = new Set<number>();

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
  ) {
    bundle.userIds.forEach((id, index) => this.userIndex.set(id, index));
    bundle.itemIds.forEach((id, index) => this.itemIndex.set(id, index));
  }

  forUser(userId: number, limit: number, genre?: string): RecommendationList {
    const user = this.userIndex.get(userId);
    const wanted = genre ? datasetGenreName(genre) : undefined;
    const pool = wanted ? FILTER_POOL : limit;
    if (user === undefined) {
      const popular = this.bundle.popular.recommend(0, pool, NOTHING);
      return this.list(popular, limit, wanted, 'popularity', () =>
        wanted ? `popular in ${wanted}` : 'popular with everyone',
      );
    }
    const personal = this.bundle.personal.recommend(user, pool, NOTHING);
    return this.list(personal, limit, wanted, null, () => 'picked from your ratings');
  }

  similarTo(movieId: number, limit: number): RecommendationList | undefined {
    const item = this.itemIndex.get(movieId);
    if (item === undefined) return undefined;
    const similar = this.bundle.similar.similarItems(item, limit);
    const title = this.catalog.get(movieId)?.title ?? `movie ${movieId}`;
    const reason = similar.source === 'content' ? `same genres as ${title}` : `rated alike with ${title}`;
    return this.list(similar, limit, undefined, null, () => reason);
  }

  forTaste(taste: Float32Array, limit: number): RecommendationList {
    const ranked = this.bundle.taste.recommendForTaste(taste, limit, NOTHING);
    let top = 0;
    for (let g = 1; g < taste.length; g++) if (taste[g]! > taste[top]!) top = g;
    const reason =
      taste[top]! > 0
        ? `matches your taste for ${datasetGenreName(GENRE_KEYS[top]!)}`
        : 'popular with everyone';
    return this.list(ranked, limit, undefined, taste[top]! > 0 ? null : 'popularity', () => reason);
  }

  private list(
    ranked: Recommendations,
    limit: number,
    genre: string | undefined,
    fallback: RecommendationList['fallback'],
    reason: () => string,
  ): RecommendationList {
    const items: RecommendedItem[] = [];
    for (let i = 0; i < ranked.items.length && items.length < limit; i++) {
      const movieId = this.bundle.itemIds[ranked.items[i]!]!;
      const entry = this.catalog.get(movieId);
      if (!entry || (genre && !entry.genres.includes(genre))) continue;
      items.push({
        movieId,
        title: entry.title,
        genres: entry.genres,
        score: ranked.scores[i]!,
        reason: reason(),
      });
    }
    return { modelVersion: this.version, fallback, items };
  }
}
