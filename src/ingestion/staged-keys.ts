/**
 * What the reader learns about the keys of the rows it stages, so the checks after staging can skip
 * a pass over the whole staging table: the distinct movie ids (checked against the catalog), and
 * whether one user and movie can appear twice. A plain fold over the rows in file order; it keeps
 * one user's movies and the users already passed, and gives up (the database then does the work)
 * rather than grow past its bounds.
 */

/** What the staged rows' keys allow the checks to skip. */
export interface StagedKeysSummary {
  /** Every movie id among the staged rows; undefined when there were too many to keep. */
  movieIds?: number[];
  /** False only when no user and movie pair is staged twice. */
  mayHoldDuplicates: boolean;
}

/**
 * Past these the reader stops keeping ids and the database does the work: movie ids index a typed
 * array (4 bytes each, 16 MB at the bound; MovieLens 32M's largest id is under 300,000), users are
 * kept once each as their run ends.
 */
const MAX_TRACKED_MOVIE_ID = 4_000_000;
const MAX_TRACKED_USERS = 1_000_000;

export class StagedKeys {
  /**
   * By movie id: the number of the user run that last rated it (runs count from 1), 0 for a movie
   * not staged. One array answers both questions, "staged at all" and "twice in this run".
   */
  private lastRun: Int32Array;
  private tracking = true;
  /** Users whose run of rows has ended; undefined once duplicates are possible. */
  private passedUsers: Set<number> | undefined = new Set();
  private currentUser = -1;
  private run = 0;

  constructor(
    private readonly maxMovieId = MAX_TRACKED_MOVIE_ID,
    private readonly maxUsers = MAX_TRACKED_USERS,
  ) {
    this.lastRun = new Int32Array(Math.min(1024, maxMovieId + 1));
  }

  add(userId: number, movieId: number): void {
    if (!this.tracking) return;
    if (movieId >= this.lastRun.length && !this.grow(movieId)) return;
    // A file grouped by user (MovieLens' is sorted by user) proves the absence of duplicates one
    // user at a time; a user met again after another, or a movie twice in one run, ends the proof.
    if (userId !== this.currentUser && this.passedUsers) {
      if (this.currentUser !== -1) this.passedUsers.add(this.currentUser);
      if (this.passedUsers.has(userId) || this.passedUsers.size > this.maxUsers) this.passedUsers = undefined;
      this.currentUser = userId;
      this.run++;
    }
    if (this.passedUsers && this.lastRun[movieId] === this.run) this.passedUsers = undefined;
    this.lastRun[movieId] = this.run;
  }

  summary(): StagedKeysSummary {
    if (!this.tracking) return { mayHoldDuplicates: true };
    const movieIds: number[] = [];
    for (let id = 0; id < this.lastRun.length; id++) if (this.lastRun[id] !== 0) movieIds.push(id);
    return { movieIds, mayHoldDuplicates: this.passedUsers === undefined };
  }

  private grow(movieId: number): boolean {
    if (movieId > this.maxMovieId) {
      this.tracking = false;
      this.passedUsers = undefined;
      return false;
    }
    let length = this.lastRun.length;
    while (length <= movieId) length *= 2;
    const grown = new Int32Array(Math.min(length, this.maxMovieId + 1));
    grown.set(this.lastRun);
    this.lastRun = grown;
    return true;
  }
}
