import { GENRE_KEYS } from '../genres.js';
import { tinyData } from '../algorithms/fixtures.js';
import { fitBundle, type ModelBundle } from '../model-bundle.js';
import type { Recommender } from '../model.js';
import type { UserRatingsSince } from './rated-since.js';
import { type CatalogEntry, ServingModel } from './serving-model.js';

// tinyData: users 1–4, movies 1–5. User 1 rated movies 1, 2, 3. Popularity: 2, 1, 3, 4, 5.
const GENRES_OF: string[][] = [['Action', 'Comedy'], ['Action'], ['Drama'], ['Comedy'], ['Action', 'Drama']];
const CATALOG = new Map<number, CatalogEntry>(
  GENRES_OF.map((genres, i) => [i + 1, { title: `Movie ${i + 1}`, genres }]),
);

function model(): ServingModel {
  return new ServingModel(7, fitBundle(tinyData(), { minItemCount: 1 }), CATALOG);
}

const ids = (list: { items: { movieId: number }[] }) => list.items.map((item) => item.movieId);

/** Ratings since training, oldest first: [movieId, rating, seconds since the epoch]. */
function since(...ratings: [number, number, number][]): UserRatingsSince {
  return {
    movies: ratings.map(([movieId]) => movieId),
    ratings: ratings.map(([, rating]) => rating),
    times: ratings.map(([, , time]) => time),
  };
}

describe('ServingModel', () => {
  it('never recommends a known user what they rated, and says which film each answer is because of', () => {
    const list = model().forUser(1, 10);
    expect(list).toMatchObject({ modelVersion: 7, fallback: null, path: 'returning' });
    expect(ids(list).length).toBeGreaterThan(0);
    expect(ids(list)).not.toEqual(expect.arrayContaining([1]));
    expect(ids(list).some((id) => [1, 2, 3].includes(id))).toBe(false);
    for (const item of list.items) {
      expect(item.reason).toMatch(/^because you rated Movie [123]$|^like the films you rated$/);
      expect(item.title).toBe(`Movie ${item.movieId}`);
    }
  });

  it('leaves out what the user rated since the model was trained', () => {
    const before = ids(model().forUser(1, 10));
    const rated = before[0]!;
    const after = ids(model().forUser(1, 10, undefined, since([rated, 4, 10])));
    expect(after).not.toContain(rated);
  });

  it('answers an unknown user with the popular films, marked as the fallback', () => {
    const list = model().forUser(99, 3);
    expect(list).toMatchObject({ fallback: 'popularity', path: 'fallback' });
    expect(ids(list)).toEqual([2, 1, 3]);
    expect(list.items.every((item) => item.reason === 'popular with everyone')).toBe(true);
  });

  it('filters by genre and says so', () => {
    const list = model().forUser(99, 10, 'drama');
    expect(ids(list)).toEqual([3, 5]);
    expect(list.items.every((item) => item.reason === 'popular in Drama')).toBe(true);
  });

  it('personalises for a user the model never saw who has rated since', () => {
    const list = model().forUser(99, 10, undefined, since([1, 5, 10]));
    expect(list).toMatchObject({ fallback: null, path: 'new-user' });
    expect(ids(list)).not.toContain(1);
  });

  it('gives a new user whose every rating since is low the popular films they did not rate', () => {
    const list = model().forUser(99, 3, undefined, since([2, 0.5, 10]));
    expect(list).toMatchObject({ fallback: 'popularity', path: 'fallback' });
    expect(ids(list)).toEqual([1, 3, 4]);
  });

  it('ranks a new user from the ratings they sent, a liked film apart from a disliked one', () => {
    // Movie 5 rated 5 or 0.5 beside a liked movie 1: the second weighs less, so the scores differ.
    const scored = (rating: number) =>
      model()
        .forUser(99, 3, undefined, since([1, 5, 10], [5, rating, 11]))
        .items.map((item) => [item.movieId, item.score]);
    expect(scored(0.5)).not.toEqual(scored(5));
  });

  it('ranks only from training when fold-in is off, but still leaves out what was rated since', () => {
    const off = new ServingModel(7, fitBundle(tinyData(), { minItemCount: 1 }), CATALOG, {
      sessionSeconds: 0,
      foldIn: false,
    });
    expect(off.forUser(99, 3, undefined, since([1, 5, 10]))).toMatchObject({ path: 'fallback' });
    expect(ids(off.forUser(99, 3, undefined, since([2, 5, 10])))).toEqual([1, 3, 4]);
  });

  it('finds similar movies for a known movie only, never the movie itself', () => {
    expect(model().similarTo(42, 5)).toBeUndefined();
    const similar = model().similarTo(1, 5)!;
    expect(ids(similar)).not.toContain(1);
    expect(
      similar.items.every((item) => /^(rated alike with|same genres as) Movie 1$/.test(item.reason)),
    ).toBe(true);
  });

  it('answers an empty taste with popularity and a stated taste with its genre', () => {
    const none = model().forTaste(new Float32Array(GENRE_KEYS.length), 3);
    expect(none.fallback).toBe('popularity');
    // The same list and scores as any newcomer's fallback: best first.
    expect(none.items).toEqual(model().forUser(99, 3).items);
    const scores = none.items.map((item) => item.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const action = new Float32Array(GENRE_KEYS.length);
    action[GENRE_KEYS.indexOf('action')] = 1;
    const list = model().forTaste(action, 3);
    expect(list.fallback).toBeNull();
    expect(list.items[0]?.reason).toBe('matches your taste for Action');
  });

  describe('session or returning user', () => {
    // User 1 (index 0) last rated at t = 3 s in the training data.
    const answering = (item: number): Recommender => ({
      algorithm: `answers ${item}`,
      params: {},
      fit: () => undefined,
      serialize: () => new Uint8Array(),
      recommend: () => ({ items: Int32Array.of(item), scores: Float32Array.of(1) }),
    });
    function twoPathModel(sessionSeconds = 1800): ServingModel {
      const bundle: ModelBundle = {
        ...fitBundle(tinyData(), { minItemCount: 1 }),
        session: answering(4),
        returning: answering(3),
      };
      return new ServingModel(7, bundle, CATALOG, { sessionSeconds, foldIn: true });
    }
    const MINUTE = 60;
    const DAY = 86_400;

    it('serves the session model to a user whose last rating is within the session length', () => {
      expect(twoPathModel().forUser(1, 10, undefined, undefined, 3 + 10 * MINUTE)).toMatchObject({
        path: 'session',
      });
      expect(ids(twoPathModel().forUser(1, 10, undefined, undefined, 3 + 30 * MINUTE))).toEqual([5]);
    });

    it('serves the returning-user model once the session is over', () => {
      expect(ids(twoPathModel().forUser(1, 10, undefined, undefined, 3 + DAY))).toEqual([4]);
      const list = twoPathModel().forUser(1, 10, undefined, undefined, 3 + 30 * MINUTE + 1);
      expect(list).toMatchObject({ path: 'returning' });
    });

    it('counts a rating sent since training as session activity', () => {
      const now = 3 + 5 * DAY;
      expect(ids(twoPathModel().forUser(1, 10, undefined, since([2, 4, now - 2 * MINUTE]), now))).toEqual([
        5,
      ]);
      expect(ids(twoPathModel().forUser(1, 10, undefined, since([2, 4, now - 2 * DAY]), now))).toEqual([4]);
    });

    it('puts nobody in a session when the session length is 0', () => {
      expect(twoPathModel(0).forUser(1, 10, undefined, undefined, 3)).toMatchObject({ path: 'returning' });
    });
  });
});
