import { decimal, defineSettings } from '../../config/declare/settings.js';

/** The promotion gate (src/registry/promotion-gate.ts). */
export const registrySettings = defineSettings(import.meta.url, {
  title: 'Promotion',
  settings: {
    PROMOTION_TOLERANCE: decimal({
      default: 0.005,
      min: 0,
      max: 1,
      description: "a candidate is promoted unless its NDCG@10 is below production's by more than this",
    }),
  },
  toConfig: (env) => ({ models: { promotionTolerance: env.PROMOTION_TOLERANCE } }),
});
