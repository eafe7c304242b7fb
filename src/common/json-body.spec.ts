import { checkJsonShape, MAX_JSON_DEPTH, MAX_JSON_VALUES } from './json-body.js';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
};

describe('checkJsonShape', () => {
  it('accepts the bodies of this API', () => {
    expect(checkJsonShape({ comedy: 2, drama: 0.5 })).toBeUndefined();
    expect(checkJsonShape({ movieId: 1, rating: 4.5 })).toBeUndefined();
    expect(checkJsonShape(null)).toBeUndefined();
    expect(checkJsonShape(nested(MAX_JSON_DEPTH))).toBeUndefined();
  });

  it('refuses JSON nested deeper than the limit, however deep, without overflowing itself', () => {
    expect(checkJsonShape(nested(MAX_JSON_DEPTH + 1))).toBe('the JSON body nests deeper than 8 levels');
    expect(checkJsonShape(nested(100_000))).toBe('the JSON body nests deeper than 8 levels');
    let arrays: unknown = [];
    for (let level = 0; level < 100_000; level++) arrays = [arrays];
    expect(checkJsonShape(arrays)).toBe('the JSON body nests deeper than 8 levels');
  });

  it('refuses more values than the limit', () => {
    expect(checkJsonShape(Array.from({ length: MAX_JSON_VALUES - 1 }, () => 0))).toBeUndefined();
    expect(checkJsonShape(Array.from({ length: MAX_JSON_VALUES }, () => 0))).toBe(
      'the JSON body has more than 1000 values',
    );
  });

  it('refuses a NUL in a string value or a key', () => {
    expect(checkJsonShape({ reason: 'a\u0000b' })).toBe('the JSON body has a NUL character in a string');
    expect(checkJsonShape({ 'a\u0000': 1 })).toBe('the JSON body has a NUL character in a string');
  });
});
