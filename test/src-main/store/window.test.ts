import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseScenario } from '../../../src-sim/scenario/defaults';
import { Session } from '../../../src-main/store/session';

const dir = mkdtempSync(join(tmpdir(), 'klab-window-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const session = Session.open(join(dir, 'w.klab'));
afterAll(() => session.close());

const INTERVAL = 1e6;

/** Store `values` as one series cut into chunks of the given sizes (as partial and full flushes would). */
function store(values: number[], cuts: number[]): number {
  const w = session.beginRun({ appVersion: 'test', scenario: baseScenario({ sampleIntervalNs: INTERVAL }) });
  let start = 0;
  let k = 0;
  while (start < values.length) {
    const n = Math.min(values.length - start, cuts[k++ % cuts.length]!);
    w.addBatch({
      newSeries: start === 0 ? [{ id: 0, path: '/x', field: '', startIndex: 0 }] : [],
      entries: [{ seriesId: 0, startIndex: start, offset: 0, count: n }],
      values: Float64Array.from(values.slice(start, start + n)),
    });
    start += n;
  }
  w.finish({ status: 'complete', simulatedNs: 0, wallMs: 0, events: 0, actions: [], summary: null });
  return w.id;
}

const value = fc.oneof(
  { weight: 20, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity) },
);

describe('series window reduced to N points', () => {
  it('returns real samples in time order, at most N, including the window minimum and maximum', () => {
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 6000 }),
        fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 2, max: 300 }),
        fc.tuple(fc.nat(), fc.nat()),
        (values, cuts, maxPoints, [a, b]) => {
          const id = store(values, cuts);
          const i0 = a % values.length;
          const i1 = i0 + (b % (values.length - i0));
          const w = session.seriesWindow(id, 0, i0 * INTERVAL, i1 * INTERVAL, maxPoints);
          expect(w.v.length).toBeLessThanOrEqual(maxPoints);
          for (let k = 0; k < w.t.length; k++) {
            const i = w.t[k]! / INTERVAL;
            expect(Number.isInteger(i) && i >= i0 && i <= i1).toBe(true);
            if (k > 0) expect(w.t[k]!).toBeGreaterThan(w.t[k - 1]!);
            if (!Number.isNaN(w.v[k]!)) expect(w.v[k]).toBe(values[i]);
          }
          const inWindow = values.slice(i0, i1 + 1).filter((v) => !Number.isNaN(v));
          const got = [...w.v].filter((v) => !Number.isNaN(v));
          if (inWindow.length) {
            expect(got).toContain(Math.min(...inWindow));
            expect(got).toContain(Math.max(...inWindow));
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a zoomed-out window of a 100,000-sample sine keeps every bucket near ±1', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => Math.sin((2 * Math.PI * i) / 500));
    const id = store(values, [1024]);
    const w = session.seriesWindow(id, 0, 0, 99_999 * INTERVAL, 400);
    expect(w.v.length).toBe(400);
    // 500 samples per bucket = one full period: each bucket's extremes are ±1 within 1e-3.
    for (let k = 0; k < w.v.length; k++) expect(Math.abs(w.v[k]!)).toBeGreaterThan(0.999);
  });
});
