import { EaseRecommender, type EaseParams } from './algorithms/ease.js';
import { GenreKnnRecommender } from './algorithms/genre-knn.js';
import { ItemKnnRecommender } from './algorithms/item-knn.js';
import { PopularityRecommender } from './algorithms/popularity.js';
import type { InteractionData } from './model.js';

/**
 * What one model version serves: the personalised model for known users, item-item neighbours
 * for similar movies, popularity for unknown users, genre KNN for a genre taste; with the id maps.
 */
export interface ModelBundle {
  personal: EaseRecommender;
  similar: ItemKnnRecommender;
  popular: PopularityRecommender;
  taste: GenreKnnRecommender;
  userIds: Int32Array;
  itemIds: Int32Array;
}

export const BUNDLE_ALGORITHM = 'ease';

export function fitBundle(data: InteractionData, params: Partial<EaseParams>): ModelBundle {
  const bundle: ModelBundle = {
    personal: new EaseRecommender(params),
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
    personal: EaseRecommender.deserialize(next()),
    similar: ItemKnnRecommender.deserialize(next()),
    popular: PopularityRecommender.deserialize(next()),
    taste: GenreKnnRecommender.deserialize(next()),
    userIds: new Int32Array(next().buffer),
    itemIds: new Int32Array(next().buffer),
  };
}
