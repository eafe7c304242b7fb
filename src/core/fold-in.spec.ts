import { EaseRecommender } from './algorithms/ease.js';
import { EaseSeqRecommender } from './algorithms/ease-seq.js';
import { seenOf, tinyData } from './algorithms/fixtures.js';
import { buildInteractionData, type Row } from './algorithms/test-data.js';
import { type FoldIn, type FoldInRecommender, foldInWeight } from './fold-in.js';

// tinyData (fixtures.ts): u0 i0→i1→i2, u1 i0→i1→i3, u2 i0→i2, u3 i1→i4 (in time order).
const data = tinyData();
const foldIn = (items: number[], weights = items.map(() => 1)): FoldIn => ({
  items: Int32Array.from(items),
  weights: Float32Array.from(weights),
});
const list = (recs: { items: Int32Array }) => Array.from(recs.items);

const MODELS: [string, () => FoldInRecommender][] = [
  ['ease', () => new EaseRecommender({ lambda: 0.5, minItemCount: 1 })],
  [
    'ease-seq',
    () =>
      new EaseSeqRecommender({
        lambda: 0.5,
        minItemCount: 1,
        window: 2,
        decay: 0.5,
        neighbours: 10,
        recentHalfLife: 1,
        weight: 0.5,
      }),
  ],
];

describe.each(MODELS)('%s folds in the ratings since training', (_name, create) => {
  const model = create();
  model.fit(data);

  it('ranks a user it never saw like a known user with the same ratings in the same order', () => {
    // u0 rated i0, i1, i2 (newest last): the same as a newcomer's since list, newest first.
    const known = model.recommend(0, 5, new Set());
    const newcomer = model.recommendWithFoldIn(-1, foldIn([2, 1, 0]), 5, new Set());
    expect(list(newcomer)).toEqual(list(known));
    Array.from(newcomer.scores).forEach((score, p) => expect(score).toBeCloseTo(known.scores[p]!, 5));
  });

  it("adds a known user's new ratings to their training history", () => {
    // u2 rated i0, i2 in training; with i1 since, u2 has u0's history (i1 rated between: the newest is i1).
    const withSince = model.recommendWithFoldIn(2, foldIn([1]), 5, new Set());
    expect(list(withSince)).not.toContain(1);
    expect(list(withSince).some((item) => seenOf(data, 2).has(item))).toBe(false);
    expect(list(withSince)).not.toEqual(list(model.recommend(2, 5, new Set())));
  });

  it('never returns a training item, a since item or an excluded one, and fills up to k', () => {
    const recs = model.recommendWithFoldIn(3, foldIn([0]), 5, new Set([2]));
    expect(list(recs).sort()).toEqual([3]);
    expect(list(model.recommendWithFoldIn(3, foldIn([0]), 5, new Set()))).toHaveLength(2);
  });

  it('lets a rating that counts for nothing only exclude, and one that counts against push down', () => {
    const nothing = model.recommendWithFoldIn(-1, foldIn([1, 0], [1, 0]), 5, new Set());
    const alone = model.recommendWithFoldIn(-1, foldIn([1]), 5, new Set());
    expect(list(nothing)).not.toContain(0);
    expect(list(nothing).slice(0, 2)).toEqual(
      list(alone)
        .filter((item) => item !== 0)
        .slice(0, 2),
    );
    const liked = model.recommendWithFoldIn(-1, foldIn([2, 0], [1, 1]), 5, new Set());
    const against = model.recommendWithFoldIn(-1, foldIn([2, 0], [1, -1]), 5, new Set());
    expect(list(liked)).not.toEqual(list(against));
  });

  it('counts a film rated again since training once, at its new rating', () => {
    // u0 rated i0, i1, i2 in training; i0 again since, at weight 0: as a newcomer who rated i1, i2
    // and then i0 at weight 0.
    const again = model.recommendWithFoldIn(0, foldIn([0], [0]), 5, new Set());
    const newcomer = model.recommendWithFoldIn(-1, foldIn([0, 2, 1], [0, 1, 1]), 5, new Set());
    expect(list(again)).toEqual(list(newcomer));
    Array.from(again.scores).forEach((score, p) => expect(score).toBeCloseTo(newcomer.scores[p]!, 5));
  });

  it('answers as recommend() with nothing since', () => {
    expect(list(model.recommendWithFoldIn(1, foldIn([]), 5, new Set()))).toEqual(
      list(model.recommend(1, 5, new Set())),
    );
  });
});

describe('foldInWeight', () => {
  it('counts a liked rating as a training interaction and a low one by the low weight', () => {
    expect(foldInWeight(4, { likedFrom: 3.5, lowWeight: -0.5 })).toBe(1);
    expect(foldInWeight(3.5, { likedFrom: 3.5, lowWeight: -0.5 })).toBe(1);
    expect(foldInWeight(3, { likedFrom: 3.5, lowWeight: -0.5 })).toBe(-0.5);
    expect(foldInWeight(Number.NaN, { likedFrom: 3.5, lowWeight: 0 })).toBe(1);
  });
});

describe.each(MODELS)('%s with a long training history (its scores kept between calls)', (_name, create) => {
  // 40 users × 150 items, user 0 with 100 ratings (a long history), a seeded pattern.
  const rows: Row[] = [];
  let state = 7;
  const next = () => (state = (Math.imul(state, 48271) % 2147483647) >>> 0) / 2147483647;
  for (let i = 0; i < 100; i++) rows.push([0, (i * 37) % 150, 4, i]);
  for (let u = 1; u < 40; u++)
    for (let t = 0; t < 30; t++) rows.push([u, Math.floor(next() * 150), 4, 1000 * u + t]);
  const long = buildInteractionData(rows);
  const model = create();
  model.fit(long);
  const history = () => {
    const entries = [];
    for (let e = long.userPtr[0]!; e < long.userPtr[1]!; e++) entries.push(e);
    return entries.sort((x, y) => long.userTimes[y]! - long.userTimes[x]!).map((e) => long.userItems[e]!);
  };

  it('ranks as a newcomer with the same history, twice alike, a film rated again counted once', () => {
    const newest = history();
    const unrated = [...Array(150).keys()].find((item) => !newest.includes(item))!;
    const sinceKnown = foldIn([unrated, newest[5]!], [1, 0]);
    const newcomerHistory = [unrated, newest[5]!, ...newest.filter((item) => item !== newest[5])];
    const newcomer = model.recommendWithFoldIn(
      -1,
      foldIn(
        newcomerHistory,
        newcomerHistory.map((item) => (item === newest[5] ? 0 : 1)),
      ),
      10,
      new Set(),
    );
    for (let call = 0; call < 2; call++) {
      const known = model.recommendWithFoldIn(0, sinceKnown, 10, new Set());
      expect(list(known)).toEqual(list(newcomer));
      Array.from(known.scores).forEach((score, p) => expect(score).toBeCloseTo(newcomer.scores[p]!, 4));
    }
  });
});
