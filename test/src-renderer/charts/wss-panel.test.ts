import { describe, expect, it } from 'vitest';
import { PANEL_GROUPS, pickSeries } from '../../../src-renderer/charts/panels';
import type { SeriesMeta } from '../../../src-main/ipc/contract';
import { parseFields } from '../../../src-sim/vfs/fields';

const meta = (id: number, path: string, field: string): SeriesMeta => ({ id, path, field, startIndex: 0, samples: 10 });

describe('Compare: the working-set estimate panel', () => {
  const panel = PANEL_GROUPS.find((g) => g.id === 'memcg')!.panels.find((p) => p.id === 'memcg-wss')!;
  it('memory.lab_wss parses into wss_bytes, idle_bytes and scans', () => {
    const f = parseFields('wss_bytes 536870912\nidle_bytes 2147483648\nscans 2\n');
    expect([...f.entries()]).toEqual([
      ['wss_bytes', 536870912],
      ['idle_bytes', 2147483648],
      ['scans', 2],
    ]);
  });
  it('picks each group’s wss_bytes and memory.current, nothing else', () => {
    const catalogue = [
      meta(1, '/sys/fs/cgroup/web/memory.lab_wss', 'wss_bytes'),
      meta(2, '/sys/fs/cgroup/web/memory.lab_wss', 'idle_bytes'),
      meta(3, '/sys/fs/cgroup/web/memory.lab_wss', 'scans'),
      meta(4, '/sys/fs/cgroup/web/memory.current', ''),
      meta(5, '/sys/fs/cgroup/web/memory.stat', 'anon'),
      meta(6, '/sys/fs/cgroup/batch/memory.lab_wss', 'wss_bytes'),
    ];
    expect(pickSeries(catalogue, panel).map((s) => s.id)).toEqual([1, 4, 6]);
  });
});
