import fc from 'fast-check';
import { expect, test } from 'vitest';
import { reduceLttb, reduceMinMax } from '../../../src-main/lab/downsample';

const series = fc
  .array(fc.oneof({ weight: 20, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) }, { weight: 1, arbitrary: fc.constant(NaN) }), {
    minLength: 0,
    maxLength: 3000,
  })
  .map((a) => Float64Array.from(a));

for (const [name, reduce] of [
  ['minmax', reduceMinMax],
  ['lttb', reduceLttb],
] as const) {
  test(`${name}: at most N points, each a real sample at its own time, in time order`, () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 2, max: 500 }), fc.integer({ min: 0, max: 1000 }), (v, points, first) => {
        const r = reduce(v, first, 1000, points);
        expect(r.t.length).toBe(r.v.length);
        expect(r.t.length).toBeLessThanOrEqual(Math.max(points, v.length <= points ? v.length : 0));
        for (let i = 0; i < r.t.length; i++) {
          const k = r.t[i]! / 1000 - first;
          expect(Number.isInteger(k) && k >= 0 && k < v.length).toBe(true);
          const x = v[k]!;
          expect(r.v[i]).toBe(Number.isFinite(x) ? x : null);
          if (i > 0) expect(r.t[i]!).toBeGreaterThan(r.t[i - 1]!);
        }
      }),
      { numRuns: 300 },
    );
  });
}

test('minmax keeps the global minimum and maximum of gap-free data', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 5000 }), fc.integer({ min: 2, max: 400 }), (a, points) => {
      const v = Float64Array.from(a);
      const r = reduceMinMax(v, 0, 1, points).v as number[];
      expect(Math.max(...r)).toBe(Math.max(...a));
      expect(Math.min(...r)).toBe(Math.min(...a));
    }),
    { numRuns: 200 },
  );
});

test('a vanished file (NaN run) stays a visible gap after reduction', () => {
  const v = new Float64Array(10_000).fill(1);
  v.fill(NaN, 4000, 6000);
  for (const reduce of [reduceMinMax, reduceLttb]) {
    const r = reduce(v, 0, 1, 100);
    const gaps = r.t.filter((_, i) => r.v[i] === null);
    expect(gaps.length).toBeGreaterThan(0);
    for (const t of gaps) expect(t >= 4000 && t < 6000).toBe(true);
  }
});

test('lttb keeps the first and last sample', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 3, maxLength: 4000 }), fc.integer({ min: 3, max: 300 }), (a, points) => {
      const r = reduceLttb(Float64Array.from(a), 0, 1, points);
      expect(r.t[0]).toBe(0);
      expect(r.t[r.t.length - 1]).toBe(a.length - 1);
    }),
    { numRuns: 200 },
  );
});
