import { checkedModelParams } from './model-settings.js';

describe('checkedModelParams', () => {
  it('accepts known parameters in range', () => {
    expect(checkedModelParams({ lambda: 500, weight: 0.4 })).toEqual({ lambda: 500, weight: 0.4 });
  });

  it('names unknown parameters and the known ones', () => {
    expect(() => checkedModelParams({ lamda: 500 })).toThrow(
      /MODEL_PARAMS: unknown parameter lamda \(known: lambda, /,
    );
  });

  it('names every value out of range', () => {
    expect(() => checkedModelParams({ lambda: -5, weight: 1.5, window: 2.5 })).toThrow(
      /MODEL_PARAMS: lambda must be > 0, got -5[\s\S]*weight must be >= 0 and <= 1, got 1.5[\s\S]*window must be an integer >= 1, got 2.5/,
    );
  });

  it('takes the EASE size guards, range-checked', () => {
    expect(checkedModelParams({ maxItems: 8000, memoryBudgetMB: 4096 })).toEqual({
      maxItems: 8000,
      memoryBudgetMB: 4096,
    });
    expect(() => checkedModelParams({ maxItems: 0, memoryBudgetMB: -1 })).toThrow(
      /MODEL_PARAMS: maxItems must be an integer >= 1, got 0[\s\S]*MODEL_PARAMS: memoryBudgetMB must be > 0, got -1/,
    );
  });

  it("takes the returning model's lambda beside the session model's parameters", () => {
    expect(checkedModelParams({ lambda: 250, returningLambda: 100 })).toEqual({
      lambda: 250,
      returningLambda: 100,
    });
    expect(() => checkedModelParams({ returningLambda: 0 })).toThrow(
      /MODEL_PARAMS: returningLambda must be > 0, got 0/,
    );
    expect(checkedModelParams({ returningRelativeLambda: 10 })).toEqual({ returningRelativeLambda: 10 });
    expect(() => checkedModelParams({ returningLambda: 100, returningRelativeLambda: 10 })).toThrow(
      /MODEL_PARAMS: give returningLambda \(fixed\) or returningRelativeLambda \(relative to the data\), not both/,
    );
  });

  it('takes a fixed weight or the size of the weight search, not both', () => {
    expect(checkedModelParams({ weightSearchUsers: 500 })).toEqual({ weightSearchUsers: 500 });
    expect(checkedModelParams({ weight: 0.2, weightSearchUsers: 0 })).toEqual({
      weight: 0.2,
      weightSearchUsers: 0,
    });
    expect(() => checkedModelParams({ weight: 0.2, weightSearchUsers: 500 })).toThrow(
      /MODEL_PARAMS: give weight \(fixed\) or weightSearchUsers \(the fit chooses the weight\), not both/,
    );
  });
});
