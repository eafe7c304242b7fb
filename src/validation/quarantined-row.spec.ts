import { QUARANTINED_RAW_MAX, quarantinedRaw } from './quarantined-row.js';

describe('quarantinedRaw', () => {
  it('shows control characters as their pictures (PostgreSQL text cannot hold NUL)', () => {
    expect(quarantinedRaw('1,2,\0,\x07\x7f')).toBe('1,2,\u2400,\u2407\u2421');
  });

  it('keeps tabs and ordinary text as they are', () => {
    expect(quarantinedRaw('1,"Amélie",\t4')).toBe('1,"Amélie",\t4');
  });

  it('cuts a long row, marking the cut', () => {
    const shown = quarantinedRaw('x'.repeat(QUARANTINED_RAW_MAX * 3));
    expect(shown).toHaveLength(QUARANTINED_RAW_MAX + 1);
    expect(shown.endsWith('…')).toBe(true);
  });
});
