import { checkParams, FROM_ARTIFACT, modelParams, paramProblems, type ParamRules } from './params.js';

interface Example {
  size: number;
  share: number;
  rate: number;
  mode: 'fast' | 'exact';
}

const RULES: ParamRules<Example> = {
  size: { min: 1, integer: true },
  share: { min: 0, max: 1 },
  rate: { min: 0, minExclusive: true },
  mode: { oneOf: ['fast', 'exact'] },
};
const DEFAULTS: Example = { size: 10, share: 0.5, rate: 1, mode: 'fast' };

describe('paramProblems', () => {
  it('accepts values in range, at inclusive bounds, and no values at all', () => {
    expect(paramProblems(RULES, { size: 1, share: 0, rate: 1e-9, mode: 'exact' })).toEqual([]);
    expect(paramProblems(RULES, { share: 1 })).toEqual([]);
    expect(paramProblems(RULES, {})).toEqual([]);
  });

  it('names unknown parameters, own keys only', () => {
    expect(paramProblems(RULES, { sise: 3, toString: 1 })).toEqual([
      'unknown parameter sise (known: size, share, rate, mode)',
      'unknown parameter toString (known: size, share, rate, mode)',
    ]);
    expect(paramProblems({}, { k: 1 })).toEqual(['unknown parameter k (it takes none)']);
  });

  it('describes each range it checks', () => {
    expect(paramProblems(RULES, { size: 0, share: 1.5, rate: 0 })).toEqual([
      'size must be an integer >= 1, got 0',
      'share must be >= 0 and <= 1, got 1.5',
      'rate must be > 0, got 0',
    ]);
    expect(paramProblems(RULES, { size: 2.5, share: -0.1, rate: -3 })).toEqual([
      'size must be an integer >= 1, got 2.5',
      'share must be >= 0 and <= 1, got -0.1',
      'rate must be > 0, got -3',
    ]);
  });

  it('rejects NaN, infinities and values of the wrong type', () => {
    expect(paramProblems(RULES, { size: NaN, share: Infinity, rate: -Infinity })).toEqual([
      'size must be a finite number, got NaN',
      'share must be a finite number, got Infinity',
      'rate must be a finite number, got -Infinity',
    ]);
    expect(paramProblems(RULES, { size: '10', rate: true, share: null, mode: 2 })).toEqual([
      'size must be a number, got "10"',
      'rate must be a number, got true',
      'share must be a number, got null',
      'mode must be one of "fast", "exact", got 2',
    ]);
  });

  it('rejects a value outside a choice', () => {
    expect(paramProblems(RULES, { mode: 'slow' })).toEqual([
      'mode must be one of "fast", "exact", got "slow"',
    ]);
  });
});

describe('modelParams', () => {
  it('overrides the defaults, keeping their order', () => {
    const params = modelParams('example', RULES, DEFAULTS, { mode: 'exact', size: 3 });
    expect(params).toEqual({ size: 3, share: 0.5, rate: 1, mode: 'exact' });
    expect(Object.keys(params)).toEqual(['size', 'share', 'rate', 'mode']);
  });

  it('throws one error naming the algorithm and every problem', () => {
    const bad = { size: -1, mode: 'slow' as Example['mode'] };
    const message =
      'invalid example parameters: size must be an integer >= 1, got -1; mode must be one of "fast", "exact", got "slow"';
    expect(() => modelParams('example', RULES, DEFAULTS, bad)).toThrow(new Error(message));
    expect(() => checkParams('example', RULES, bad)).toThrow(new Error(message));
    expect(() => checkParams('example', RULES, { size: 1 })).not.toThrow();
  });

  it('takes parameters read from an artifact as they are', () => {
    const stored = { size: -1, extra: 2 } as unknown as Partial<Example>;
    expect(modelParams('example', RULES, DEFAULTS, stored, FROM_ARTIFACT)).toEqual({
      ...DEFAULTS,
      ...stored,
    });
  });
});
