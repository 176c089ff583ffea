// NodeMm.slowdown() keeps each task's weighted remote share until a page of
// its objects moves or it runs on another node: the cached value must be the
// uncached sum at every step, and a run must not depend on the cache.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Mm } from '../../../../src-sim/kernel/mm/mm';
import { NodeMm } from '../../../../src-sim/kernel/numa/node-mm';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';

const SCENARIOS = path.resolve(__dirname, '../../../../resources/scenarios');

/**
 * The numa-balancing preset (a 512 MiB working set first touched on node 1,
 * moved to node 0's CPUs at 1 s, its pages pulled home by NUMA balancing),
 * 128 MiB of it doing 6 s of work in 8 s, scanned 8 MB at a time (so its
 * pages come home over several scans from ≈ 4.3 s), with cpuset.mems = 1 at
 * 5.5 s (its pages migrate back to node 1) and its CPUs on node 1 again at 6.5 s.
 */
function preset(hugepage: boolean): Simulation {
  const text = readFileSync(path.join(SCENARIOS, 'numa-balancing.yaml'), 'utf8')
    .replace('duration: 28s', 'duration: 8s')
    .replace('size: 512M', 'size: 128M')
    .replace('work: 20s }', hugepage ? 'work: 6s, madvise: hugepage }' : 'work: 6s }')
    .replace(
      'timeline:\n',
      [
        'timeline:',
        '  - { at: 0s, write: { /sys/kernel/debug/sched/numa_balancing/scan_size_mb: 8 } }',
        '  - { at: 5500ms, write: { /sys/fs/cgroup/app/cpuset.mems: "1" } }',
        '  - { at: 6500ms, write: { /sys/fs/cgroup/app/cpuset.cpus: 4-7 } }',
        '',
      ].join('\n'),
    );
  return new Simulation(loadScenario(text, 'numa-slowdown-cache.yaml'));
}

function nodeMm(sim: Simulation): NodeMm {
  const mm = sim.kernel.mm;
  if (!(mm instanceof Mm) || !(mm.numa instanceof NodeMm)) throw new Error('not the two-node page-frame memory model');
  return mm.numa;
}

describe('the NUMA access cost cache (NodeMm.slowdown)', () => {
  it.each([false, true])('equals the uncached sum at every step through first touch, migrations both ways and CPU moves (THP %s)', (hugepage) => {
    const sim = preset(hugepage);
    const nm = nodeMm(sim);
    const seen = new Set<number>();
    for (let t = 20e6; t <= 8e9; t += 20e6) {
      sim.advance(t);
      const job = [...sim.kernel.tasks.values()].find((x) => x.name === 'job' && x.state !== 'exited');
      if (!job) continue;
      const cached = nm.slowdown(job);
      nm.taskCaches = false;
      const computed = nm.slowdown(job);
      nm.taskCaches = true;
      expect(cached).toBe(computed);
      seen.add(cached);
    }
    // The cost went through many values: local, remote after the CPU move, back down as pages came home, up again.
    expect(seen.size).toBeGreaterThan(4);
    expect(Math.max(...seen)).toBeCloseTo(1.25, 2);
    expect(Math.min(...seen)).toBe(1);
  });

  it('a run gives the same results with the cache bypassed', () => {
    const run = (cache: boolean): string => {
      const sim = preset(true);
      nodeMm(sim).taskCaches = cache;
      sim.runToEnd();
      return sim.kernel.vfs.read('/proc/vmstat') + sim.kernel.vfs.read('/sys/devices/system/node/node0/meminfo') + JSON.stringify(sim.kernel.log.entries);
    };
    const cached = run(true);
    // The job finished (its elapsed time is where the access cost shows), and identically without the cache.
    expect(cached).toContain('"kind":"work_done"');
    expect(cached).toBe(run(false));
  });
});
