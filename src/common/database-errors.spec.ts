import { describe, expect, it } from 'vitest';
import { isOversizedAllocation } from './database-errors.js';

describe('isOversizedAllocation', () => {
  it('recognises the server refusing a buffer over its 1 GB limit, and nothing else', () => {
    expect(isOversizedAllocation(new Error('invalid memory alloc request size 1781515859'))).toBe(true);
    expect(isOversizedAllocation(new Error('duplicate key value violates unique constraint'))).toBe(false);
    expect(isOversizedAllocation(undefined)).toBe(false);
  });
});
