import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';

const SCENARIOS = path.resolve(__dirname, '../../../../resources/scenarios');

function vmstat(sim: Simulation, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(sim.kernel.vfs.read('/proc/vmstat'));
  if (!m) throw new Error(`no ${key} in /proc/vmstat`);
  return Number(m[1]);
}

function anonKb(sim: Simulation, node: number): number {
  return Number(new RegExp(`^Node ${node} AnonPages:\\s+(\\d+) kB$`, 'm').exec(sim.kernel.vfs.read(`/sys/devices/system/node/node${node}/meminfo`))![1]);
}

function preset(mode: number): Simulation {
  const text = readFileSync(path.join(SCENARIOS, 'numa-balancing.yaml'), 'utf8').replace('kernel.numa_balancing: 1', `kernel.numa_balancing: ${mode}`);
  return new Simulation(loadScenario(text, 'numa-balancing.yaml'));
}

describe('automatic NUMA balancing (resources/scenarios/numa-balancing.yaml)', () => {
  it('migrates a pinned task’s remote memory to its node over a few scan periods; with numa_balancing 0 it stays remote', () => {
    const on = preset(1);
    on.advance(1.5e9);
    // Moved to node 0 at 1 s; nothing has migrated yet (scan_delay_ms, then the two-access filter).
    // Only the few pages first touched after the move are on node 0.
    expect(vmstat(on, 'numa_pages_migrated')).toBe(0);
    expect(anonKb(on, 0)).toBeLessThan(0.05 * 512 * 1024);
    on.advance(7e9);
    expect(anonKb(on, 0)).toBeGreaterThan(0.95 * 512 * 1024);
    on.runToEnd();
    const migrated = vmstat(on, 'numa_pages_migrated');
    expect(migrated).toBeGreaterThan(0.95 * 131072);
    expect(migrated).toBeLessThanOrEqual(131072);
    expect(vmstat(on, 'pgmigrate_success')).toBe(migrated);
    expect(vmstat(on, 'numa_hint_faults')).toBeGreaterThan(vmstat(on, 'numa_hint_faults_local'));
    expect(vmstat(on, 'numa_pte_updates')).toBeGreaterThanOrEqual(vmstat(on, 'numa_hint_faults'));

    const off = preset(0);
    off.runToEnd();
    expect(vmstat(off, 'numa_pages_migrated')).toBe(0);
    expect(vmstat(off, 'numa_hint_faults')).toBe(0);
    const took = (sim: Simulation): number => Number(sim.log.find((e) => e.kind === 'work_done')!.elapsed_ns) / 1e9;
    // Off: 1 s local + 19 s of work × 1.25 (+ first-touch faults).
    expect(took(off)).toBeGreaterThan(24.75);
    expect(took(off)).toBeLessThan(24.9);
    // On: a few seconds remote, then local; the scans and hint faults cost a little.
    expect(took(on)).toBeGreaterThan(20.5);
    expect(took(on)).toBeLessThan(22);
  });

  it('moves an unpinned task to the node that holds its (bound) memory and logs numa_task_migrate', () => {
    const text = `duration: 6s
machine:
  numa:
    nodes: [{ cpus: 0-1, memory: 1G }, { cpus: 2-3, memory: 1G }]
tasks:
  - { name: t, mempolicy: { mode: bind, nodes: 1 }, run: { type: workingset, size: 128M, rate: 200000/s } }
`;
    const sim = new Simulation(loadScenario(text, 'place.yaml'));
    sim.advance(0.5e9);
    const task = [...sim.kernel.tasks.values()].find((t) => t.name === 't')!;
    expect(sim.kernel.sched.cpuOf(task)).toBeLessThan(2);
    sim.runToEnd();
    expect(sim.kernel.sched.cpuOf(task)).toBeGreaterThanOrEqual(2);
    const moves = sim.log.filter((e) => e.kind === 'numa_task_migrate');
    expect(moves.map((e) => [e.task, e.from_nid, e.to_nid])).toEqual([['t', 0, 1]]);
    // Bound memory is never migrated by balancing (mpol_misplaced only for the default policy here).
    expect(vmstat(sim, 'numa_pages_migrated')).toBe(0);
  });

  it('tunables live in debugfs with the kernel defaults; numa_balancing takes 0–3', () => {
    const sim = new Simulation(loadScenario('duration: 1s\nmachine:\n  numa:\n    nodes: [{ cpus: 0, memory: 1G }, { cpus: 1, memory: 1G }]\n', 'd.yaml'));
    const v = sim.kernel.vfs;
    expect(v.read('/proc/sys/kernel/numa_balancing')).toBe('1\n');
    expect(v.read('/sys/kernel/debug/sched/numa_balancing/scan_delay_ms')).toBe('1000\n');
    expect(v.read('/sys/kernel/debug/sched/numa_balancing/scan_period_min_ms')).toBe('1000\n');
    expect(v.read('/sys/kernel/debug/sched/numa_balancing/scan_period_max_ms')).toBe('60000\n');
    expect(v.read('/sys/kernel/debug/sched/numa_balancing/scan_size_mb')).toBe('256\n');
    expect(() => v.write('/proc/sys/kernel/numa_balancing', '4')).toThrow(/Invalid argument/);
  });

  it('is deterministic for a seed', () => {
    const run = (): string => {
      const sim = preset(1);
      sim.advance(4e9);
      return sim.kernel.vfs.read('/proc/vmstat');
    };
    expect(run()).toBe(run());
  });
});
