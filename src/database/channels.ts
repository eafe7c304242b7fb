/**
 * PostgreSQL NOTIFY channels by which one process tells the others sharing the database what
 * changed, so each serving process keeps its in-memory state current without polling.
 */

/** Payload: the id of the model version that became production. */
export const PROMOTION_CHANNEL = 'movie_reco_model_promoted';

/** Payload: "userId:movieId:rating:epochSeconds" of a rating an API client just sent. */
export const RATING_CHANNEL = 'movie_reco_rating_sent';

/** Payload: the data version a batch was applied as. */
export const DATA_CHANNEL = 'movie_reco_data_applied';
