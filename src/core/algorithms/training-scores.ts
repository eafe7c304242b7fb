/**
 * A known user's training-history scores (x_u·B over the kept columns), kept for the users most
 * recently ranked with a fold-in: a user who rates since training is ranked again on every list
 * they ask for, and a long history is what costs (each training rating is a row of B to add; the
 * ratings since are tens). Short histories are cheaper to add again than to keep.
 */
export class TrainingScores {
  private readonly byUser = new Map<number, Float64Array>();
  private readonly maxUsers: number;

  constructor(
    private readonly columns: number,
    budgetBytes = 64 * 2 ** 20,
  ) {
    this.maxUsers = Math.max(1, Math.floor(budgetBytes / (8 * Math.max(1, columns))));
  }

  /** Whether a history of `rows` training ratings is worth keeping. */
  static worthKeeping(rows: number): boolean {
    return rows > 64;
  }

  /** The user's scores, computed by `compute` into a zeroed array when not kept. */
  of(user: number, compute: (out: Float64Array) => void): Float64Array {
    let scores = this.byUser.get(user);
    if (scores) this.byUser.delete(user);
    else {
      scores = new Float64Array(this.columns);
      compute(scores);
      if (this.byUser.size >= this.maxUsers) this.byUser.delete(this.byUser.keys().next().value!);
    }
    this.byUser.set(user, scores);
    return scores;
  }
}
