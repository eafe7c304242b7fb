/**
 * What every recommendation algorithm works on and answers, free of Nest and of I/O.
 *
 * Users and items are dense indices (0..numUsers-1, 0..numItems-1); `userIds` / `itemIds` map
 * them back to MovieLens ids. Interactions are a CSR matrix by user.
 */
export interface InteractionData {
  numUsers: number;
  numItems: number;
  /** index → MovieLens userId */
  userIds: Int32Array;
  /** index → MovieLens movieId */
  itemIds: Int32Array;
  /** CSR by user: the items of user u are userItems[userPtr[u] .. userPtr[u+1]). */
  userPtr: Int32Array;
  userItems: Int32Array;
  /** The rating (0.5–5) of each entry of userItems. */
  userRatings: Float32Array;
  /** Seconds since the epoch of each entry of userItems. */
  userTimes: Float64Array;
  /** Genre flags per item: itemGenres[i * GENRE_COUNT + g] = 1 when item i has genre g (GENRE_KEYS order). */
  itemGenres: Uint8Array;
}

export interface Recommendations {
  /** Item indices, best first. */
  items: Int32Array;
  /** The score of each, same order (higher is better; scale depends on the algorithm). */
  scores: Float32Array;
}

export interface Recommender {
  /** e.g. "popularity", "ease" */
  readonly algorithm: string;
  /** Hyper-parameters, as recorded in the registry. */
  readonly params: Readonly<Record<string, number | string | boolean>>;
  /** Learns from the data; may take seconds (run it off the request path). */
  fit(data: InteractionData): void;
  /**
   * The top `k` items for user index `user`, never one of `exclude` (the user's seen items).
   * A user index outside the training data gets what the algorithm gives a user with no history.
   */
  recommend(user: number, k: number, exclude: ReadonlySet<number>): Recommendations;
  /** The fitted model as bytes, loadable by the algorithm's `deserialize`. */
  serialize(): Uint8Array;
}
