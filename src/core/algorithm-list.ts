/**
 * The algorithms this service can fit, with their parameter types: a factory from hyper-parameters and the grid tuned
 * on the inner split. Baselines (the floor every model is reported beside) are never the model
 * chosen for known users.
 */
import { type EaseParams, EaseRecommender } from './algorithms/ease.js';
import { type EaseSeqParams, EaseSeqRecommender } from './algorithms/ease-seq.js';
import { type GenreKnnParams, GenreKnnRecommender } from './algorithms/genre-knn.js';
import { type GenrePopularityParams, GenrePopularityRecommender } from './algorithms/genre-popularity.js';
import { ItemKnnRecommender, type ItemKnnParams } from './algorithms/item-knn.js';
import { type PopularityParams, PopularityRecommender } from './algorithms/popularity.js';
import type { Recommender } from './model.js';

type ParamValue = number | string | boolean;
export type Params = Readonly<Record<string, ParamValue>>;
/** Every combination of the listed values is a candidate setting. */
export type ParamGrid = Readonly<Record<string, readonly ParamValue[]>>;
export type RecommenderFactory = (params: Params) => Recommender;

export interface AlgorithmEntry {
  name: string;
  /** 'baseline': reported as the floor; 'personalised': a candidate for known users. */
  kind: 'baseline' | 'personalised';
  create: RecommenderFactory;
  grid: ParamGrid;
}

export const ALGORITHMS: readonly AlgorithmEntry[] = [
  {
    name: 'popularity',
    kind: 'baseline',
    create: (params: Params) => new PopularityRecommender(params as PopularityParams),
    grid: {},
  },
  {
    name: 'genre-knn',
    kind: 'baseline',
    create: (params: Params) => new GenreKnnRecommender(params as Partial<GenreKnnParams>),
    grid: { geometry: ['cosine', 'profile'] },
  },
  {
    name: 'genre-popularity',
    kind: 'baseline',
    create: (params: Params) => new GenrePopularityRecommender(params as Partial<GenrePopularityParams>),
    grid: { geometry: ['cosine', 'cover'], sharpness: [0.5, 1, 2, 4], weight: ['count', 'liked'] },
  },
  {
    name: 'item-knn',
    kind: 'personalised',
    create: (params: Params) => new ItemKnnRecommender(params as Partial<ItemKnnParams>),
    grid: { neighbours: [20, 50, 100, 200], weighting: ['binary', 'rating'] },
  },
  {
    name: 'ease',
    kind: 'personalised',
    create: (params: Params) => new EaseRecommender(params as Partial<EaseParams>),
    grid: { lambda: [100, 250, 500, 1000] },
  },
  {
    name: 'ease-seq',
    kind: 'personalised',
    create: (params: Params) => new EaseSeqRecommender(params as Partial<EaseSeqParams>),
    grid: { window: [100, 200], weight: [0.4, 0.5, 0.6] },
  },
];

export function findAlgorithm(name: string): AlgorithmEntry | undefined {
  return ALGORITHMS.find((entry) => entry.name === name);
}
