import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INIT_BW, initialRates, updateDirtyRatelimit, updateWriteBandwidth } from '../../../../src-sim/kernel/writeback/bandwidth';
import { defaultSysctls, dirtyFreerunCeiling, domainDirtyLimits, updateDirtyLimit } from '../../../../src-sim/kernel/writeback/dirty-limits';
import { computePause, initialTaskDirtyState, maxPauseJiffies } from '../../../../src-sim/kernel/writeback/pause';
import { POS_ONE, posRatioPolynom, wbPositionRatio } from '../../../../src-sim/kernel/writeback/pos-ratio';

const HZ = 1000;

describe('dirty thresholds (domain_dirty_limits)', () => {
  it('dirty_ratio 20 / background 10 put freerun at 15 % and background at 10 % of dirtyable memory', () => {
    const avail = 2_000_000;
    const { thresh, bgThresh } = domainDirtyLimits(avail, defaultSysctls());
    expect(thresh / avail).toBeCloseTo(0.2, 3);
    expect(bgThresh / avail).toBeCloseTo(0.1, 3);
    expect(dirtyFreerunCeiling(thresh, bgThresh) / avail).toBeCloseTo(0.15, 3);
  });

  it('dirty_bytes overrides the ratio; a background threshold above thresh falls to thresh/2', () => {
    const s = { ...defaultSysctls(), dirtyBytes: 400 * 4096, dirtyBackgroundBytes: 1000 * 4096 };
    expect(domainDirtyLimits(1e6, s)).toEqual({ thresh: 400, bgThresh: 200 });
  });

  it('RT tasks get 25 % more plus dirty_limit/32', () => {
    const plain = domainDirtyLimits(1e6, defaultSysctls());
    const rt = domainDirtyLimits(1e6, defaultSysctls(), { rt: true, globalDirtyLimit: 3200 });
    expect(rt.thresh).toBe(plain.thresh + Math.floor(plain.thresh / 4) + 100);
  });

  it('the smoothed dirty_limit follows thresh up at once and down by 1/32 per step', () => {
    expect(updateDirtyLimit(100, 200, 0)).toBe(200);
    expect(updateDirtyLimit(3300, 100, 0)).toBe(3300 - 100);
    expect(updateDirtyLimit(3300, 100, 5000)).toBe(3300);
  });
});

describe('pos_ratio', () => {
  it('is 2.0 at freerun (15 %), 1.0 at the setpoint (17.5 %) and 0 at the limit (20 %)', () => {
    const avail = 1_000_000;
    const { thresh, bgThresh } = domainDirtyLimits(avail, defaultSysctls());
    const freerun = dirtyFreerunCeiling(thresh, bgThresh);
    const setpoint = Math.floor((freerun + thresh) / 2);
    expect(setpoint / avail).toBeCloseTo(0.175, 3);
    expect(posRatioPolynom(setpoint, freerun, thresh) / POS_ONE).toBeCloseTo(2, 2);
    expect(posRatioPolynom(setpoint, setpoint, thresh) / POS_ONE).toBeCloseTo(1, 2);
    expect(posRatioPolynom(setpoint, thresh, thresh)).toBe(0);
  });

  it('is monotonically non-increasing in the dirty count for any setting', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 1e7 }), fc.integer({ min: 1, max: 99 }), (avail, pct) => {
        const { thresh, bgThresh } = domainDirtyLimits(avail, { ...defaultSysctls(), dirtyRatio: pct });
        const freerun = dirtyFreerunCeiling(thresh, bgThresh);
        const setpoint = Math.floor((freerun + thresh) / 2);
        let prev = Infinity;
        for (let d = freerun; d <= thresh; d += Math.max(1, Math.floor((thresh - freerun) / 50))) {
          const p = posRatioPolynom(setpoint, d, thresh);
          expect(p).toBeLessThanOrEqual(prev);
          prev = p;
        }
      }),
      { numRuns: 100 },
    );
  });

  it('the per-wb line lowers the ratio when the wb is over its share (single wb: 1.0 at wb_setpoint)', () => {
    const base = { thresh: 200_000, bgThresh: 100_000, domDirtyLimit: 200_000, dirty: 175_000, wbThresh: 200_000, writeBw: 25_600 };
    const at = wbPositionRatio({ ...base, wbDirty: 175_000 });
    expect(at.posRatio / POS_ONE).toBeCloseTo(1, 1);
    const over = wbPositionRatio({ ...base, wbDirty: 175_000 + 8 * 25_600 * 0.5 });
    expect(over.posRatio / POS_ONE).toBeCloseTo(0.5, 1);
  });
});

describe('write bandwidth estimation', () => {
  it('converges on the device’s writeout rate from the 100 MB/s initial guess (≈4 s time constant, within 3 % after 40 s)', () => {
    const r = initialRates(0);
    const rate = 2560; // pages/s = 10 MiB/s
    let written = 0;
    for (let t = 200; t <= 40_000; t += 200) {
      written += (rate * 200) / HZ;
      updateWriteBandwidth(r, 200, written, HZ);
      r.writtenStamp = written;
    }
    expect(r.avgWriteBw / rate).toBeGreaterThan(0.97);
    expect(r.avgWriteBw / rate).toBeLessThan(1.03);
    expect(INIT_BW).toBe(25600);
  });
});

/**
 * A fluid closed loop: N dirtiers throttled at dirty_ratelimit × pos_ratio,
 * a disk writing `bw` pages/s, updated every 200 ms as balance_dirty_pages does.
 */
function closedLoop(n: number, bw: number, seconds: number) {
  const avail = 1_000_000;
  const { thresh, bgThresh } = domainDirtyLimits(avail, defaultSysctls());
  const r = initialRates(0);
  let dirty = dirtyFreerunCeiling(thresh, bgThresh);
  let dirtied = 0;
  let written = 0;
  const trace: number[] = [];
  for (let t = 200; t <= seconds * 1000; t += 200) {
    const pos = wbPositionRatio({ thresh, bgThresh, domDirtyLimit: thresh, dirty, wbThresh: thresh, wbDirty: dirty, writeBw: r.avgWriteBw });
    const taskRate = (r.dirtyRatelimit * pos.posRatio) / POS_ONE;
    const d = n * taskRate * 0.2;
    const w = Math.min(dirty + d, bw * 0.2);
    dirtied += d;
    written += w;
    dirty = dirty + d - w;
    updateDirtyRatelimit(r, { dirtied, elapsed: 200, dirty, setpoint: pos.setpoint, posRatio: pos.posRatio, hz: HZ });
    updateWriteBandwidth(r, 200, written, HZ);
    r.dirtiedStamp = dirtied;
    r.writtenStamp = written;
    trace.push(dirty / avail);
  }
  return { r, dirty: dirty / avail, trace };
}

describe('dirty_ratelimit', () => {
  it('converges to write_bw / N and dirty pages settle near the 17.5 % setpoint', () => {
    for (const n of [1, 4]) {
      const { r, dirty } = closedLoop(n, 2560, 120);
      expect(r.dirtyRatelimit / (2560 / n)).toBeGreaterThan(0.85);
      expect(r.dirtyRatelimit / (2560 / n)).toBeLessThan(1.15);
      expect(dirty).toBeGreaterThan(0.16);
      expect(dirty).toBeLessThan(0.19);
    }
  });
});

describe('pauses', () => {
  it('no single balance_dirty_pages sleep exceeds MAX_PAUSE = 200 ms, whatever the state', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 2 * POS_ONE }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (pages, ratelimit, pos, bw, wbDirty, sinceLast) => {
          const ts = initialTaskDirtyState();
          ts.dirtyPausedWhen = 1_000_000 - sinceLast;
          const { pause } = computePause(ts, { now: 1_000_000, pagesDirtied: pages, dirtyRatelimit: ratelimit, posRatio: pos, avgWriteBw: bw, wbDirty, hz: HZ });
          expect(pause).toBeLessThanOrEqual(maxPauseJiffies(HZ));
          expect(maxPauseJiffies(HZ)).toBe(200);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a pause is pages_dirtied / task_ratelimit', () => {
    const ts = initialTaskDirtyState();
    // 256 pages at 2560 pages/s × pos 1.0 → 100 ms.
    const { pause } = computePause(ts, { now: 5000, pagesDirtied: 256, dirtyRatelimit: 2560, posRatio: POS_ONE, avgWriteBw: 2560, wbDirty: 100_000, hz: HZ });
    expect(pause).toBe(100);
  });
});
