import { newListId } from './list-id.js';

describe('newListId', () => {
  it('makes UUIDs of version 7 that carry their millisecond and sort in time', () => {
    const at = Date.parse('2026-11-26T12:00:00.123Z');
    const id = newListId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    const later = [1, 2, 1000, 86_400_000].map((ms) => newListId(at + ms));
    expect([...later].sort()).toEqual(later);
    expect(later.every((next) => next > id)).toBe(true);
  });

  it('never repeats, within a millisecond and across the random pool', () => {
    const ids = Array.from({ length: 10_000 }, () => newListId(1_800_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
