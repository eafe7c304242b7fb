import { CatalogIndex, foldTerm } from './catalog-index.js';
import type { MovieDto } from './dto/movie.dto.js';

const movie = (
  id: number,
  title: string,
  ratingCount: number,
  genres = ['Drama'],
  year: number | null = null,
) => ({ id, title, year, genres, ratingCount, ratingMean: null }) satisfies MovieDto;

const MOVIES = [
  movie(1, 'Toy Story (1995)', 215, ['Animation'], 1995),
  movie(2, 'Toy Story 2 (1999)', 97, ['Animation'], 1999),
  movie(3, 'Toy, The (1982)', 4, ['Comedy'], 1982),
  movie(4, "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)", 120, ['Comedy', 'Romance'], 2001),
  movie(5, 'Story of Us, The (1999)', 30, ['Comedy'], 1999),
  movie(6, 'Tom and Huck (1995)', 8, ['Drama'], 1995),
  movie(7, 'Toys (1992)', 12, ['Comedy'], 1992),
  movie(8, 'Stray Dog (1949)', 2, ['Drama'], 1949),
];

const index = new CatalogIndex(MOVIES);
const search = (
  text: string,
  extra: { genre?: string; sort?: 'id' | 'title' | 'year' | 'popularity' } = {},
) => index.list({ search: text, page: 1, limit: 20, ...extra }).items.map((m) => m.id);

describe('CatalogIndex', () => {
  it('folds case and accents', () => {
    expect(foldTerm('Amélie')).toBe('amelie');
    expect(foldTerm('ÉCOLE')).toBe('ecole');
  });

  it('ranks exact words before word beginnings, then by rating count', () => {
    // "toy": Toy Story, Toy Story 2 and The Toy hold the word; Toys only starts with it.
    expect(search('toy')).toEqual([1, 2, 3, 7]);
  });

  it('forgives typos in longer words but not in short ones', () => {
    expect(search('toy stroy').slice(0, 2)).toEqual([1, 2]);
    // Three letters allow none: "tom" is not "toy".
    expect(search('tom')).toEqual([6]);
  });

  it('finds accented titles typed without accents, and the other way round', () => {
    expect(search('amelie')).toEqual([4]);
    expect(search('AMÉLIE poulain')).toEqual([4]);
  });

  it('finds by word beginnings', () => {
    expect(search('ame')).toEqual([4]);
    expect(search('toy sto')).toEqual([1, 2]);
  });

  it('prefers titles holding every word, else any of them', () => {
    // "stroy dog": Stray Dog holds both (a typo of 2 letters in 5); nothing holds "toy" and "dog".
    expect(search('stroy dog')).toEqual([8]);
    expect(search('toy dog')).toEqual([1, 2, 3, 8, 7]);
    expect(search('zzz')).toEqual([]);
  });

  it('filters and orders the matches as asked, and pages them', () => {
    expect(search('toy', { genre: 'Comedy' })).toEqual([3, 7]);
    expect(search('toy', { sort: 'year' })).toEqual([2, 1, 7, 3]);
    const page = index.list({ search: 'toy', page: 2, limit: 3 });
    expect(page).toMatchObject({ total: 4, page: 2, limit: 3 });
    expect(page.items.map((m) => m.id)).toEqual([7]);
  });

  it('lists every movie without a search, by id unless asked otherwise', () => {
    expect(index.list({ page: 1, limit: 3 }).items.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(index.list({ page: 1, limit: 2, sort: 'popularity' }).items.map((m) => m.id)).toEqual([1, 4]);
    expect(index.list({ page: 1, limit: 20, genre: 'Romance' }).total).toBe(1);
    expect(index.get(4)?.title).toMatch(/^Amélie/);
    expect(index.get(99)).toBeUndefined();
  });
});
