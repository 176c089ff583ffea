import { describe, expect, it } from 'vitest';
import { meanCi, welch } from '../../../src-main/experiments/stats';
import { parseSeeds } from '../../../src-sim/sweep/load';

describe('mean and 95 % confidence interval', () => {
  it('uses the Student t quantile with n − 1 degrees of freedom (t(0.975, 4) = 2.7764)', () => {
    const m = meanCi([10, 12, 11, 13, 14]);
    expect(m.mean).toBe(12);
    expect(m.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    // Table value of t(0.975, 4) (any statistics textbook): 2.776445.
    expect(m.half).toBeCloseTo((2.776445 * Math.sqrt(2.5)) / Math.sqrt(5), 5);
    expect(m.hi - m.mean).toBeCloseTo(m.mean - m.lo, 12);
  });

  it('leaves out non-finite samples ("max" reads as +Infinity) and has no interval for one value', () => {
    expect(meanCi([1, Infinity, NaN, 3]).n).toBe(2);
    const one = meanCi([7]);
    expect(one.mean).toBe(7);
    expect(Number.isNaN(one.half)).toBe(true);
  });
});

describe("Welch's t-test (B − A)", () => {
  const a = [10.1, 9.8, 10.4, 10.0, 9.9, 10.3];
  const b = [10.9, 11.4, 10.7, 11.8, 11.1];
  it('has the Welch statistic and Welch–Satterthwaite degrees of freedom', () => {
    const r = welch(a, b, 'x');
    const ma = meanCi(a);
    const mb = meanCi(b);
    const va = ma.sd ** 2 / a.length;
    const vb = mb.sd ** 2 / b.length;
    expect(r.t).toBeCloseTo((mb.mean - ma.mean) / Math.sqrt(va + vb), 10);
    expect(r.df).toBeCloseTo((va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1)), 8);
    expect(r.difference).toBeCloseTo(mb.mean - ma.mean, 12);
    expect(r.ci[0]).toBeLessThan(r.difference);
    expect(r.ci[1]).toBeGreaterThan(r.difference);
    expect(r.significant).toBe(true);
    expect(r.statement).toMatch(/^x: B − A = 1\.097 \(95 % CI [\d.]+ … [\d.]+\), Welch's t = [\d.]+, df = [\d.]+, p = .*: significant at the 5 % level$/);
  });

  it('calls overlapping samples not significant, and the p-value is symmetric in A and B', () => {
    const c = [10.0, 10.2, 9.9, 10.4, 10.1];
    const r = welch(a, c);
    expect(r.significant).toBe(false);
    expect(r.pValue).toBeGreaterThan(0.05);
    expect(welch(c, a).pValue).toBeCloseTo(r.pValue, 12);
  });

  it('refuses fewer than two values per side with a message', () => {
    expect(() => welch([1], [1, 2])).toThrow("Welch's t-test needs at least two finite values per side (A has 1, B has 2)");
  });
});

describe('--seeds', () => {
  it('reads FIRST..LAST and lists, and explains anything else', () => {
    expect(parseSeeds('1..4')).toEqual([1, 2, 3, 4]);
    expect(parseSeeds('3, 5,9')).toEqual([3, 5, 9]);
    expect(parseSeeds('5..1')).toBe('expected FIRST..LAST with FIRST ≤ LAST, got "5..1"');
    expect(parseSeeds('ten')).toBe('expected seeds as FIRST..LAST (e.g. 1..30) or a list (e.g. 1,2,5), got "ten"');
  });
});

describe('sweep metrics', () => {
  it('split PATH:FIELD at the first colon after the last slash', async () => {
    const { parseMetric } = await import('../../../src-sim/sweep/load');
    expect(parseMetric('/sys/kernel/debug/bdi/8:16/stats:BdiWritten')).toMatchObject({ path: '/sys/kernel/debug/bdi/8:16/stats', field: 'BdiWritten' });
    expect(parseMetric('/sys/fs/cgroup/a/io.stat:8:0.rbytes')).toMatchObject({ path: '/sys/fs/cgroup/a/io.stat', field: '8:0.rbytes' });
    expect(parseMetric('/sys/fs/cgroup/a/memory.peak')).toMatchObject({ path: '/sys/fs/cgroup/a/memory.peak', field: '' });
  });
});
