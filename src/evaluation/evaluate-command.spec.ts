import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AlgorithmResult,
  chooseModel,
  EvaluationUsageError,
  formatParams,
  formatTable,
  gapSeconds,
  primaryProtocolOf,
  runEvaluateCommand,
  runReplayCommand,
  selectAlgorithms,
  selectProtocols,
} from './evaluate-command.js';

const result = (
  algorithm: string,
  kind: AlgorithmResult['kind'],
  ndcg: number,
  protocol: AlgorithmResult['protocol'] = 'next-day',
): AlgorithmResult => ({
  protocol,
  algorithm,
  kind,
  params: {},
  precision: 0.1,
  recall: 0.2,
  ndcg,
  ndcgStandardError: 0.01,
  hitRate: 0.5,
  map: 0.05,
  coverage: 0.25,
  users: 42,
  eligibleUsers: 42,
  fitSeconds: 1.5,
});

describe('selectAlgorithms', () => {
  it('takes all by default, or the named ones', () => {
    expect(selectAlgorithms(undefined).map((a) => a.name)).toContain('popularity');
    expect(selectAlgorithms(' popularity ').map((a) => a.name)).toEqual(['popularity']);
    expect(selectAlgorithms(undefined).at(-1)?.name).toBe('session-aware');
  });

  it('refuses unknown names and empty items', () => {
    expect(() => selectAlgorithms('popularity,magic')).toThrow(EvaluationUsageError);
    expect(() => selectAlgorithms('popularity,magic')).toThrow(/unknown algorithm\(s\): magic; available: /);
    expect(() => selectAlgorithms('popularity,')).toThrow(EvaluationUsageError);
  });
});

describe('chooseModel', () => {
  it('picks the best NDCG among the personalised models, never a baseline', () => {
    expect(
      chooseModel([
        result('popularity', 'baseline', 0.3),
        result('a', 'personalised', 0.1),
        result('b', 'personalised', 0.2),
      ]),
    ).toBe('b');
    expect(chooseModel([result('popularity', 'baseline', 0.3)])).toBeNull();
  });
});

describe('formatTable', () => {
  it('lays out one row per protocol and algorithm with the NDCG standard error', () => {
    const table = formatTable([{ ...result('popularity', 'baseline', 0.0761), params: { a: 1, b: 'x' } }]);
    const [header, row] = table.split('\n');
    expect(header).toMatch(
      /^protocol\s+algorithm\s+params\s+P@10\s+R@10\s+NDCG@10 ± se\s+HR@10\s+MAP@10\s+coverage\s+users\s+fit s$/,
    );
    expect(row).toMatch(
      /^next-day\s+popularity\s+a=1,b=x\s+0\.1000\s+0\.2000\s+0\.0761 ± 0\.0100\s+0\.5000\s+0\.0500\s+0\.2500\s+42\s+1\.50$/,
    );
    expect(formatParams({})).toBe('-');
  });
});

describe('runEvaluateCommand', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'movie-reco-eval-command-'));
    // 12 movies; users 1–8 rate 6–9 movies each, a day apart, popular movies (low ids) first.
    const movies = ['movieId,title,genres'];
    for (let m = 1; m <= 12; m++) movies.push(`${m},Movie ${m} (2000),${m % 2 ? 'Drama' : 'Comedy'}`);
    const ratings = ['userId,movieId,rating,timestamp'];
    for (let u = 1; u <= 8; u++) {
      for (let i = 0; i < 6 + (u % 4); i++) {
        const movie = ((u + i) % 12) + 1;
        ratings.push(`${u},${movie},${(i + u) % 2 ? 4.5 : 3},${978307200 + (u * 20 + i) * 86400}`);
      }
    }
    mkdirSync(join(root, 'data'));
    writeFileSync(join(root, 'data', 'movies.csv'), movies.join('\n'));
    writeFileSync(join(root, 'data', 'ratings.csv'), ratings.join('\n'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('replays the ratings after --from, each variant in the table and the JSON report', async () => {
    const out: string[] = [];
    const json = join(root, 'replay.json');
    await runReplayCommand(
      { source: join(root, 'data'), protocol: 'replay', from: '2001-04-01', json, lowWeights: '1,0' },
      { out: (text) => out.push(text), log: () => undefined },
    );
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      protocol: { cut: string };
      replay: {
        variant: string;
        algorithm: string;
        low_weight?: number;
        events: number;
        new: { users: number };
      }[];
    };
    expect(report.protocol.cut).toBe('2001-04-01T00:00:00.000Z');
    expect(report.replay.map((r) => `${r.variant} ${r.algorithm} ${r.low_weight ?? '-'}`)).toEqual([
      'popularity popularity -',
      'nightly ease -',
      'fold-in ease 1',
      'fold-in ease 0',
      'nightly session-aware -',
      'served session-aware 1',
      'served session-aware 0',
    ]);
    // Users 5–8 rate only after the cut: each of their ratings >= 4 after their first is an event.
    expect(report.replay[0]!.events).toBeGreaterThan(0);
    expect(report.replay[0]!.new.users).toBeGreaterThan(0);
    expect(out.join('\n')).toMatch(/^variant\s+algorithm/);
  });

  it('refuses a replay without a cut, a cut outside the data, or --from with another protocol', async () => {
    const io = { out: () => undefined, log: () => undefined };
    const source = join(root, 'data');
    await expect(runReplayCommand({ source, protocol: 'replay' }, io)).rejects.toThrow(/needs --from/);
    await expect(runReplayCommand({ source, protocol: 'replay', from: '2001-02-30' }, io)).rejects.toThrow(
      EvaluationUsageError,
    );
    await expect(runReplayCommand({ source, protocol: 'replay', from: '1990' }, io)).rejects.toThrow(
      /0 ratings to train on/,
    );
    await expect(
      runReplayCommand({ source, protocol: 'replay', from: '2001', lowWeights: '2' }, io),
    ).rejects.toThrow(/--low-weights/);
    await expect(
      runReplayCommand({ source, protocol: 'replay', from: '2001', algorithms: 'item-knn' }, io),
    ).rejects.toThrow(/folds ratings into ease, ease-seq, session-aware only/);
    await expect(runEvaluateCommand({ source, from: '2001' }, io)).rejects.toThrow(
      /go with --protocol replay/,
    );
  });

  it('evaluates, prints the table and the choice, and writes the JSON report', async () => {
    const out: string[] = [];
    const log: string[] = [];
    const jsonFile = join(root, 'report.json');
    const report = await runEvaluateCommand(
      { source: join(root, 'data'), json: jsonFile, algorithms: 'popularity' },
      { out: (text) => out.push(text), log: (text) => log.push(text) },
    );
    expect(out[0]).toMatch(/^protocol +algorithm .*\nsession +popularity .*\nnext-day +popularity /);
    expect(out[1]).toBe('No personalised model was evaluated; none would be chosen for known users.');
    expect(log[0]).toMatch(/^loaded .*: \d+ ratings, 12 movies/);
    expect(log).toContainEqual(expect.stringMatching(/^session popularity: NDCG@10 /));
    expect(log).toContainEqual(expect.stringMatching(/^next-day popularity: NDCG@10 /));
    const written = JSON.parse(readFileSync(jsonFile, 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(report)));
    expect(written).toMatchObject({
      dataset: { name: 'data', movies: 12 },
      protocol: { split: 'per-user temporal holdout', min_ratings: 5, test_fraction: 0.2, k: 10 },
      chosen: null,
    });
    expect(Object.keys(written.results[0]).sort()).toEqual(
      [
        'protocol',
        'algorithm',
        'params',
        'precision@10',
        'recall@10',
        'ndcg@10',
        'ndcg@10_se',
        'hit_rate@10',
        'map@10',
        'coverage',
        'users',
        'fit_seconds',
      ].sort(),
    );
    expect(written.results[0].users).toBeGreaterThan(0);
  });

  it('evaluates a seeded sample of users with --max-users, and says so', async () => {
    const log: string[] = [];
    const io = { out: () => undefined, log: (text: string) => log.push(text) };
    const all = await runEvaluateCommand({ source: join(root, 'data'), algorithms: 'popularity' }, io);
    const sampled = await runEvaluateCommand(
      { source: join(root, 'data'), algorithms: 'popularity', maxUsers: '3' },
      io,
    );
    expect(sampled.dataset).toMatchObject({ users: 3, sampled_from_users: all.dataset.users });
    expect(sampled.dataset.ratings).toBeLessThan(all.dataset.ratings);
    expect(log).toContainEqual(expect.stringMatching(/^a seeded sample of 3 of \d+ users: \d+ ratings$/));
    await expect(runEvaluateCommand({ source: join(root, 'data'), maxUsers: '0' }, io)).rejects.toThrow(
      /--max-users must be a whole number >= 1/,
    );
  });

  it("scores the pipeline's bundle by the path each protocol's users meet", async () => {
    const io = { out: () => undefined, log: () => undefined };
    const report = await runEvaluateCommand({ source: join(root, 'data'), algorithms: 'session-aware' }, io);
    expect(report.results.map((r) => [r.protocol, r.algorithm])).toEqual([
      ['session', 'session-aware'],
      ['next-day', 'session-aware'],
    ]);
    // In session ease-seq, its weight chosen in its fit; returning users EASE with relative λ.
    expect(report.results[0]!.params).toMatchObject({ weightSearchUsers: 3000, weight: expect.any(Number) });
    expect(report.results[1]!.params).toMatchObject({ relativeLambda: 20 });
    expect(report.chosen).toBe('session-aware');
  });

  it('chooses by the primary protocol it is given, and reports it', async () => {
    const out: string[] = [];
    const io = { out: (text: string) => out.push(text), log: () => undefined };
    const source = join(root, 'data');
    const byDefault = await runEvaluateCommand({ source, algorithms: 'ease,session-aware' }, io);
    expect(byDefault.protocol.primary).toBe('next-day');
    expect(out[1]).toMatch(/\(best next-day NDCG@10 among the personalised models\)\.$/);
    const bySession = await runEvaluateCommand(
      { source, algorithms: 'ease,session-aware', primary: 'session' },
      io,
    );
    expect(bySession.protocol.primary).toBe('session');
    expect(bySession.chosen).toBe(bySession.chosen_by_protocol['session']);
    expect(out[3]).toMatch(/\(best session NDCG@10 among the personalised models\)\.$/);
  });

  it('fails before any work on a bad list or a missing folder', async () => {
    const io = { out: () => undefined, log: () => undefined };
    await expect(runEvaluateCommand({ source: root, algorithms: 'nope' }, io)).rejects.toThrow(
      EvaluationUsageError,
    );
    await expect(runEvaluateCommand({ source: join(root, 'missing') }, io)).rejects.toThrow(/does not exist/);
    await expect(
      runEvaluateCommand({ source: join(root, 'data'), json: join(root, 'no', 'x.json') }, io),
    ).rejects.toThrow(/--json: the folder .* does not exist/);
  });
});

describe('protocol options', () => {
  it('takes session, next-day or both, and refuses anything else', () => {
    expect(selectProtocols(undefined)).toEqual(['session', 'next-day']);
    expect(selectProtocols('both')).toEqual(['session', 'next-day']);
    expect(selectProtocols('next-day')).toEqual(['next-day']);
    expect(() => selectProtocols('weekly')).toThrow(/--protocol must be one of session, next-day, both/);
  });

  it('reads the primary protocol as the pipeline does: EVALUATION_PROTOCOL, next-day unless set', () => {
    expect(primaryProtocolOf({})).toBe('next-day');
    expect(primaryProtocolOf({ EVALUATION_PROTOCOL: 'session' })).toBe('session');
    expect(() => primaryProtocolOf({ EVALUATION_PROTOCOL: 'weekly' })).toThrow(
      'EVALUATION_PROTOCOL="weekly": EVALUATION_PROTOCOL must be one of session, next-day',
    );
  });

  it('takes the next-day gap in days', () => {
    expect(gapSeconds(undefined)).toBe(86_400);
    expect(gapSeconds('0.5')).toBe(43_200);
    for (const bad of ['0', '-1', 'x', '', 'Infinity'])
      expect(() => gapSeconds(bad)).toThrow(EvaluationUsageError);
  });

  it('chooses by the primary protocol when both were evaluated', () => {
    const results = [
      result('ease-seq', 'personalised', 0.13, 'session'),
      result('ease', 'personalised', 0.1, 'session'),
      result('ease-seq', 'personalised', 0.07, 'next-day'),
      result('ease', 'personalised', 0.085, 'next-day'),
    ];
    expect(chooseModel(results)).toBe('ease');
    expect(chooseModel(results, 'session')).toBe('ease-seq');
    expect(chooseModel(results.slice(0, 2))).toBe('ease-seq');
  });
});
