// A working set's tick maps runs of first-touch picks at once (TickPicks.take
// → Mm.mapFreshAnonRun: frame-table runs, one LRU pass). Everything a later
// pick, reclaim or /proc file sees must come out as the one-pick-at-a-time
// path leaves it, with the same random draws consumed.
import { describe, expect, it, vi } from 'vitest';
import { Rng } from '../../../../src-sim/engine/rng';
import { AccessPattern } from '../../../../src-sim/kernel/mm/access-pattern';
import { emptyOutcome, faultAnonPages } from '../../../../src-sim/kernel/mm/fault';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import { TickPicks } from '../../../../src-sim/workload/memory/tick-picks';
import { bootMm, MiB } from '../../kernel/mm/boot-mm';

interface Result {
  snapshot: unknown[];
  runs: number[];
  bumpMisses: number;
}

/** `ticks` ticks of up to 90 touches per bucket into a 128 MiB zipf region, evicting every 5th resident page of the hot buckets every 4th tick. */
function fill(fast: boolean, seed: number, ticks: number): Result {
  const rig = bootMm(
    baseScenario({
      machine: flatMachine(1, 256 * MiB),
      cgroups: [{ path: '/a', writes: [] }],
      // The task only owns the region (the engine never runs): its own behaviour does not matter.
      tasks: [taskSpec({ name: 'ws', cgroup: '/a', run: { type: 'alloc', sizeBytes: 4096, stepBytes: 4096, everyNs: 1e9, touch: 'sequential', then: 'hold' } })],
    }),
  );
  const mm = rig.mm;
  const task = rig.task('ws');
  const m = mm.memcgOf(task.cgroup);
  const o = mm.newObject(false, 32768, task);
  const pat = AccessPattern.zipf(32768, 0.9);
  o.setPattern(pat, 1000);
  const w = new Int32Array(pat.buckets);
  const rng = new Rng(seed, 0);
  const draws = new Rng(seed, 1);
  const picks = new TickPicks(o, w, rng);
  const runs: number[] = [];
  const mapRun = mm.mapFreshAnonRun.bind(mm);
  vi.spyOn(mm, 'mapFreshAnonRun').mockImplementation((obj, b, n, memcg) => {
    runs.push(n);
    mapRun(obj, b, n, memcg);
  });
  const allocRun = mm.ft.allocRun.bind(mm.ft);
  let bumpMisses = 0;
  vi.spyOn(mm.ft, 'allocRun').mockImplementation((node, n) => {
    const f = allocRun(node, n);
    if (f < 0) bumpMisses++;
    return f;
  });
  const outcomes: number[] = [];
  for (let t = 0; t < ticks; t++) {
    // LRU ages come from the clock: ticks 10 ms apart.
    rig.run(t * 10e6);
    let total = 0;
    for (let b = 0; b < pat.buckets; b++) {
      w[b] = Math.min(o.nonres![b]!, draws.int(0, 90));
      total += w[b]!;
    }
    picks.restart();
    const out = faultAnonPages(mm, task, o, total, picks.pick, emptyOutcome(), fast ? picks : null);
    outcomes.push(out.done, out.minor, out.major);
    if (t % 4 === 3) {
      // Only the hot half of the buckets: theirs get touched parts (picks one at a time), the others keep
      // handing out runs, now from the free list the evictions filled.
      const end = pat.lo[pat.buckets >> 1]!;
      for (let p = t % 5; p < end; p += 5) if (o.isResident(p)) mm.evictPage(o, p, o.frameOf(p), m);
    }
  }
  const ft = mm.ft;
  const bytes = (a: ArrayBufferView): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  const snapshot: unknown[] = [
    outcomes,
    ...[ft.obj, ft.idx, ft.prev, ft.next, ft.time, ft.lv, ft.list, ft.blockFree, ft.freeBlocks, ft.nrFreeNode].map(bytes),
    ft.nrFree,
    bytes(Int32Array.from({ length: o.pages * 4 }, (_, i) => [o.frameOf(i >> 2), o.state[i >> 2]!, o.posOf(i >> 2), o.evictedMemcg[i >> 2]!][i & 3]!)),
    Array.from(o.nonres!),
    Array.from(o.nv!),
    o.resident,
    o.swapped,
    [m.anon, ...m.ev],
    [m.lruvec.head, m.lruvec.tail, m.lruvec.size].map(bytes),
    rig.read('/proc/vmstat'),
    rig.read('/proc/meminfo'),
    rig.read('/sys/fs/cgroup/a/memory.stat'),
    rng.uint32(),
  ];
  return { snapshot, runs, bumpMisses };
}

describe('TickPicks: first-touch picks mapped as runs', () => {
  it('leaves frame table, LRU, fault index, counters and /proc as one pick at a time does, over seeds', () => {
    for (const seed of [1, 2, 3]) {
      const slow = fill(false, seed, 40);
      const fast = fill(true, seed, 40);
      expect(slow.runs).toEqual([]);
      // The run path ran, with runs of several pages, from the bump allocator and (after evictions) from the free list.
      expect(Math.max(...fast.runs)).toBeGreaterThan(8);
      expect(fast.bumpMisses).toBeGreaterThan(0);
      expect(fast.bumpMisses).toBeLessThan(fast.runs.length);
      expect(fast.snapshot).toEqual(slow.snapshot);
    }
  });
});
