import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calculateHighDelay, calculateOverage } from '../../../../src-sim/kernel/memcg/high-delay';

const MiB_PAGES = 256;

/** Penalty in ms at HZ=1000 for one 64-page batch, usage and high in MiB. */
function penaltyMs(usageMiB: number, highMiB: number): number {
  const overage = calculateOverage(usageMiB * MiB_PAGES, highMiB * MiB_PAGES);
  return Math.min(calculateHighDelay(overage, 64, 1000), 2000);
}

describe('memory.high penalty (mm/memcontrol.c: calculate_high_delay)', () => {
  it('matches the kernel table for high = 100 MiB (101→6, 102→25, 105→159, 110→639, 115→1439, 117→1849, ≥118→2000 ms)', () => {
    const table: [number, number][] = [
      [101, 6],
      [102, 25],
      [105, 159],
      [110, 639],
      [115, 1439],
      [117, 1849],
      [118, 2000],
      [150, 2000],
    ];
    for (const [usage, ms] of table) expect(penaltyMs(usage, 100)).toBe(ms);
  });

  it('scales with nr_pages / MEMCG_CHARGE_BATCH', () => {
    const o = calculateOverage(110 * MiB_PAGES, 100 * MiB_PAGES);
    expect(calculateHighDelay(o, 128, 1000)).toBe(2 * 639);
    expect(calculateHighDelay(o, 32, 1000)).toBe(319);
  });

  it('is zero at or below high, and grows with the overage', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 22 }), fc.integer({ min: 0, max: 1 << 20 }), fc.integer({ min: 1, max: 1 << 16 }), (high, over, extra) => {
        expect(calculateOverage(high - Math.min(over, high - 1), high)).toBe(0n);
        const a = calculateHighDelay(calculateOverage(high + over, high), 64, 1000);
        const b = calculateHighDelay(calculateOverage(high + over + extra, high), 64, 1000);
        expect(b).toBeGreaterThanOrEqual(a);
      }),
      { numRuns: 200 },
    );
  });
});
