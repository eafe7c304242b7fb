import { buildValidationReport } from './validation-report.js';

describe('buildValidationReport', () => {
  it('counts each failed check and passes a batch at or under the threshold', () => {
    const report = buildValidationReport(100, { rating: 2, unknown_movie: 1 }, 0.05);
    expect(report).toMatchObject({
      passed: true,
      rowsRead: 100,
      rowsAccepted: 97,
      rowsQuarantined: 3,
      badRowShare: 0.03,
      threshold: 0.05,
    });
    expect(report.checks.rating).toBe(2);
    expect(report.checks.unknown_movie).toBe(1);
    expect(report.checks.duplicate).toBe(0);
  });

  it('rejects a batch whose bad-row share is over the threshold', () => {
    const report = buildValidationReport(10, { rating: 2 }, 0.1);
    expect(report).toMatchObject({ passed: false, badRowShare: 0.2 });
  });

  it('passes an empty batch', () => {
    expect(buildValidationReport(0, {}, 0.05)).toMatchObject({ passed: true, badRowShare: 0 });
  });
});
