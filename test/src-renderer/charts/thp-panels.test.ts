import { describe, expect, it } from 'vitest';
import { PANEL_GROUPS, pickSeries } from '../../../src-renderer/charts/panels';
import type { SeriesMeta } from '../../../src-main/ipc/contract';
import { parseFields } from '../../../src-sim/vfs/fields';

const meta = (id: number, path: string, field: string): SeriesMeta => ({ id, path, field, startIndex: 0, samples: 10 });

describe('Compare: huge-page panels', () => {
  const thp = PANEL_GROUPS.find((g) => g.id === 'thp')!;
  const panel = (id: string) => thp.panels.find((p) => p.id === id)!;
  it('/proc/buddyinfo parses into one field per node, zone and order', () => {
    const f = parseFields('Node 0, zone   Normal      3      2      0      0      0      0      0      0      0      1    500 \n');
    expect(f.get('node0.Normal.0')).toBe(3);
    expect(f.get('node0.Normal.9')).toBe(1);
    expect(f.get('node0.Normal.10')).toBe(500);
    expect(f.size).toBe(11);
  });
  it('pick AnonHugePages/AnonPages, the THP fault and compaction counters, and orders 9–10 of buddyinfo, nothing else', () => {
    const catalogue = [
      meta(1, '/proc/meminfo', 'AnonHugePages'),
      meta(2, '/proc/meminfo', 'AnonPages'),
      meta(3, '/proc/meminfo', 'MemFree'),
      meta(4, '/sys/devices/system/node/node0/meminfo', 'AnonHugePages'),
      meta(5, '/proc/vmstat', 'thp_fault_alloc'),
      meta(6, '/proc/vmstat', 'thp_fault_fallback'),
      meta(7, '/proc/vmstat', 'thp_fault_fallback_charge'),
      meta(8, '/proc/vmstat', 'compact_stall'),
      meta(9, '/proc/vmstat', 'compact_success'),
      meta(10, '/proc/vmstat', 'compact_daemon_wake'),
      meta(11, '/proc/buddyinfo', 'node0.Normal.9'),
      meta(12, '/proc/buddyinfo', 'node0.Normal.10'),
      meta(13, '/proc/buddyinfo', 'node0.Normal.1'),
    ];
    expect(pickSeries(catalogue, panel('thp-anon')).map((s) => s.id)).toEqual([1, 2]);
    expect(pickSeries(catalogue, panel('thp-faults')).map((s) => s.id)).toEqual([5, 6]);
    expect(pickSeries(catalogue, panel('thp-compact')).map((s) => s.id)).toEqual([8, 9]);
    expect(pickSeries(catalogue, panel('thp-buddy')).map((s) => s.id)).toEqual([11, 12]);
  });
});
