/**
 * Ratings as four parallel typed arrays: what training reads from the database and hands to its
 * worker. At 25M ratings that is 500 MB, where as many `RatingInput` objects take several GB and
 * are slow to copy between threads.
 */
export interface RatingColumns {
  length: number;
  userIds: Int32Array;
  movieIds: Int32Array;
  ratings: Float32Array;
  /** Seconds since the Unix epoch. */
  timestamps: Float64Array;
}

/** Appends ratings one at a time into arrays that double as they fill; `finish` trims them. */
export class RatingColumnsBuilder {
  private size = 0;
  private columns: RatingColumns;

  constructor(capacity = 1024) {
    this.columns = allocate(Math.max(1, capacity));
  }

  push(userId: number, movieId: number, rating: number, timestamp: number): void {
    if (this.size === this.columns.length) this.grow();
    const c = this.columns;
    c.userIds[this.size] = userId;
    c.movieIds[this.size] = movieId;
    c.ratings[this.size] = rating;
    c.timestamps[this.size] = timestamp;
    this.size++;
  }

  /**
   * The ratings appended, in arrays over one SharedArrayBuffer: handed to several worker threads,
   * they are shared, not copied.
   */
  finish(): RatingColumns {
    const c = this.columns;
    const n = this.size;
    const shared = new SharedArrayBuffer(n * (4 + 4 + 4 + 8));
    const timestamps = new Float64Array(shared, 0, n);
    const userIds = new Int32Array(shared, n * 8, n);
    const movieIds = new Int32Array(shared, n * 12, n);
    const ratings = new Float32Array(shared, n * 16, n);
    timestamps.set(c.timestamps.subarray(0, n));
    userIds.set(c.userIds.subarray(0, n));
    movieIds.set(c.movieIds.subarray(0, n));
    ratings.set(c.ratings.subarray(0, n));
    return { length: n, userIds, movieIds, ratings, timestamps };
  }

  private grow(): void {
    const old = this.columns;
    const next = allocate(old.length * 2);
    next.userIds.set(old.userIds);
    next.movieIds.set(old.movieIds);
    next.ratings.set(old.ratings);
    next.timestamps.set(old.timestamps);
    this.columns = next;
  }
}

function allocate(length: number): RatingColumns {
  return {
    length,
    userIds: new Int32Array(length),
    movieIds: new Int32Array(length),
    ratings: new Float32Array(length),
    timestamps: new Float64Array(length),
  };
}
