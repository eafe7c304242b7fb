import { defineSettings, integer, oneOf } from '../../config/declare/settings.js';

/** The offline protocols (src/core/protocol/split.ts): the gate and model choice rest on one. */
const EVALUATION_PROTOCOLS = ['session', 'next-day'] as const;

/** The pipeline's offline evaluation and its replay stage (docs/evaluation.md). */
export const evaluationSettings = defineSettings(import.meta.url, {
  title: 'Evaluation',
  settings: {
    /** The protocol the promotion gate decides on; both are measured and registered. */
    EVALUATION_PROTOCOL: oneOf(EVALUATION_PROTOCOLS, {
      default: 'next-day',
      message: `must be one of ${EVALUATION_PROTOCOLS.join(', ')}`,
      description: 'the offline protocol the promotion gate decides on (both are measured)',
    }),
    EVALUATION_MAX_USERS: integer({
      default: 10_000,
      min: 0,
      message: 'must be a whole number',
      description: "test users the pipeline's evaluation scores (seeded sample); 0 = all",
    }),
    EVALUATION_REPLAY_MAX_USERS: integer({
      default: 2_000,
      min: 0,
      message: 'must be a whole number',
      description: 'users whose events the replay stage ranks per batch (seeded sample); 0 = all',
    }),
    EVALUATION_REPLAY_BUDGET_SECONDS: integer({
      default: 60,
      min: 1,
      max: 86_400,
      message: 'must be a whole number of seconds',
      description:
        'the replay stage stops ranking after this long ([replay](evaluation.md#replay-in-the-pipeline))',
    }),
    EVALUATION_GAP_SECONDS: integer({
      default: 86_400,
      min: 60,
      max: 365 * 86_400,
      message: 'must be a whole number of seconds',
      description: "next-day protocol: test ratings this long or more after the user's last train rating",
    }),
  },
  toConfig: (env) => ({
    /**
     * The offline protocol the gate decides on, and the next-day protocol's gap; the replay stage's
     * sample of users (undefined = all) and time budget.
     */
    evaluation: {
      primaryProtocol: env.EVALUATION_PROTOCOL,
      gapSeconds: env.EVALUATION_GAP_SECONDS,
      maxUsers: env.EVALUATION_MAX_USERS === 0 ? undefined : env.EVALUATION_MAX_USERS,
      replay: {
        maxUsers: env.EVALUATION_REPLAY_MAX_USERS === 0 ? undefined : env.EVALUATION_REPLAY_MAX_USERS,
        budgetSeconds: env.EVALUATION_REPLAY_BUDGET_SECONDS,
      },
    },
  }),
});
