/** The outcome of comparing a candidate with the production version on the primary metric. */
export interface GateDecision {
  promote: boolean;
  reason: string;
}

/**
 * A candidate becomes production unless its NDCG@10 is worse than production's by more than
 * `tolerance` (absolute). With no production version, any candidate is promoted.
 */
export function promotionDecision(
  candidateNdcg: number,
  productionNdcg: number | undefined,
  tolerance: number,
  /** What the figures are, e.g. "next-day NDCG@10". */
  metric = 'NDCG@10',
): GateDecision {
  const candidate = candidateNdcg.toFixed(4);
  if (productionNdcg === undefined) {
    return { promote: true, reason: `first version (${metric} ${candidate})` };
  }
  const production = productionNdcg.toFixed(4);
  // 1e-12: a candidate worse by exactly the tolerance passes, whatever the float rounding.
  if (candidateNdcg >= productionNdcg - tolerance - 1e-12) {
    return {
      promote: true,
      reason: `${metric} ${candidate} vs production ${production}: within the tolerance of ${tolerance}`,
    };
  }
  return {
    promote: false,
    reason: `${metric} ${candidate} is worse than production's ${production} by more than ${tolerance}`,
  };
}
