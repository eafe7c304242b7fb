import { ALGORITHMS } from '../algorithm-list.js';
import { EaseRecommender } from './ease.js';
import { EaseSeqRecommender } from './ease-seq.js';
import { GenreKnnRecommender } from './genre-knn.js';
import { GenrePopularityRecommender } from './genre-popularity.js';
import { ItemKnnRecommender } from './item-knn.js';
import { PopularityRecommender } from './popularity.js';
import { describeRecommenderContract, type RecommenderContract } from './recommender-contract.js';

const NO_FOLD_IN = { not: 'a rating sent since training reaches it only through a new fit' };

/**
 * One entry per algorithm of the algorithm list (a new algorithm fails the contract until it has
 * one). Settings run besides the grid: the defaults, and ones that reach paths the grid misses on
 * the contract's fixture (small caches and neighbour lists, every item a column, recency weights).
 */
const CONTRACTS: Record<string, RecommenderContract> = {
  popularity: {
    settings: [{}],
    load: PopularityRecommender.deserialize,
    refusals: [[{ k: 10 }, 'invalid popularity parameters: unknown parameter k (it takes none)']],
    seenItems: { returned: 'popularity is not personal: the caller excludes what the user saw' },
    foldIn: NO_FOLD_IN,
  },
  'genre-knn': {
    settings: [{}, { search: 'exact' }, { search: 'exact', geometry: 'cosine' }],
    load: GenreKnnRecommender.deserialize,
    refusals: [
      [
        { geometry: 'euclidean' },
        'invalid genre-knn parameters: geometry must be one of "cosine", "profile", got "euclidean"',
      ],
    ],
    seenItems: 'never returned',
    foldIn: NO_FOLD_IN,
  },
  'genre-popularity': {
    settings: [{}],
    load: GenrePopularityRecommender.deserialize,
    refusals: [
      [
        { sharpness: Number.NaN },
        'invalid genre-popularity parameters: sharpness must be a finite number, got NaN',
      ],
    ],
    seenItems: 'never returned',
    foldIn: NO_FOLD_IN,
  },
  'item-knn': {
    settings: [{}, { neighbours: 2, minRatings: 2, weighting: 'binary' }],
    load: ItemKnnRecommender.deserialize,
    refusals: [
      [
        { neighbours: -3, weighting: 'cosine' },
        'invalid item-knn parameters: neighbours must be an integer >= 1, got -3; ' +
          'weighting must be one of "binary", "rating", got "cosine"',
      ],
    ],
    seenItems: 'never returned',
    foldIn: {
      not: 'someone who rated since is ranked through recommendForItems (item-knn.spec.ts), not the FoldIn interface',
    },
  },
  ease: {
    settings: [
      {},
      { lambda: 0.5, minItemCount: 1, cacheSize: 2, recencyHalfLife: 1 },
      { lambda: 0.5, minItemCount: 0, cacheSize: 0 },
      { minItemCount: 1, maxItems: 3, relativeLambda: 0.5 },
    ],
    load: EaseRecommender.deserialize,
    refusals: [
      [
        { lambda: -1, cacheSize: -2 },
        'invalid ease parameters: lambda must be > 0, got -1; cacheSize must be an integer >= 0, got -2',
      ],
    ],
    seenItems: 'never returned',
    foldIn: 'folds in',
  },
  'ease-seq': {
    settings: [
      {},
      { lambda: 0.5, minItemCount: 1, window: 2, decay: 0.5, neighbours: 2, recentHalfLife: 1, cacheSize: 2 },
      { minItemCount: 1, maxItems: 3, cacheSize: 0, weightSearchUsers: 8 },
    ],
    load: EaseSeqRecommender.deserialize,
    refusals: [
      [
        { weight: 2, window: 0 },
        'invalid ease-seq parameters: weight must be >= 0 and <= 1, got 2; window must be an integer >= 1, got 0',
      ],
    ],
    seenItems: 'never returned',
    foldIn: 'folds in',
  },
};

describe.each(ALGORITHMS.map((entry) => [entry.name, entry] as const))(
  '%s: the recommender contract',
  (name, entry) => {
    describeRecommenderContract(entry, CONTRACTS[name]);
  },
);

it('has a contract entry only for algorithms of the algorithm list', () => {
  expect(Object.keys(CONTRACTS).filter((name) => !ALGORITHMS.some((entry) => entry.name === name))).toEqual(
    [],
  );
});
