import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultMinFreeKbytes, zoneWatermarks } from '../../../../src-sim/kernel/mm/watermarks';
import { baseScenario, flatMachine } from '../../../../src-sim/scenario/defaults';
import { bootMm, GiB } from './boot-mm';

function zoneinfoWatermarks(text: string): { min: number; low: number; high: number; managed: number }[] {
  const out: { min: number; low: number; high: number; managed: number }[] = [];
  for (const block of text.split(/^Node /m).slice(1)) {
    const num = (k: string): number => Number(new RegExp(`^\\s+${k}\\s+(\\d+)`, 'm').exec(block)![1]);
    out.push({ min: num('min'), low: num('low'), high: num('high'), managed: num('managed') });
  }
  return out;
}

describe('zone watermarks (mm/page_alloc.c)', () => {
  it('min_free_kbytes defaults to int_sqrt(lowmem_kbytes × 16): 4 GiB → 8192, 16 GiB → 16384, clamped to [128, 262144]', () => {
    expect(defaultMinFreeKbytes((4 * GiB) / 4096)).toBe(8192);
    expect(defaultMinFreeKbytes((16 * GiB) / 4096)).toBe(16384);
    expect(defaultMinFreeKbytes(100)).toBe(128);
    expect(defaultMinFreeKbytes((16384 * GiB) / 4096)).toBe(262144);
  });

  it('high − low = low − min = max(min/4, managed × watermark_scale_factor / 10000) in /proc/zoneinfo (behaviour 51)', () => {
    for (const [mem, wsf] of [
      [1 * GiB, 10],
      [8 * GiB, 10],
      [8 * GiB, 200],
      [64 * GiB, 1],
    ] as const) {
      const rig = bootMm(baseScenario({ machine: flatMachine(2, mem), kernel: { version: '6.18', scheduler: 'eevdf', sysctl: [['vm.watermark_scale_factor', String(wsf)]], hz: 1000 } }));
      const [z] = zoneinfoWatermarks(rig.read('/proc/zoneinfo'));
      const gap = Math.max(Math.floor(z!.min / 4), Math.floor((z!.managed * wsf) / 10000));
      expect(z!.high - z!.low).toBe(gap);
      expect(z!.low - z!.min).toBe(gap);
      expect(z!.min).toBe(Math.floor(Number(rig.read('/proc/sys/vm/min_free_kbytes')) / 4));
    }
  });

  it('holds for any zone size, min_free_kbytes and scale factor', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1024, max: 1 << 26 }), fc.integer({ min: 128, max: 262144 }), fc.integer({ min: 1, max: 3000 }), (managed, minKb, wsf) => {
        const w = zoneWatermarks(managed, managed, minKb, wsf);
        const gap = Math.max(w.min >> 2, Math.floor((managed * wsf) / 10000));
        expect(w.low - w.min).toBe(gap);
        expect(w.high - w.low).toBe(gap);
      }),
      { numRuns: 300 },
    );
  });

  it('writing min_free_kbytes recomputes the watermarks; bad sysctl writes get EINVAL', () => {
    const rig = bootMm(baseScenario({ machine: flatMachine(2, 4 * GiB) }));
    rig.k.vfs.write('/proc/sys/vm/min_free_kbytes', '65536');
    expect(zoneinfoWatermarks(rig.read('/proc/zoneinfo'))[0]!.min).toBe(16384);
    expect(() => rig.k.vfs.write('/proc/sys/vm/watermark_scale_factor', '0')).toThrow('/proc/sys/vm/watermark_scale_factor: Invalid argument (EINVAL)');
    expect(() => rig.k.vfs.write('/proc/sys/vm/watermark_scale_factor', '3001')).toThrow('(EINVAL)');
    expect(() => rig.k.vfs.write('/proc/sys/vm/swappiness', '201')).toThrow('/proc/sys/vm/swappiness: Invalid argument (EINVAL)');
    expect(() => rig.k.vfs.write('/proc/sys/vm/swappiness', 'lots')).toThrow('(EINVAL)');
    rig.k.vfs.write('/proc/sys/vm/swappiness', '200');
    expect(rig.read('/proc/sys/vm/swappiness')).toBe('200\n');
  });
});
