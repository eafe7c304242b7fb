/**
 * The contract every algorithm of the algorithm list passes (issue 23), after implicit's
 * RecommenderBaseTestMixin and lkpy's ScorerTests: what the Recommender interface (model.ts),
 * fold-in (fold-in.ts), the parameter rules (params.ts) and the artifact format (serialization.ts)
 * promise, checked the same way for each model. The per-model specs keep what is particular to each.
 *
 * Each model is created through its algorithm-list factory, fitted on one fixture (contractData)
 * at the settings of its contract entry and at every point of its grid, and asked for every user
 * (known, without history, never seen), for several k and several exclusions. A test helper: it
 * uses vitest's globals and, like fixtures.ts, stays out of the build and of the app.
 */
import type { AlgorithmEntry, Params } from '../algorithm-list.js';
import { canFoldIn, type FoldIn, type FoldInRecommender } from '../fold-in.js';
import type { InteractionData, Recommendations, Recommender } from '../model.js';
import { newcomerOrder } from './common.js';
import { ACTION, COMEDY, DRAMA } from './fixtures.js';
import { encodeModel, joinChunks, serializedChunks } from './serialization.js';
import { buildInteractionData, type Row } from './test-data.js';

/** The contract's checks, by the name a deviation refers to them. */
type ContractCheck =
  | 'parameters'
  | 'refusals'
  | 'fit'
  | 'lists'
  | 'scores best first'
  | 'top k and exclusions'
  | 'seen items'
  | 'ties'
  | 'repeatable'
  | 'serialization'
  | 'newcomers'
  | 'fold-in';

/** One case of a check: a setting, and the user asked (with how many training items) when it asks one. */
interface ContractCase {
  params: Params;
  user?: number;
  history: number;
}

/**
 * A check the model fails today, and why. Its cases run as a test that must fail (it.fails): the
 * deviation stays visible, and the day it is fixed that test fails until the entry is removed.
 * The check's other cases run as usual.
 */
interface ContractDeviation {
  check: ContractCheck;
  /** What deviates, and where it would be fixed. */
  reason: string;
  /** The cases it covers; every case of the check when absent. */
  where?: (c: ContractCase) => boolean;
}

/** What the contract needs to know of one algorithm beyond its entry in the algorithm list. */
export interface RecommenderContract {
  /** Settings run besides every point of the algorithm's grid: the defaults, and ones that reach paths the grid misses. */
  settings: readonly Params[];
  /** The algorithm's deserialize. */
  load: (bytes: Uint8Array) => Recommender;
  /** Parameters the factory refuses, each with the exact message it throws. */
  refusals: readonly (readonly [Params, string])[];
  /**
   * 'never returned': a user's training items never come back, even when not in `exclude`. Else
   * why they may: the model then gives every user the same list (the caller excludes what they saw).
   */
  seenItems: 'never returned' | { returned: string };
  /** 'folds in': the model is a FoldInRecommender; else why it is not. */
  foldIn: 'folds in' | { not: string };
  deviations?: readonly ContractDeviation[];
}

const DAY = 86_400;

/** Two items no data tells apart (same raters, ratings and genres; mirrored order): ties by index. */
const TWINS = [5, 6] as const;

/**
 * 14 users × 12 items, seeded: users 0–9 rate 5–8 of the items 0–4 and 7–10 a day apart (ratings
 * 1–5); users 10 and 11 rate 0, 1, 2 and then the twins in opposite orders, alike otherwise; user 12
 * is a new account (two ratings on the last day); user 13 has no history; item 11 (a film of the
 * catalog) nobody rated; item 8 has no genre.
 */
function contractData(): InteractionData {
  let seed = 23;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const ratings = [1, 2, 3, 3.5, 4, 4.5, 5];
  const rows: Row[] = [];
  for (let u = 0; u < 10; u++) {
    const films = [0, 1, 2, 3, 4, 7, 8, 9, 10];
    for (let i = films.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [films[i], films[j]] = [films[j]!, films[i]!];
    }
    const start = Math.floor(random() * 10);
    films.slice(0, 5 + Math.floor(random() * 4)).forEach((item, n) => {
      rows.push([u, item, ratings[Math.floor(random() * ratings.length)]!, (start + n) * DAY]);
    });
  }
  const [a, b] = TWINS;
  for (const [u, history] of [
    [10, [0, 1, 2, a, b]],
    [11, [0, 1, 2, b, a]],
  ] as const) {
    history.forEach((item, n) => rows.push([u, item, [4, 3, 5, 4, 4][n]!, (3 + n) * DAY]));
  }
  rows.push([12, 9, 5, 20 * DAY], [12, 1, 2, 20 * DAY + 60]);
  const genres = [
    [ACTION],
    [ACTION, COMEDY],
    [DRAMA],
    [COMEDY],
    [ACTION, DRAMA],
    [COMEDY, DRAMA],
    [COMEDY, DRAMA],
    [ACTION],
    [],
    [DRAMA, COMEDY, ACTION],
    [COMEDY],
    [ACTION, COMEDY],
  ];
  return buildInteractionData(rows, { numUsers: 14, genres });
}

const range = (n: number) => [...Array(n).keys()];

/** Users the data does not hold. */
function unknownUsers(data: InteractionData): number[] {
  return [-1, data.numUsers, data.numUsers + 1000];
}

function trainingItems(data: InteractionData, u: number): Set<number> {
  const known = u >= 0 && u < data.numUsers;
  return new Set(known ? data.userItems.subarray(data.userPtr[u]!, data.userPtr[u + 1]!) : []);
}

/** The k asked: none, negative, a few, every item, more than every item. */
function ks(data: InteractionData): number[] {
  return [0, -2, 1, 3, data.numItems, data.numItems + 5];
}

/** A list of items (or scores) as the contract's messages show it. */
const show = (values: Iterable<number>) => `[${[...values].join(',')}]`;

/** The exclusions asked of user u: none, their training items, the popular head, a spread, everything. */
function exclusions(data: InteractionData, u: number): Set<number>[] {
  const all = range(data.numItems);
  const sets = [
    new Set<number>(),
    trainingItems(data, u),
    new Set([1, 0, 9]),
    new Set(all.filter((i) => i % 3 === Math.abs(u) % 3)),
    new Set(all),
  ];
  return sets.filter((set, n) => sets.findIndex((other) => show(other) === show(set)) === n);
}

/** The grid's every combination of values (none for an empty grid). */
function gridPoints(entry: AlgorithmEntry): Params[] {
  if (Object.keys(entry.grid).length === 0) return [];
  let points: Params[] = [{}];
  for (const [name, values] of Object.entries(entry.grid)) {
    points = points.flatMap((point) => values.map((value) => ({ ...point, [name]: value })));
  }
  return points;
}

interface Fitted {
  label: string;
  params: Params;
  model: Recommender;
}

/** A fitted setting and a user to ask it about. */
type Asked<M extends Recommender = Recommender> = Fitted & { model: M; user: number; at: string };

/** Which cases a run of a check covers. */
type Keep = (c: ContractCase) => boolean;

/** Notes a broken promise, said where it broke (`where` is only called then), unless `kept`. */
type Note = (kept: boolean, where: () => string) => void;

type Check = (name: ContractCheck, title: string, run: (keep: Keep, note: Note) => void) => void;

/** Whether two answers hold the same items with the same scores, in the same order. */
function same(a: Recommendations, b: Recommendations): boolean {
  return (
    a.items.length === b.items.length &&
    a.scores.length === b.scores.length &&
    a.items.every((item, p) => item === b.items[p]) &&
    a.scores.every((score, p) => Object.is(score, b.scores[p]))
  );
}

/** The message `run` throws, or 'nothing thrown'. */
function thrown(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return 'nothing thrown';
}

const answer = (r: Recommendations) => `items ${show(r.items)} scores ${show(r.scores)}`;

/** At most this many broken promises are listed when a check fails (all are counted). */
const LISTED = 12;

/** Runs the contract for `entry`; a missing contract is one failing test. */
export function describeRecommenderContract(
  entry: AlgorithmEntry,
  contract: RecommenderContract | undefined,
): void {
  if (contract === undefined) {
    it('has a contract entry (recommender-contract.spec.ts)', () => {
      expect.fail(`algorithm "${entry.name}" is in the algorithm list but has no contract entry`);
    });
    return;
  }
  const data = contractData();
  const users = [...range(data.numUsers), ...unknownUsers(data)];
  const settings = [...contract.settings, ...gridPoints(entry)];
  let fittedModels: Fitted[] | undefined;
  /** Each setting fitted once on the fixture, on first use. */
  const fitted = (): Fitted[] =>
    (fittedModels ??= settings.map((params) => {
      const model = entry.create(params);
      model.fit(data);
      return { label: `${entry.name} ${JSON.stringify(params)}`, params, model };
    }));
  /** The settings `keep` admits. */
  const settingsKept = (keep: Keep) => fitted().filter(({ params }) => keep({ params, history: 0 }));
  /** Each fitted setting with each of `among`, the cases `keep` admits. */
  const asked = (keep: Keep, among = users): Asked[] =>
    fitted().flatMap((f) =>
      among
        .filter((user) => keep({ params: f.params, user, history: trainingItems(data, user).size }))
        .map((user) => ({ ...f, user, at: `${f.label}: user ${user}` })),
    );
  /** What a newcomer gets: the items by popularity among established users (common.ts). */
  const popularity = Array.from(newcomerOrder(data));
  const sameForEveryUser = contract.seenItems !== 'never returned';
  /** How many items user u can be given: all but the excluded ones (and their training items). */
  const available = (u: number, exclude: ReadonlySet<number>) => {
    const seen = sameForEveryUser ? new Set<number>() : trainingItems(data, u);
    return range(data.numItems).filter((i) => !exclude.has(i) && !seen.has(i)).length;
  };

  /** Runs one check over the cases `keep` admits, failing with the broken promises it noted. */
  const verify = (run: (keep: Keep, note: Note) => void, keep: Keep) => {
    const broken: string[] = [];
    run(keep, (kept, where) => {
      if (!kept) broken.push(where());
    });
    expect(broken.slice(0, LISTED), `${broken.length} broken (at most ${LISTED} listed)`).toEqual([]);
  };
  /** Registers a check: the cases a deviation covers as a test that must fail, the others as usual. */
  const check: Check = (name, title, run) => {
    const deviation = contract.deviations?.find((d) => d.check === name);
    if (deviation === undefined) {
      it(title, () => verify(run, () => true));
      return;
    }
    const where = deviation.where;
    if (where !== undefined)
      it(`${title} (outside the known deviation)`, () => verify(run, (c) => !where(c)));
    it.fails(`${title}: KNOWN DEVIATION, ${deviation.reason}`, () => verify(run, where ?? (() => true)));
  };

  check(
    'parameters',
    'reports its algorithm and the parameters it was given, at every point of its grid',
    (keep, note) => {
      for (const { label, params, model } of settingsKept(keep)) {
        note(model.algorithm === entry.name, () => `${label}: algorithm "${model.algorithm}"`);
        const missed = Object.keys(params).filter((name) => !Object.is(model.params[name], params[name]));
        note(missed.length === 0, () => `${label}: reports ${JSON.stringify(model.params)}`);
      }
    },
  );

  check(
    'refusals',
    'refuses unknown parameters and values out of range when created, naming each',
    (keep, note) => {
      const cases: [Params, (message: string) => boolean, string][] = [
        [
          { bogus: 1 },
          (message) => message.startsWith(`invalid ${entry.name} parameters: unknown parameter bogus (`),
          `invalid ${entry.name} parameters: unknown parameter bogus (…`,
        ],
        ...contract.refusals.map(([params, expected]): [Params, (message: string) => boolean, string] => [
          params,
          (message) => message === expected,
          expected,
        ]),
      ];
      for (const [params, matches, expected] of cases) {
        if (!keep({ params, history: 0 })) continue;
        const message = thrown(() => entry.create(params));
        note(matches(message), () => `${JSON.stringify(params)}: ${message}, not ${expected}`);
      }
    },
  );

  check(
    'fit',
    'leaves the data it is fitted on as it was, and fits it the same twice (same bytes)',
    (keep, note) => {
      const fresh = contractData();
      for (const { label, params, model } of settingsKept(keep)) {
        for (const [name, array] of Object.entries(fresh)) {
          const now = data[name as keyof InteractionData];
          note(JSON.stringify(now) === JSON.stringify(array), () => `${label}: the fit changed data.${name}`);
        }
        const again = entry.create(params);
        again.fit(contractData());
        const [first, second] = [model.serialize(), again.serialize()];
        note(
          first.length === second.length && first.every((byte, p) => byte === second[p]),
          () => `${label}: a second fit wrote other bytes`,
        );
      }
    },
  );

  check(
    'lists',
    'returns min(k, what is left) distinct items of the catalog, never an excluded one',
    (keep, note) => {
      for (const { model, user, at } of asked(keep)) {
        for (const exclude of exclusions(data, user)) {
          for (const k of ks(data)) {
            const call = `${at}, k ${k}, exclude ${show(exclude)}`;
            const { items, scores } = model.recommend(user, k, exclude);
            const want = Math.min(Math.max(k, 0), available(user, exclude));
            note(
              items instanceof Int32Array && scores instanceof Float32Array,
              () => `${call}: not typed arrays`,
            );
            note(items.length === want, () => `${call}: ${items.length} items, not ${want}`);
            note(
              scores.length === items.length,
              () => `${call}: ${scores.length} scores for ${items.length} items`,
            );
            note(new Set(items).size === items.length, () => `${call}: an item twice in ${show(items)}`);
            const wrong = Array.from(items).filter((i) => !(i >= 0 && i < data.numItems) || exclude.has(i));
            note(
              wrong.length === 0,
              () => `${call}: returned ${show(wrong)}, excluded or not in the catalog`,
            );
          }
        }
      }
    },
  );

  check('scores best first', 'gives finite scores, best first', (keep, note) => {
    for (const { model, user, at } of asked(keep)) {
      for (const exclude of exclusions(data, user)) {
        const { scores } = model.recommend(user, data.numItems, exclude);
        const ordered = scores.every((s, p) => Number.isFinite(s) && (p === 0 || s <= scores[p - 1]!));
        note(ordered, () => `${at}, exclude ${show(exclude)}: scores ${show(scores)}`);
      }
    }
  });

  check(
    'top k and exclusions',
    'gives as its top k the start of its longest list, and excluding items drops only them from it',
    (keep, note) => {
      for (const { model, user, at } of asked(keep)) {
        const full = Array.from(model.recommend(user, data.numItems, new Set()).items);
        for (const exclude of exclusions(data, user)) {
          const longest = Array.from(model.recommend(user, data.numItems, exclude).items);
          const call = `${at}, exclude ${show(exclude)}`;
          const expected = full.filter((i) => !exclude.has(i));
          note(show(longest) === show(expected), () => `${call}: ${show(longest)}, not ${show(expected)}`);
          for (const k of [1, 2, 3, 5]) {
            const top = Array.from(model.recommend(user, k, exclude).items);
            note(
              show(top) === show(longest.slice(0, k)),
              () => `${call}, k ${k}: ${show(top)}, not the start of ${show(longest)}`,
            );
          }
        }
      }
    },
  );

  if (contract.seenItems === 'never returned') {
    check(
      'seen items',
      "never returns a user's training items, even when they are not excluded",
      (keep, note) => {
        for (const { model, user, at } of asked(keep, range(data.numUsers))) {
          const seen = trainingItems(data, user);
          const back = Array.from(model.recommend(user, data.numItems, new Set()).items).filter((i) =>
            seen.has(i),
          );
          note(back.length === 0, () => `${at}: returned training items ${show(back)}`);
        }
      },
    );
  } else {
    const reason = contract.seenItems.returned;
    check(
      'seen items',
      `gives every user the same list, their training items included (${reason})`,
      (keep, note) => {
        for (const { model, user, at } of asked(keep)) {
          for (const exclude of exclusions(data, 0)) {
            const mine = model.recommend(user, data.numItems, exclude);
            const anyone = model.recommend(-1, data.numItems, exclude);
            note(
              same(mine, anyone),
              () => `${at}, exclude ${show(exclude)}: ${answer(mine)}, user -1 ${answer(anyone)}`,
            );
          }
        }
      },
    );
  }

  check('ties', 'ranks two items no data tells apart by index', (keep, note) => {
    const [first, second] = TWINS;
    const notRatingThem = users.filter((u) => !trainingItems(data, u).has(first));
    for (const { model, user, at } of asked(keep, notRatingThem)) {
      const items = Array.from(model.recommend(user, data.numItems, new Set()).items);
      note(
        items.indexOf(first) < items.indexOf(second),
        () => `${at}: ${second} before ${first} in ${show(items)}`,
      );
    }
  });

  check(
    'repeatable',
    'answers every call the same when asked again, in another order, by a second fit',
    (keep, note) => {
      for (const { label, params, model } of settingsKept(keep)) {
        const calls = users
          .filter((user) => keep({ params, user, history: trainingItems(data, user).size }))
          .flatMap((u) =>
            exclusions(data, u).flatMap((exclude) => ks(data).map((k) => [u, k, exclude] as const)),
          );
        const answers = calls.map(([u, k, exclude]) => model.recommend(u, k, exclude));
        const second = entry.create(params);
        second.fit(data);
        for (let c = calls.length - 1; c >= 0; c--) {
          const [u, k, exclude] = calls[c]!;
          const call = `${label}: user ${u}, k ${k}, exclude ${show(exclude)}`;
          const [again, other] = [model.recommend(u, k, exclude), second.recommend(u, k, exclude)];
          note(
            same(again, answers[c]!),
            () => `${call}: asked again, ${answer(again)}, first ${answer(answers[c]!)}`,
          );
          note(
            same(other, answers[c]!),
            () => `${call}: a second fit, ${answer(other)}, first ${answer(answers[c]!)}`,
          );
        }
      }
    },
  );

  check(
    'serialization',
    'loads its bytes back to the same parameters, lists and bytes, and refuses another algorithm’s bytes',
    (keep, note) => {
      for (const { label, model } of settingsKept(keep)) {
        const bytes = model.serialize();
        const copy = contract.load(bytes);
        note(copy.algorithm === entry.name, () => `${label}: loaded as "${copy.algorithm}"`);
        note(
          JSON.stringify(copy.params) === JSON.stringify(model.params),
          () => `${label}: loaded ${JSON.stringify(copy.params)}`,
        );
        const again = copy.serialize();
        note(
          again.length === bytes.length && again.every((b, p) => b === bytes[p]),
          () => `${label}: wrote other bytes`,
        );
        // What the training workers write, chunk by chunk, must be those same bytes.
        const chunked = joinChunks(serializedChunks(model));
        note(
          chunked.length === bytes.length && chunked.every((b, p) => b === bytes[p]),
          () => `${label}: its serialized chunks are other bytes`,
        );
      }
      for (const { model, user, at } of asked(keep)) {
        const copy = contract.load(model.serialize());
        for (const exclude of exclusions(data, user)) {
          for (const k of ks(data)) {
            const [loaded, fittedAnswer] = [
              copy.recommend(user, k, exclude),
              model.recommend(user, k, exclude),
            ];
            const call = `${at}, k ${k}, exclude ${show(exclude)}`;
            note(
              same(loaded, fittedAnswer),
              () => `${call}: loaded ${answer(loaded)}, fitted ${answer(fittedAnswer)}`,
            );
          }
        }
      }
      const other = encodeModel({ algorithm: `not-${entry.name}`, params: {}, meta: {} }, {});
      const message = thrown(() => contract.load(other));
      const expected = `serialized model is "not-${entry.name}", expected "${entry.name}"`;
      note(message === expected, () => `loading another algorithm's bytes: ${message}`);
    },
  );

  check(
    'newcomers',
    'answers users it never saw as one without history: with the popularity order (the cold-start list)',
    (keep, note) => {
      const empty = data.numUsers - 1;
      note(
        data.userPtr[empty] === data.userPtr[empty + 1],
        () => 'the fixture ends with a user without history',
      );
      for (const { model, at } of asked(keep, [empty])) {
        for (const exclude of exclusions(data, empty)) {
          for (const k of ks(data)) {
            const call = `${at}, k ${k}, exclude ${show(exclude)}`;
            const newcomer = model.recommend(empty, k, exclude);
            const order = popularity.filter((i) => !exclude.has(i)).slice(0, Math.max(k, 0));
            note(
              show(newcomer.items) === show(order),
              () => `${call}: ${show(newcomer.items)}, popularity ${show(order)}`,
            );
            for (const u of unknownUsers(data)) {
              const unknown = model.recommend(u, k, exclude);
              note(
                same(unknown, newcomer),
                () => `${call}: user ${u} ${answer(unknown)}, ${answer(newcomer)}`,
              );
            }
          }
        }
      }
    },
  );

  if (contract.foldIn === 'folds in') {
    describeFoldIn(data, users, check, asked, contract.load);
  } else {
    const reason = contract.foldIn.not;
    check('fold-in', `is not a FoldInRecommender (${reason})`, (keep, note) => {
      for (const { label, model } of settingsKept(keep))
        note(!canFoldIn(model), () => `${label} has recommendWithFoldIn`);
    });
  }
}

/** What a FoldInRecommender (fold-in.ts) promises of recommendWithFoldIn. */
function describeFoldIn(
  data: InteractionData,
  users: number[],
  check: Check,
  asked: (keep: Keep) => Asked[],
  load: (bytes: Uint8Array) => Recommender,
): void {
  const foldIn = (items: number[], weights = items.map(() => 1)): FoldIn => ({
    items: Int32Array.from(items),
    weights: Float32Array.from(weights),
  });
  /** What user u rated since training, newest first: nothing; a liked film; a liked and a low one; one again at 0. */
  const sinceOf = (u: number): FoldIn[] => {
    const seen = trainingItems(data, u);
    const unrated = range(data.numItems).filter((i) => !seen.has(i));
    return [
      foldIn([]),
      foldIn(unrated.slice(0, 1)),
      foldIn(unrated.slice(1, 3), [1, 0.5]),
      foldIn([...unrated.slice(3, 4), ...[...seen].slice(0, 1)], [1, 0]),
    ];
  };
  /** The asked models that fold in; one that does not is noted. */
  const foldInAsked = (keep: Keep, note: Note) =>
    asked(keep).filter((a): a is Asked<FoldInRecommender> => {
      note(canFoldIn(a.model), () => `${a.label} is not a FoldInRecommender`);
      return canFoldIn(a.model);
    });

  check('fold-in', 'folds in: nothing since answers as recommend()', (keep, note) => {
    for (const { model, user, at } of foldInAsked(keep, note)) {
      for (const k of ks(data)) {
        const [folded, plain] = [
          model.recommendWithFoldIn(user, foldIn([]), k, new Set([1])),
          model.recommend(user, k, new Set([1])),
        ];
        note(same(folded, plain), () => `${at}, k ${k}: ${answer(folded)}, recommend() ${answer(plain)}`);
      }
    }
  });

  check(
    'fold-in',
    'folds in: min(k, what is left) distinct items, never a training item, a since item or an excluded one',
    (keep, note) => {
      for (const { model, user, at } of foldInAsked(keep, note)) {
        for (const since of sinceOf(user)) {
          for (const exclude of exclusions(data, user)) {
            const out = new Set([...trainingItems(data, user), ...since.items, ...exclude]);
            for (const k of ks(data)) {
              const call = `${at}, since ${show(since.items)}, exclude ${show(exclude)}, k ${k}`;
              const { items, scores } = model.recommendWithFoldIn(user, since, k, exclude);
              const want = Math.min(Math.max(k, 0), data.numItems - out.size);
              note(items.length === want, () => `${call}: ${items.length} items, not ${want}`);
              note(
                scores.length === items.length,
                () => `${call}: ${scores.length} scores for ${items.length} items`,
              );
              note(new Set(items).size === items.length, () => `${call}: an item twice in ${show(items)}`);
              const wrong = Array.from(items).filter((item) => out.has(item));
              note(wrong.length === 0, () => `${call}: returned ${show(wrong)}`);
            }
          }
        }
      }
    },
  );

  check(
    'fold-in',
    'folds in: the same answers again, for every unknown user alike, and after serialize → deserialize',
    (keep, note) => {
      for (const { model, user, at } of foldInAsked(keep, note)) {
        const copy = load(model.serialize()) as FoldInRecommender;
        for (const since of sinceOf(user)) {
          const call = `${at}, since ${show(since.items)}`;
          const first = model.recommendWithFoldIn(user, since, 5, new Set([0]));
          const again = model.recommendWithFoldIn(user, since, 5, new Set([0]));
          note(same(again, first), () => `${call}: asked again, ${answer(again)}, first ${answer(first)}`);
          const loaded = copy.recommendWithFoldIn(user, since, 5, new Set([0]));
          note(same(loaded, first), () => `${call}: loaded ${answer(loaded)}, fitted ${answer(first)}`);
          const alike = user < 0 ? users.filter((u) => u < 0 || u >= data.numUsers) : [];
          for (const other of alike) {
            const theirs = model.recommendWithFoldIn(other, since, 5, new Set([0]));
            note(same(theirs, first), () => `${call}: user ${other} ${answer(theirs)}, ${answer(first)}`);
          }
        }
      }
    },
  );
}
