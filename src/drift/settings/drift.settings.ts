import { decimal, defineSettings, integer } from '../../config/declare/settings.js';

/** When a batch's drift is measured, and when it is flagged (src/drift/drift.ts). */
export const driftSettings = defineSettings(import.meta.url, {
  title: 'Drift',
  settings: {
    DRIFT_PSI_THRESHOLD: decimal({
      default: 0.2,
      min: 0,
      message: 'must be a number',
      description: 'PSI above which a drift measure is flagged',
    }),
    DRIFT_MIN_SAMPLE: integer({
      default: 1000,
      min: 1,
      message: 'must be a whole number',
      description: 'fewest ratings a batch needs for its drift to be measured',
    }),
    DRIFT_KS_THRESHOLD: decimal({
      default: 0.3,
      min: 0,
      max: 1,
      message: 'must be a number',
      description: 'KS statistic above which a drift measure is flagged',
    }),
    /**
     * A batch whose share of ratings from users first seen in it is larger is flagged: a flood of
     * new accounts, or a sign-up campaign worth knowing of.
     */
    DRIFT_NEW_USER_SHARE_THRESHOLD: decimal({
      default: 0.95,
      min: 0,
      max: 1,
      message: 'must be a number',
      description: 'a batch with a larger share of ratings from new users is flagged (`NewUserFlood`)',
    }),
  },
  toConfig: (env) => ({
    /** Thresholds, and the fewest ratings a batch needs for its drift to be measured. */
    drift: {
      psi: env.DRIFT_PSI_THRESHOLD,
      ks: env.DRIFT_KS_THRESHOLD,
      newUserShare: env.DRIFT_NEW_USER_SHARE_THRESHOLD,
      minSample: env.DRIFT_MIN_SAMPLE,
    },
  }),
});
