import { describe, expect, it } from 'vitest';
import { PANEL_GROUPS, pickSeries } from '../../../src-renderer/charts/panels';
import type { SeriesMeta } from '../../../src-main/ipc/contract';

const meta = (id: number, path: string, field: string): SeriesMeta => ({ id, path, field, startIndex: 0, samples: 10 });

describe('Compare: NUMA panels', () => {
  const numa = PANEL_GROUPS.find((g) => g.id === 'numa')!;
  const panel = (id: string) => numa.panels.find((p) => p.id === id)!;
  const catalogue = [
    meta(1, '/sys/devices/system/node/node0/meminfo', 'AnonPages'),
    meta(2, '/sys/devices/system/node/node1/meminfo', 'AnonPages'),
    meta(3, '/sys/devices/system/node/node1/meminfo', 'MemFree'),
    meta(4, '/proc/vmstat', 'numa_pages_migrated'),
    meta(5, '/proc/vmstat', 'numa_hint_faults'),
    meta(6, '/proc/vmstat', 'pgfault'),
    meta(7, '/sys/devices/system/node/node1/numastat', 'other_node'),
    meta(8, '/sys/fs/cgroup/app/memory.numa_stat', 'anon.N1'),
    meta(9, '/sys/fs/cgroup/app/memory.numa_stat', 'file.N1'),
  ];
  it('pick each node’s AnonPages, the balancing counters, numastat and memory.numa_stat anon, nothing else', () => {
    expect(pickSeries(catalogue, panel('numa-anon')).map((s) => s.id)).toEqual([1, 2]);
    expect(pickSeries(catalogue, panel('numa-balancing')).map((s) => s.id)).toEqual([4, 5]);
    expect(pickSeries(catalogue, panel('numa-alloc')).map((s) => s.id)).toEqual([7]);
    expect(pickSeries(catalogue, panel('numa-memcg')).map((s) => s.id)).toEqual([8]);
  });
});
