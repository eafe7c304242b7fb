import { automaticLoadEnd, initialLoadEnd, periodAfter, periodContaining } from './periods.js';

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

  describe('automaticLoadEnd: the first batch ends three years before the last rating', () => {
    const at = (text: string) => new Date(`${text}Z`);

    it('cuts ml-latest-small (1996–2018-09) before 2015 by year, leaving 2015–2018', () => {
      expect(automaticLoadEnd('year', at('1996-03-29T18:36:55'), at('2018-09-24T14:27:30'))).toEqual(
        utc('2015-01-01'),
      );
    });

    it('cuts ml-25m (1995–2019-11) before 2016, and at the quarter or month by those periods', () => {
      const first = at('1995-01-09T11:46:49');
      const last = at('2019-11-21T09:15:03');
      expect(automaticLoadEnd('year', first, last)).toEqual(utc('2016-01-01'));
      expect(automaticLoadEnd('quarter', first, last)).toEqual(utc('2016-10-01'));
      expect(automaticLoadEnd('month', first, last)).toEqual(utc('2016-11-01'));
    });

    it('keeps at least the first period in the first batch when the history is short', () => {
      expect(automaticLoadEnd('year', at('2017-05-01T00:00:00'), at('2018-02-01T00:00:00'))).toEqual(
        utc('2018-01-01'),
      );
    });
  });
});
