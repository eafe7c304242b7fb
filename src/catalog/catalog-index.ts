import MiniSearch, { type SearchResult } from 'minisearch';
import type { MovieSort } from './dto/list-movies.query.js';
import type { MovieDto, MoviePageDto } from './dto/movie.dto.js';

/** What a page of the catalog is asked for (the validated query, with the genre as the dataset names it). */
export interface CatalogQuery {
  search?: string;
  /** The dataset's genre name ("Sci-Fi"), already resolved from the API spelling. */
  genre?: string;
  sort?: MovieSort;
  page: number;
  limit: number;
}

/** Ranked searches kept per index (a rebuilt index starts empty): most searches repeat. */
const SEARCH_CACHE_SIZE = 2000;

/** How well a query word matched a title word; a title's match is the sum over the query's words. */
const EXACT = 3;
const PREFIX = 2;
const FUZZY = 1;

/**
 * Lower case without accents: "Amélie" and "amelie" are one word, as a person types it. NFD
 * splits a letter from its combining marks, which are then dropped.
 */
export function foldTerm(term: string): string {
  return term.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Typos allowed per query word, by length (Levenshtein distance, so a swap of two letters counts
 * 2): none up to 3 letters ("toy" must not find "tom"), 1 at 4, 2 from 5 ("stroy" finds "story").
 */
function typosAllowed(term: string): number {
  return term.length <= 3 ? 0 : term.length === 4 ? 1 : 2;
}

const titleCollator = new Intl.Collator('en');

/**
 * The catalog in memory: every movie by id, the list orders, and a MiniSearch index of the titles
 * (words folded to lower case without accents; a query word matches a title word exactly, as its
 * beginning, or with a few typos). Immutable once built: a change of the catalog builds a new one.
 */
export class CatalogIndex {
  private readonly byId = new Map<number, MovieDto>();
  private readonly orders: Record<Exclude<MovieSort, 'relevance'>, readonly MovieDto[]>;
  private readonly search: MiniSearch<MovieDto>;
  private readonly searches = new Map<string, readonly MovieDto[]>();
  /** Genre lists by sort and genre name: the dataset's genres, so a few dozen at most. */
  private readonly genreOrders = new Map<string, readonly MovieDto[]>();

  constructor(movies: readonly MovieDto[]) {
    const byId = [...movies].sort((a, b) => a.id - b.id);
    for (const movie of byId) this.byId.set(movie.id, movie);
    const popularity = [...byId].sort((a, b) => b.ratingCount - a.ratingCount || a.id - b.id);
    this.orders = {
      id: byId,
      title: [...byId].sort((a, b) => titleCollator.compare(a.title, b.title) || a.id - b.id),
      year: [...byId].sort((a, b) => (b.year ?? -Infinity) - (a.year ?? -Infinity) || a.id - b.id),
      popularity,
    };
    this.search = new MiniSearch<MovieDto>({
      fields: ['title'],
      processTerm: (term) => foldTerm(term) || null,
      searchOptions: { prefix: true, fuzzy: (term) => typosAllowed(term) },
    });
    this.search.addAll(byId);
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: number): MovieDto | undefined {
    return this.byId.get(id);
  }

  /**
   * One page. With `search`, the titles matching every word (or, when none does, any word),
   * ranked by how well they match (exact words before beginnings before typos), then by rating
   * count, then id; the other sorts order the same matches. Without it, every movie.
   */
  list(query: CatalogQuery): MoviePageDto {
    const search = query.search?.trim() || undefined;
    const requested = query.sort ?? (search ? 'relevance' : 'id');
    let movies: readonly MovieDto[];
    if (search) {
      const ranked = this.ranked(search);
      movies = requested === 'relevance' ? ranked : this.inOrder(requested, new Set(ranked));
      const genre = query.genre;
      if (genre) movies = movies.filter((movie) => movie.genres.includes(genre));
    } else {
      movies = this.ofGenre(requested === 'relevance' ? 'popularity' : requested, query.genre);
    }
    const start = (query.page - 1) * query.limit;
    return {
      items: movies.slice(start, start + query.limit),
      total: movies.length,
      page: query.page,
      limit: query.limit,
    };
  }

  /** Every movie of `genre` (or every movie) in a list order; each genre's filtered once per index. */
  private ofGenre(sort: Exclude<MovieSort, 'relevance'>, genre: string | undefined): readonly MovieDto[] {
    if (!genre) return this.orders[sort];
    const key = `${sort} ${genre}`;
    let movies = this.genreOrders.get(key);
    if (!movies) {
      movies = this.orders[sort].filter((movie) => movie.genres.includes(genre));
      this.genreOrders.set(key, movies);
    }
    return movies;
  }

  private inOrder(sort: Exclude<MovieSort, 'relevance'>, keep: ReadonlySet<MovieDto>): MovieDto[] {
    return this.orders[sort].filter((movie) => keep.has(movie));
  }

  /** The movies matching `text`, best first (cached per index). */
  private ranked(text: string): readonly MovieDto[] {
    const key = foldTerm(text);
    const cached = this.searches.get(key);
    if (cached) return cached;
    const words = [...new Set(MiniSearch.getDefault('tokenize')(text, 'title') as string[])]
      .map(foldTerm)
      .filter((word) => word.length > 0);
    let results: SearchResult[] = [];
    if (words.length > 0) {
      results = this.search.search(words.join(' '), { combineWith: 'AND' });
      if (results.length === 0 && words.length > 1)
        results = this.search.search(words.join(' '), { combineWith: 'OR' });
    }
    const scored = results.map((result) => ({
      movie: this.byId.get(result.id as number)!,
      match: matchQuality(words, result),
    }));
    scored.sort(
      (a, b) => b.match - a.match || b.movie.ratingCount - a.movie.ratingCount || a.movie.id - b.movie.id,
    );
    const ranked = scored.map((entry) => entry.movie);
    if (this.searches.size >= SEARCH_CACHE_SIZE) this.searches.delete(this.searches.keys().next().value!);
    this.searches.set(key, ranked);
    return ranked;
  }
}

/**
 * Σ over the query words of how well each matched: exactly or as the beginning of one of the title
 * words found, else by typos when MiniSearch says the word matched (0 when it did not).
 */
function matchQuality(words: readonly string[], result: SearchResult): number {
  let total = 0;
  for (const word of words) {
    let best = result.queryTerms.includes(word) ? FUZZY : 0;
    for (const term of result.terms) {
      if (term === word) best = EXACT;
      else if (best < PREFIX && term.startsWith(word)) best = PREFIX;
    }
    total += best;
  }
  return total;
}
