import { EaseRecommender } from './algorithms/ease.js';
import { EaseSeqRecommender, type EaseSeqParams } from './algorithms/ease-seq.js';
import { GenreKnnRecommender } from './algorithms/genre-knn.js';
import { ItemKnnRecommender } from './algorithms/item-knn.js';
import { PopularityRecommender } from './algorithms/popularity.js';
import { GENRE_COUNT } from './algorithms/common.js';
import { modelAlgorithm } from './algorithms/serialization.js';
import type { InteractionData, Recommendations, Recommender } from './model.js';

/**
 * What one model version serves: the personalised model for known users, item-item neighbours
 * for similar movies, popularity for unknown users, genre KNN for a genre taste; with the id maps.
 */
export interface ModelBundle {
  personal: Recommender;
  similar: ItemKnnRecommender;
  popular: PopularityRecommender;
  taste: GenreKnnRecommender;
  userIds: Int32Array;
  itemIds: Int32Array;
}

/** The model for known users: the one the offline evaluation chooses (docs/evaluation.md). */
export const BUNDLE_ALGORITHM = 'ease-seq';
export type BundleParams = Partial<EaseSeqParams>;

/** Personal models a stored bundle may hold: the current one and those of earlier versions. */
const PERSONAL_MODELS: Record<string, (bytes: Uint8Array) => Recommender> = {
  'ease-seq': (bytes) => EaseSeqRecommender.deserialize(bytes),
  ease: (bytes) => EaseRecommender.deserialize(bytes),
};

export function fitBundle(data: InteractionData, params: BundleParams): ModelBundle {
  const bundle: ModelBundle = {
    personal: new EaseSeqRecommender(params),
    similar: new ItemKnnRecommender(),
    popular: new PopularityRecommender(),
    taste: new GenreKnnRecommender(),
    userIds: data.userIds,
    itemIds: data.itemIds,
  };
  for (const model of [bundle.personal, bundle.similar, bundle.popular, bundle.taste]) model.fit(data);
  return bundle;
}

const PARTS = ['personal', 'similar', 'popular', 'taste'] as const;

/** Layout: a 4-byte header length, a JSON header of part sizes, then the parts and the id maps. */
export function serializeBundle(bundle: ModelBundle): Uint8Array {
  const parts = [
    ...PARTS.map((name) => bundle[name].serialize()),
    new Uint8Array(bundle.userIds.buffer, bundle.userIds.byteOffset, bundle.userIds.byteLength),
    new Uint8Array(bundle.itemIds.buffer, bundle.itemIds.byteOffset, bundle.itemIds.byteLength),
  ];
  const header = new TextEncoder().encode(JSON.stringify({ sizes: parts.map((part) => part.byteLength) }));
  const out = new Uint8Array(4 + header.byteLength + parts.reduce((sum, part) => sum + part.byteLength, 0));
  new DataView(out.buffer).setUint32(0, header.byteLength, true);
  out.set(header, 4);
  let offset = 4 + header.byteLength;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

export function deserializeBundle(bytes: Uint8Array): ModelBundle {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const { sizes } = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as {
    sizes: number[];
  };
  let offset = 4 + headerLength;
  const next = () => {
    const part = bytes.slice(offset, offset + sizes.shift()!);
    offset += part.byteLength;
    return part;
  };
  return {
    personal: deserializePersonal(next()),
    similar: ItemKnnRecommender.deserialize(next()),
    popular: PopularityRecommender.deserialize(next()),
    taste: GenreKnnRecommender.deserialize(next()),
    userIds: new Int32Array(next().buffer),
    itemIds: new Int32Array(next().buffer),
  };
}

function deserializePersonal(bytes: Uint8Array): Recommender {
  const algorithm = modelAlgorithm(bytes);
  const deserialize = PERSONAL_MODELS[algorithm];
  if (!deserialize) throw new Error(`a model bundle cannot hold a personal model "${algorithm}"`);
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
  if (bundle.userIds.length > 0) check('personal', () => bundle.personal.recommend(0, 10, none));
  check('popular', () => bundle.popular.recommend(-1, 10, none));
  // A movie may have no neighbour at all: only the shape of the answer is checked.
  if (numItems > 0) check('similar', () => bundle.similar.similarItems(0, 10), true);
  check('taste', () => bundle.taste.recommendForTaste(new Float32Array(GENRE_COUNT).fill(1), 10, none));
  return problems;
}
