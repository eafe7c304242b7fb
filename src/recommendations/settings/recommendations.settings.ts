import { defineSettings, flag, integer } from '../../config/declare/settings.js';

/** Which model serves a known user, and the ratings since training folded into their lists. */
export const recommendationsSettings = defineSettings(import.meta.url, {
  title: 'Serving',
  settings: {
    SESSION_MINUTES: integer({
      default: 30,
      min: 0,
      max: 24 * 60,
      message: 'must be a whole number of minutes',
      description: 'a user who rated within this is served by the session model; 0 = nobody',
    }),
    /**
     * A rating sent or applied since training changes that user's next list at once: they are ranked
     * from their training history plus those ratings. false: those ratings are only left out of the
     * lists (as a nightly model would), for an A/B against the replay protocol.
     */
    FOLD_IN: flag({
      default: true,
      description: "ratings since training change the user's next list at once; `false`: only left out",
    }),
    /**
     * Every serving process holds at most this many ratings since training in memory; beyond it the
     * users who rated least recently are dropped whole (their next list comes from training only).
     */
    FOLD_IN_MAX_RATINGS: integer({
      default: 1_000_000,
      min: 1,
      max: 100_000_000,
      message: 'must be a whole number',
      description: 'ratings since training a process holds (65 MB a million); least recent users dropped',
    }),
    FOLD_IN_MAX_RATINGS_PER_USER: integer({
      default: 500,
      min: 1,
      max: 100_000,
      message: 'must be a whole number',
      description: 'ratings since training held per user; the oldest beyond are dropped',
    }),
  },
  toConfig: (env) => ({
    /**
     * How recent a known user's last rating must be for the session model to serve them; whether the
     * ratings since training are folded in, and how many are held.
     */
    serving: {
      sessionSeconds: env.SESSION_MINUTES * 60,
      foldIn: env.FOLD_IN,
      foldInLimits: { maxRatings: env.FOLD_IN_MAX_RATINGS, maxPerUser: env.FOLD_IN_MAX_RATINGS_PER_USER },
    },
  }),
});
