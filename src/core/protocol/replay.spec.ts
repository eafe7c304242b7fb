import { replay, replayEvents, type ReplayMoment, type ReplayRating } from './replay.js';

// Training knows users 1 and 2 and movies 10, 20, 30, 40 (item indices 0–3).
const TRAIN = { userIds: Int32Array.of(1, 2), itemIds: Int32Array.of(10, 20, 30, 40) };
const rating = (userId: number, movieId: number, value: number, timestamp: number): ReplayRating => ({
  userId,
  movieId,
  rating: value,
  timestamp,
});

describe('replay', () => {
  const events = replayEvents(
    [
      rating(1, 40, 5, 400), // known user 1 after a low rating since: scored
      rating(3, 10, 5, 100), // new user 3, no earlier rating: not scored, but replayed
      rating(9, 10, 5, 50), // before the cut: not replayed
      rating(3, 20, 4, 200), // new user 3, one earlier rating: scored
      rating(1, 30, 3, 300), // below the threshold: not scored, replayed
      rating(2, 99, 5, 500), // a movie training does not hold: unscored
      rating(2, 20, 4.5, 600), // known user 2: scored
    ],
    100,
  );

  it('replays the ratings from the cut in time order', () => {
    expect(events.map((event) => event.timestamp)).toEqual([100, 200, 300, 400, 500, 600]);
  });

  it('ranks before each rating >= 4 of a user with an earlier rating, seeing only the past', () => {
    const moments: ReplayMoment[] = [];
    const { results, unscored, complete } = replay(TRAIN, events, {
      // Lists movies 20 and 40 (items 1 and 3) to everyone.
      fixed: (moment) => {
        moments.push(moment);
        return Int32Array.of(1, 3);
      },
    });
    expect(moments.map((m) => [m.user, Array.from(m.sinceItems), Array.from(m.sinceRatings), m.now])).toEqual(
      [
        [-1, [0], [5], 200], // user 3 before rating 20: rated 10 since
        [0, [2], [3], 400], // user 1 before rating 40: rated 30 (a 3) since
        [1, [], [], 600], // user 2: nothing since the cut in training's movies
      ],
    );
    expect(moments[0]!.lastRatedAt).toBe(100);
    expect(moments[2]!.lastRatedAt).toBe(500);
    expect({ unscored, complete }).toEqual({ unscored: 1, complete: true });
    // Hits: user 3 (20 listed) yes, user 1 (40 listed) yes, user 2 (20 listed) yes.
    expect(results[0]).toMatchObject({ variant: 'fixed', events: 3, users: 3, hitRate: 1, userMean: 1 });
    expect(results[0]!.known).toMatchObject({ events: 2, users: 2 });
    expect(results[0]!.new).toMatchObject({ events: 1, users: 1 });
  });

  it('reports the hit rate over events, the per-user mean and its standard error', () => {
    // Lists only movie 40: user 1 hits, users 2 and 3 miss.
    const { results } = replay(TRAIN, events, { only40: () => Int32Array.of(3) });
    const [result] = results;
    expect(result!.hitRate).toBeCloseTo(1 / 3, 10);
    expect(result!.userMean).toBeCloseTo(1 / 3, 10);
    // Rates 1, 0, 0: sample sd = sqrt(1/3), se = sd / sqrt(3) = 1/3.
    expect(result!.userSe).toBeCloseTo(1 / 3, 10);
    expect(result!.known).toMatchObject({ events: 2, hitRate: 0.5, userMean: 0.5 });
    expect(result!.new).toMatchObject({ events: 1, hitRate: 0 });
  });

  it('ranks only the sampled users, and stops when told to, saying so', () => {
    const sampled = replay(
      TRAIN,
      events,
      { all: () => Int32Array.of(1, 3) },
      { ranks: (userId) => userId === 1 },
    );
    expect(sampled.results[0]).toMatchObject({ events: 1, users: 1 });
    let calls = 0;
    const stopped = replay(TRAIN, events, { all: () => Int32Array.of(1, 3) }, { stop: () => ++calls > 2 });
    expect(stopped.complete).toBe(false);
    expect(stopped.results[0]!.events).toBe(2);
  });
});
