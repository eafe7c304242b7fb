import { EaseRecommender, SharedGram } from './algorithms/ease.js';
import type { BlendWeightSearch } from './algorithms/blend-weight-search.js';
import { EASE_SEQ_DEFAULTS, EaseSeqRecommender, type EaseSeqParams } from './algorithms/ease-seq.js';
import { GenreKnnRecommender } from './algorithms/genre-knn.js';
import { GenrePopularityRecommender } from './algorithms/genre-popularity.js';
import { ItemKnnRecommender } from './algorithms/item-knn.js';
import { PopularityRecommender } from './algorithms/popularity.js';
import { GENRE_COUNT } from './algorithms/common.js';
import { joinChunks, modelAlgorithm, serializedChunks } from './algorithms/serialization.js';
import { canFoldIn, type FoldIn, hasLikedRating } from './fold-in.js';
import type { InteractionData, Recommendations, Recommender } from './model.js';

/**
 * What one model version serves: for known users a session model (a user rating right now) and a
 * returning-user model (one back after a while), item-item neighbours for similar movies,
 * popularity for unknown users, genre popularity for a genre taste; with the id maps and each user's
 * newest training rating time, which tells the two known-user paths apart.
 */
export interface ModelBundle {
  /** In-session path: what users rate next after their newest films, blended with EASE. */
  session: Recommender;
  /** Returning-user path: the model that wins the next-day protocol. */
  returning: Recommender;
  /** Seconds since the epoch of each user's newest training rating (by user index). */
  lastRated: Float64Array;
  similar: ItemKnnRecommender;
  popular: PopularityRecommender;
  taste: TasteModel;
  userIds: Int32Array;
  itemIds: Int32Array;
}

/**
 * The known-user model: ease-seq in session (it wins the session protocol), EASE for returning
 * users (it wins the next-day protocol; docs/evaluation.md).
 */
export const BUNDLE_ALGORITHM = 'session-aware';

/**
 * The session model's parameters plus the returning model's λ: `returningLambda` (fixed) or, by
 * default, `returningRelativeLambda` (relative to the data, EaseFitParams.relativeLambda).
 */
export type BundleParams = Partial<EaseSeqParams> & {
  returningLambda?: number;
  returningRelativeLambda?: number;
};
/**
 * The returning model's default relative λ, chosen on the next-day protocol: on ml-latest-small
 * λ 100–800 score alike (20 gives about 540 there), on a 3,000-user sample of the generated 25M set
 * λ ≈ 21× the kept items' mean count scores best; a fixed λ tuned on one fades on the other.
 */
const RETURNING_RELATIVE_LAMBDA = 20;

/**
 * The session model's default weightSearchUsers: unless MODEL_PARAMS gives `weight`, its fit
 * chooses the weight on the session holdout of a sample of this many users. ease-seq's fixed 0.5
 * won on ml-latest-small, where the search picks it again; on the generated 25M data 0.2 does
 * better (session NDCG@10 0.1081 against 0.0999). The sample bounds the search's extra fit at scale.
 */
export const SESSION_WEIGHT_SEARCH_USERS = 3_000;

/**
 * The session model's default relative λ (EaseFitParams.relativeLambda): on ml-latest-small it is
 * about the fixed λ 250 ease-seq was tuned with there (and scores alike), and unlike that λ it keeps
 * its strength on larger data (on the generated 25M set's sample it moves the session path above
 * item-item KNN).
 */
const SESSION_RELATIVE_LAMBDA = 10;

/**
 * The session model's parameters in `session`, with the weight search and the relative λ on by
 * default: an explicit `weight` (or weightSearchUsers), `lambda` (or relativeLambda) is the
 * operator's and is kept as given.
 */
function sessionParams<T extends Record<string, unknown>>(session: T): T {
  const given = (name: string) => session[name] !== undefined;
  return {
    ...session,
    ...(given('weight') || given('weightSearchUsers')
      ? {}
      : { weightSearchUsers: SESSION_WEIGHT_SEARCH_USERS }),
    ...(given('lambda') || given('relativeLambda') ? {} : { relativeLambda: SESSION_RELATIVE_LAMBDA }),
  };
}

/**
 * Every parameter of a bundle of `params`, defaults included, so a registered version says exactly
 * what was trained: a searched weight is not among them (the fit chooses it; the run reports it),
 * nor `lambda` when λ is relative.
 */
export function fullBundleParams(params: BundleParams): Record<string, number> {
  const returning =
    params.returningLambda === undefined ? { returningRelativeLambda: RETURNING_RELATIVE_LAMBDA } : {};
  const { weight, lambda, ...defaults } = EASE_SEQ_DEFAULTS;
  const full = sessionParams({ ...returning, ...params } as Record<string, number>);
  return {
    ...defaults,
    ...((full['weightSearchUsers'] ?? 0) > 0 ? {} : { weight }),
    ...((full['relativeLambda'] ?? 0) > 0 ? {} : { lambda }),
    ...full,
  };
}

/** Which known-user path a protocol measures: session → in-session, next-day → returning. */
export type KnownUserPath = 'session' | 'returning';

/**
 * The single algorithm and parameters that serve `path` of a registered version, so the offline
 * protocols score what each path serves. Versions of other algorithms serve one model on both.
 */
export function pathSpec(
  algorithm: string,
  params: Readonly<Record<string, number | string | boolean>>,
  path: KnownUserPath,
): { algorithm: string; params: Record<string, number | string | boolean> } {
  if (algorithm !== BUNDLE_ALGORITHM) return { algorithm, params: { ...params } };
  const { returningLambda, returningRelativeLambda, ...session } = params;
  if (path === 'session') return { algorithm: 'ease-seq', params: sessionParams(session) };
  return {
    algorithm: 'ease',
    params: {
      ...(returningLambda === undefined
        ? { relativeLambda: returningRelativeLambda ?? RETURNING_RELATIVE_LAMBDA }
        : { lambda: returningLambda }),
      ...pick(session, ['minItemCount', 'cacheSize', 'maxItems', 'memoryBudgetMB']),
    },
  };
}

function pick<T extends Record<string, unknown>>(object: T, keys: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => keys.includes(key))) as Partial<T>;
}

/** What answers a newcomer's genre taste: genre popularity, or genre KNN in bundles written before it. */
type TasteModel = GenrePopularityRecommender | GenreKnnRecommender;

/** Taste models a stored bundle may hold: the current one and that of earlier versions. */
const TASTE_MODELS: Record<string, (bytes: Uint8Array) => TasteModel> = {
  'genre-popularity': (bytes) => GenrePopularityRecommender.deserialize(bytes),
  'genre-knn': (bytes) => GenreKnnRecommender.deserialize(bytes),
};

/** Known-user models a stored bundle may hold: the current one and those of earlier versions. */
const KNOWN_USER_MODELS: Record<string, (bytes: Uint8Array) => Recommender> = {
  'ease-seq': (bytes) => EaseSeqRecommender.deserialize(bytes),
  ease: (bytes) => EaseRecommender.deserialize(bytes),
};

/** The models of a bundle, each fitted on its own (so they can be fitted in parallel). */
const BUNDLE_MODELS = ['session', 'returning', 'similar', 'popular', 'taste'] as const;
export type BundleModel = (typeof BUNDLE_MODELS)[number];

type BundleModels = Pick<ModelBundle, Exclude<BundleModel, 'session'>> & { session: EaseSeqRecommender };

function unfitted(params: BundleParams): BundleModels {
  const session = pathSpec(BUNDLE_ALGORITHM, params, 'session').params;
  const returning = pathSpec(BUNDLE_ALGORITHM, params, 'returning').params;
  return {
    session: new EaseSeqRecommender(session as Partial<EaseSeqParams>),
    returning: new EaseRecommender(returning),
    similar: new ItemKnnRecommender(),
    popular: new PopularityRecommender(),
    taste: new GenrePopularityRecommender(),
  };
}

export interface FittedBundleModels<T = Uint8Array> {
  models: Partial<Record<BundleModel, T>>;
  /** The session model's weight search, when it was fitted and searched. */
  weightSearch?: BlendWeightSearch;
}

/**
 * Fits the `models` of a bundle of `params` on `data`, each serialized and handed to `store` as
 * chunks (serializedChunks: views of the model's arrays, valid during the call; joined into bytes
 * by default). A model is let go once stored, so the next one fits beside what `store` keeps only
 * (an EASE fit holds an m×m Float64 buffer).
 */
export function fitBundleModels<T = Uint8Array>(
  data: InteractionData,
  params: BundleParams,
  models: readonly BundleModel[],
  onFitted: (model: BundleModel) => void = () => undefined,
  store: (model: BundleModel, chunks: Uint8Array[]) => T = (_, chunks) => joinChunks(chunks) as T,
): FittedBundleModels<T> {
  const fitted: Partial<Record<BundleModel, T>> = {};
  const gram = sharedGram(models);
  let weightSearch: BlendWeightSearch | undefined;
  for (const name of models) {
    const model = unfitted(params)[name];
    fitModel(model, data, gram);
    if (model instanceof GenrePopularityRecommender) model.forgetUsers();
    if (model instanceof EaseSeqRecommender) weightSearch = model.weightSearch;
    fitted[name] = store(name, serializedChunks(model));
    onFitted(name);
  }
  return { models: fitted, ...(weightSearch ? { weightSearch } : {}) };
}

export function fitBundle(data: InteractionData, params: BundleParams): ModelBundle {
  const bundle: ModelBundle = {
    ...unfitted(params),
    lastRated: lastRatingTimes(data),
    userIds: data.userIds,
    itemIds: data.itemIds,
  };
  const gram = sharedGram(BUNDLE_MODELS);
  for (const name of BUNDLE_MODELS) fitModel(bundle[name], data, gram);
  bundle.taste.forgetUsers();
  return bundle;
}

/** The Gram the EASE models among `models` share: computed once when both are fitted together. */
function sharedGram(models: readonly BundleModel[]): SharedGram {
  return new SharedGram(models.filter((name) => name === 'session' || name === 'returning').length);
}

function fitModel(model: BundleModels[BundleModel], data: InteractionData, gram: SharedGram): void {
  if (model instanceof EaseRecommender || model instanceof EaseSeqRecommender) model.fit(data, gram);
  else model.fit(data);
}

/** Each user's newest rating time in the training data. */
export function lastRatingTimes(data: InteractionData): Float64Array {
  const last = new Float64Array(data.numUsers).fill(Number.NEGATIVE_INFINITY);
  for (let u = 0; u < data.numUsers; u++) {
    for (let e = data.userPtr[u]!; e < data.userPtr[u + 1]!; e++)
      last[u] = Math.max(last[u]!, data.userTimes[e]!);
  }
  return last;
}

const PART_ALIGN = 8;
const alignUp = (n: number) => Math.ceil(n / PART_ALIGN) * PART_ALIGN;

const bytesOf = (array: Int32Array | Float64Array) =>
  new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/** A bundle as stored: each model serialized, with the id maps and the users' newest rating times. */
export interface SerializedBundle {
  models: Record<BundleModel, Uint8Array>;
  userIds: Int32Array;
  itemIds: Int32Array;
  lastRated: Float64Array;
}

export function serializeBundle(bundle: ModelBundle): Uint8Array {
  const models = Object.fromEntries(BUNDLE_MODELS.map((name) => [name, bundle[name].serialize()]));
  return encodeBundle({ ...bundle, models: models as SerializedBundle['models'] });
}

/**
 * Layout: a 4-byte header length, a JSON header of part sizes and their alignment, then, each at a
 * multiple of that alignment, the session, similar, popular and taste models, the id maps, the returning-user model and the users' newest rating times
 * (bundles written before the returning path end at the id maps; they load with the one session
 * model serving both paths).
 */
export function encodeBundle(bundle: SerializedBundle): Uint8Array {
  return joinChunks(layOutBundle(bundleParts(bundle), (part) => part.byteLength));
}

/** A bundle's parts in their stored order, whatever holds each model's bytes (memory, a file). */
export function bundleParts<T>(
  bundle: Omit<SerializedBundle, 'models'> & { models: Record<BundleModel, T> },
): (T | Uint8Array)[] {
  const { models } = bundle;
  return [
    models.session,
    models.similar,
    models.popular,
    models.taste,
    bytesOf(bundle.userIds),
    bytesOf(bundle.itemIds),
    models.returning,
    bytesOf(bundle.lastRated),
  ];
}

/**
 * encodeBundle's bytes as pieces to write one after another: the header, then each of `parts`
 * after the zero padding that aligns it. A large bundle can so be written out a piece at a time.
 */
export function layOutBundle<T>(parts: readonly T[], sizeOf: (part: T) => number): (T | Uint8Array)[] {
  const sizes = parts.map(sizeOf);
  // Every part starts at a multiple of PART_ALIGN, so a loaded model's arrays can be views of the
  // artifact's bytes (serialization.ts decodeModel) rather than a second copy.
  const json = new TextEncoder().encode(JSON.stringify({ sizes, align: PART_ALIGN }));
  const header = new Uint8Array(4 + json.byteLength);
  new DataView(header.buffer).setUint32(0, json.byteLength, true);
  header.set(json, 4);
  const pieces: (T | Uint8Array)[] = [header];
  let end = header.byteLength;
  parts.forEach((part, i) => {
    const padding = alignUp(end) - end;
    if (padding > 0) pieces.push(new Uint8Array(padding));
    pieces.push(part);
    end += padding + sizes[i]!;
  });
  return pieces;
}

export function deserializeBundle(bytes: Uint8Array): ModelBundle {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const { sizes, align = 1 } = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as {
    sizes: number[];
    /** Bundles written before parts were aligned have none. */
    align?: number;
  };
  let offset = 4 + headerLength;
  // Models are decoded from views of the bytes (their arrays then view them too); the id maps and
  // times are copied into buffers of their own.
  const next = () => {
    offset = Math.ceil(offset / align) * align;
    const part = bytes.subarray(offset, offset + sizes.shift()!);
    offset += part.byteLength;
    return part;
  };
  const session = deserializeKnownUserModel(next());
  const similar = ItemKnnRecommender.deserialize(next());
  const popular = PopularityRecommender.deserialize(next());
  const taste = deserializeTaste(next());
  const userIds = new Int32Array(next().slice().buffer);
  const itemIds = new Int32Array(next().slice().buffer);
  const hasReturningPath = sizes.length > 0;
  return {
    session,
    returning: hasReturningPath ? deserializeKnownUserModel(next()) : session,
    lastRated: hasReturningPath
      ? new Float64Array(next().slice().buffer)
      : new Float64Array(userIds.length).fill(Number.NEGATIVE_INFINITY),
    similar,
    popular,
    taste,
    userIds,
    itemIds,
  };
}

function deserializeTaste(bytes: Uint8Array): TasteModel {
  const algorithm = modelAlgorithm(bytes);
  const deserialize = TASTE_MODELS[algorithm];
  if (!deserialize) throw new Error(`a model bundle cannot hold a taste model "${algorithm}"`);
  return deserialize(bytes);
}

function deserializeKnownUserModel(bytes: Uint8Array): Recommender {
  const algorithm = modelAlgorithm(bytes);
  const deserialize = KNOWN_USER_MODELS[algorithm];
  if (!deserialize) throw new Error(`a model bundle cannot hold a known-user model "${algorithm}"`);
  return deserialize(bytes);
}

/**
 * What a deployment checks before a version is announced: every part answers a request with items
 * the bundle knows and finite scores. Returns the problems found (none = deployable).
 */
export function checkBundle(bundle: ModelBundle): string[] {
  const problems: string[] = [];
  const numItems = bundle.itemIds.length;
  const none = new Set<number>();
  const check = (part: string, answer: () => Recommendations, mayBeEmpty = false) => {
    try {
      const { items, scores } = answer();
      if (items.length === 0 && !mayBeEmpty && numItems > 0) problems.push(`${part}: empty answer`);
      if (items.some((item) => !(item >= 0 && item < numItems))) problems.push(`${part}: unknown item`);
      if (scores.some((score) => !Number.isFinite(score))) problems.push(`${part}: score not finite`);
    } catch (error) {
      problems.push(`${part}: ${(error as Error).message}`);
    }
  };
  if (bundle.userIds.length > 0) {
    check('session', () => bundle.session.recommend(0, 10, none));
    check('returning', () => bundle.returning.recommend(0, 10, none));
  }
  if (bundle.lastRated.length !== bundle.userIds.length) problems.push('lastRated: not one time per user');
  check('popular', () => bundle.popular.recommend(-1, 10, none));
  // A movie may have no neighbour at all: only the shape of the answer is checked.
  if (numItems > 0) check('similar', () => bundle.similar.similarItems(0, 10), true);
  check('taste', () => bundle.taste.recommendForTaste(new Float32Array(GENRE_COUNT).fill(1), 10, none));
  return problems;
}

/** Which part of a bundle ranks a user's list: see rankUser. */
export type UserPath = 'session' | 'returning' | 'new-user' | 'fallback';

/** A user at the moment a list is asked for. */
export interface UserMoment {
  /** The user's index in the bundle, or -1 for a user it never saw. */
  user: number;
  /** What they rated since the bundle was trained, newest first. */
  since: FoldIn;
  /** Seconds since the epoch of their newest rating since training, if any. */
  lastRatedAt?: number;
  /** Seconds since the epoch. */
  now: number;
}

export interface UserRankingOptions {
  /** A user who rated within this many seconds is in a session (0: never). */
  sessionSeconds: number;
  /** Rank from the ratings since training too (false: only exclude them, as a nightly model does). */
  foldIn: boolean;
}

/**
 * A user's top `k` as the service serves it, the one place the path is chosen (the API and the
 * replay protocol both call it): a user in session (newest rating, in training or since, at most
 * sessionSeconds ago) gets the session model, any other known user the returning model; with
 * fold-in each ranks from the training history plus the ratings since, and a user the model never
 * saw who sent a liked rating is ranked the same way ("new-user"); everyone
 * else gets the popularity fallback. Never a training item, a since item, nor one of `exclude`.
 */
export function rankUser(
  bundle: ModelBundle,
  moment: UserMoment,
  k: number,
  exclude: ReadonlySet<number>,
  options: UserRankingOptions,
): { path: UserPath; ranked: Recommendations } {
  const { user, since, lastRatedAt, now } = moment;
  const known = user >= 0 && user < bundle.userIds.length;
  // Only the paths that do not fold in need the ratings since as exclusions of their own.
  const excluded = () => (since.items.length === 0 ? exclude : new Set([...exclude, ...since.items]));
  if (!known && !(options.foldIn && hasLikedRating(since)))
    return { path: 'fallback', ranked: bundle.popular.recommend(-1, k, excluded()) };
  const newest = Math.max(
    known ? bundle.lastRated[user]! : Number.NEGATIVE_INFINITY,
    lastRatedAt ?? Number.NEGATIVE_INFINITY,
  );
  const inSession = options.sessionSeconds > 0 && now - newest <= options.sessionSeconds;
  const model = inSession ? bundle.session : bundle.returning;
  const path: UserPath = !known ? 'new-user' : inSession ? 'session' : 'returning';
  if (options.foldIn && canFoldIn(model))
    return { path, ranked: model.recommendWithFoldIn(user, since, k, exclude) };
  return { path, ranked: model.recommend(user, k, excluded()) };
}
