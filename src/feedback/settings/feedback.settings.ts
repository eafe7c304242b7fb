import { defineSettings, integer } from '../../config/declare/settings.js';

/** How fast clients may send ratings, and how many of them a pipeline run adopts. */
export const feedbackSettings = defineSettings(import.meta.url, {
  title: 'Feedback',
  settings: {
    /** Rating writes (POST /users/:id/ratings) per client in any minute (sliding window). */
    FEEDBACK_RATE_LIMIT_PER_MINUTE: integer({
      default: 600,
      min: 1,
      message: 'must be a whole number',
      description: 'rating writes per client in any minute ([limits](api.md#limits))',
    }),
    FEEDBACK_USER_RATE_LIMIT_PER_MINUTE: integer({
      default: 60,
      min: 1,
      max: 10_000,
      message: 'must be a whole number',
      description: 'rating writes for one user, from any client, in any minute',
    }),
    /** The "minute" of the two limits above, in seconds: shorter only for tests. */
    FEEDBACK_RATE_LIMIT_WINDOW_SECONDS: integer({
      default: 60,
      min: 1,
      max: 3600,
      message: 'must be a whole number of seconds',
      description: 'the "minute" of the two limits above (shorter for tests)',
    }),
    FEEDBACK_MAX_ROWS_PER_RUN: integer({
      default: 100_000,
      min: 1,
      message: 'must be a whole number',
      description: 'pending ratings a pipeline run adopts, oldest first; the rest wait',
    }),
    /**
     * A pipeline run adopts the feedback of at most this many users the data does not know yet
     * (each grows the model); the others' ratings wait for the next run. 0: only known users'.
     */
    FEEDBACK_MAX_NEW_USERS_PER_RUN: integer({
      default: 1_000,
      min: 0,
      message: 'must be a whole number',
      description: 'new users whose ratings a run adopts (the others wait); 0 = known users only',
    }),
  },
  toConfig: (env) => ({
    /** Rating writes: `feedbackPerMinute` per client, `feedbackPerUser` per user in any window. */
    rateLimits: {
      feedbackPerMinute: env.FEEDBACK_RATE_LIMIT_PER_MINUTE,
      feedbackPerUser: env.FEEDBACK_USER_RATE_LIMIT_PER_MINUTE,
      feedbackWindowMs: env.FEEDBACK_RATE_LIMIT_WINDOW_SECONDS * 1000,
    },
    /** How much pending feedback one pipeline run adopts; the rest waits for the next run. */
    feedback: {
      maxRowsPerRun: env.FEEDBACK_MAX_ROWS_PER_RUN,
      maxNewUsersPerRun: env.FEEDBACK_MAX_NEW_USERS_PER_RUN,
    },
  }),
});
