import { initialLoadEnd, periodAfter, periodContaining } from './periods.js';

const utc = (text: string) => new Date(`${text}T00:00:00Z`);

describe('periods', () => {
  it('finds the year, quarter and month containing a moment', () => {
    const at = new Date('2005-08-17T13:45:00Z');
    expect(periodContaining('year', at)).toEqual({
      label: '2005',
      start: utc('2005-01-01'),
      end: utc('2006-01-01'),
    });
    expect(periodContaining('quarter', at)).toEqual({
      label: '2005-Q3',
      start: utc('2005-07-01'),
      end: utc('2005-10-01'),
    });
    expect(periodContaining('month', at)).toEqual({
      label: '2005-08',
      start: utc('2005-08-01'),
      end: utc('2005-09-01'),
    });
  });

  it('steps over year boundaries', () => {
    expect(periodAfter('quarter', utc('2005-10-01'))).toMatchObject({
      label: '2005-Q4',
      end: utc('2006-01-01'),
    });
    expect(periodAfter('month', utc('2005-12-01'))).toMatchObject({
      label: '2005-12',
      end: utc('2006-01-01'),
    });
    expect(periodAfter('month', utc('2006-01-01'))).toMatchObject({
      label: '2006-01',
      end: utc('2006-02-01'),
    });
    expect(periodAfter('year', utc('1999-01-01'))).toMatchObject({ label: '1999', end: utc('2000-01-01') });
  });

  it('puts the end of the first load at the start of the year after the start year', () => {
    expect(initialLoadEnd(1998)).toEqual(utc('1999-01-01'));
  });

  it('treats the first instant of a period as inside it', () => {
    expect(periodContaining('year', utc('2000-01-01')).label).toBe('2000');
  });
});
