import { promotionDecision } from './promotion-gate.js';

describe('promotionDecision', () => {
  it('promotes the first version', () => {
    expect(promotionDecision(0.05, undefined, 0.005)).toEqual({
      promote: true,
      reason: 'first version (NDCG@10 0.0500)',
    });
  });

  it('promotes a better candidate and one worse by no more than the tolerance', () => {
    expect(promotionDecision(0.11, 0.1, 0.005).promote).toBe(true);
    expect(promotionDecision(0.096, 0.1, 0.005).promote).toBe(true);
    expect(promotionDecision(0.095, 0.1, 0.005).promote).toBe(true);
  });

  it('rejects a candidate worse by more than the tolerance, saying by how much', () => {
    expect(promotionDecision(0.09, 0.1, 0.005)).toEqual({
      promote: false,
      reason: "NDCG@10 0.0900 is worse than production's 0.1000 by more than 0.005",
    });
  });
});
