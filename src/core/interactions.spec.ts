import { GENRE_KEYS } from './genres.js';
import { RatingColumnsBuilder } from './rating-columns.js';
import {
  buildInteractions,
  columnsOf,
  GENRE_COUNT,
  indexInteractions,
  itemsOfUser,
  ratingsOf,
  shareInteractions,
} from './interactions.js';

const r = (userId: number, movieId: number, rating: number, timestamp: number) => ({
  userId,
  movieId,
  rating,
  timestamp,
});

describe('buildInteractions', () => {
  const movies = [
    { id: 10, genres: ['Comedy', 'Drama'] },
    { id: 20, genres: ['Sci-Fi'] },
    { id: 30, genres: ['(no genres listed)'] },
    { id: 40, genres: ['Action'] }, // nobody rated it: not an item
  ];
  const ratings = [r(7, 30, 4, 300), r(3, 20, 5, 100), r(7, 10, 2.5, 200), r(3, 10, 1, 150), r(9, 99, 3, 50)];

  it('numbers users and items densely in ascending id order, rated movies only', () => {
    const data = buildInteractions(ratings, movies);
    expect(data.numUsers).toBe(3);
    expect(data.numItems).toBe(4);
    expect([...data.userIds]).toEqual([3, 7, 9]);
    expect([...data.itemIds]).toEqual([10, 20, 30, 99]);
  });

  it('stores a CSR matrix by user with each row sorted by item index', () => {
    const data = buildInteractions(ratings, movies);
    expect([...data.userPtr]).toEqual([0, 2, 4, 5]);
    // user 3: movies 10 (item 0), 20 (item 1); user 7: 10, 30; user 9: 99 (item 3)
    expect([...data.userItems]).toEqual([0, 1, 0, 2, 3]);
    expect([...data.userRatings]).toEqual([1, 5, 2.5, 4, 3]);
    expect([...data.userTimes]).toEqual([150, 100, 200, 300, 50]);
    expect([...itemsOfUser(data, 1)]).toEqual([0, 2]);
    expect([...itemsOfUser(data, 3)]).toEqual([]);
  });

  it('does not depend on the order of the input', () => {
    expect(buildInteractions([...ratings].reverse(), [...movies].reverse())).toEqual(
      buildInteractions(ratings, movies),
    );
  });

  it('flags genres in GENRE_KEYS order; a movie missing from the catalog has none', () => {
    const data = buildInteractions(ratings, movies);
    const flagged = (item: number) =>
      GENRE_KEYS.filter((_, g) => data.itemGenres[item * GENRE_COUNT + g] === 1);
    expect(data.itemGenres).toHaveLength(4 * GENRE_COUNT);
    expect(flagged(0)).toEqual(['comedy', 'drama']);
    expect(flagged(1)).toEqual(['sci_fi']);
    expect(flagged(2)).toEqual(['no_genres_listed']);
    expect(flagged(3)).toEqual([]);
  });

  it('keeps the latest of repeated ratings of a user and movie (the later one on equal times)', () => {
    const data = buildInteractions([r(1, 5, 2, 100), r(1, 5, 4, 300), r(1, 5, 3, 200), r(1, 6, 1, 50)], []);
    expect([...data.userItems]).toEqual([0, 1]);
    expect([...data.userRatings]).toEqual([4, 1]);
    const tie = buildInteractions([r(1, 5, 2, 100), r(1, 5, 4.5, 100)], []);
    expect([...tie.userRatings]).toEqual([4.5]);
  });

  it('maps ids to indices and back', () => {
    const data = buildInteractions(ratings, movies);
    const index = indexInteractions(data);
    expect(index.user(7)).toBe(1);
    expect(index.user(8)).toBeUndefined();
    expect(index.item(99)).toBe(3);
    expect(index.item(40)).toBeUndefined();
    expect(data.itemIds[index.item(30)!]).toBe(30);
  });

  it('builds an empty matrix from no ratings', () => {
    const data = buildInteractions([], movies);
    expect(data).toMatchObject({ numUsers: 0, numItems: 0 });
    expect([...data.userPtr]).toEqual([0]);
  });
});

describe('shareInteractions', () => {
  it('copies every array into one SharedArrayBuffer, aligned and unchanged', () => {
    const movies = [
      { id: 10, genres: ['Comedy', 'Drama'] },
      { id: 20, genres: ['Sci-Fi'] },
    ];
    const data = buildInteractions(
      [r(7, 20, 4, 300), r(3, 20, 5, 100), r(7, 10, 2.5, 200), r(5, 10, 1, 150)],
      movies,
    );
    const shared = shareInteractions(data);
    const arrays = [
      'userIds',
      'itemIds',
      'userPtr',
      'userItems',
      'userRatings',
      'userTimes',
      'itemGenres',
    ] as const;
    const buffer = shared.userTimes.buffer;
    expect(buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const name of arrays) {
      expect(shared[name].buffer).toBe(buffer);
      expect(shared[name].byteOffset % shared[name].BYTES_PER_ELEMENT).toBe(0);
      expect(Array.from(shared[name])).toEqual(Array.from(data[name]));
    }
    expect([shared.numUsers, shared.numItems]).toEqual([data.numUsers, data.numItems]);
  });
});

describe('ratings as columns', () => {
  const ratings = [r(7, 30, 4, 300), r(3, 20, 5, 100), r(7, 30, 2.5, 300), r(3, 10, 1, 150.5)];

  it('build the same interaction matrix as the same ratings as objects', () => {
    expect(buildInteractions(columnsOf(ratings), [])).toEqual(buildInteractions(ratings, []));
  });

  it('round-trip to objects unchanged', () => {
    expect(ratingsOf(columnsOf(ratings))).toEqual(ratings);
  });

  it('grow past their first capacity while appended one by one', () => {
    const builder = new RatingColumnsBuilder(1);
    for (const rating of ratings)
      builder.push(rating.userId, rating.movieId, rating.rating, rating.timestamp);
    expect(ratingsOf(builder.finish())).toEqual(ratings);
  });
});
