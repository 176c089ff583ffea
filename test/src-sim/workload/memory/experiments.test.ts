import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';

const SCENARIOS = path.resolve(__dirname, '../../../../resources/scenarios');
const MiB = 1024 * 1024;

function load(name: string, edit: (text: string) => string = (t) => t): Simulation {
  const text = edit(readFileSync(path.join(SCENARIOS, `${name}.yaml`), 'utf8'));
  return new Simulation(loadScenario(text, `${name}.yaml`));
}

function stat(sim: Simulation, file: string, key: string): number {
  for (const line of sim.kernel.vfs.read(file).split('\n')) {
    const [k, v] = line.split(' ');
    if (k === key) return Number(v);
  }
  throw new Error(`${file} has no ${key}`);
}

const num = (sim: Simulation, file: string): number => Number(sim.kernel.vfs.read(file));

describe('memory experiments (resources/scenarios/mem-*.yaml)', () => {
  it('trading + backup: an unlimited backup evicts the trading working set; in a 64 MiB memcg it does not', () => {
    const DB_PAGES = (1400 * MiB) / 4096;
    const run = (name: string): { refaults: number; majfaults: number } => {
      const sim = load(name);
      sim.runToEnd();
      const st = '/sys/fs/cgroup/trading/memory.stat';
      return { refaults: stat(sim, st, 'workingset_refault_file'), majfaults: stat(sim, st, 'pgmajfault') };
    };
    const free = run('mem-trading-backup');
    const confined = run('mem-trading-backup-memcg');
    // Each database page's first touch is one major fault; anything beyond is a page brought back after eviction.
    expect(free.refaults).toBeGreaterThan(1000);
    expect(free.majfaults).toBeGreaterThan(DB_PAGES + 1000);
    expect(confined.refaults).toBe(0);
    expect(confined.majfaults).toBeLessThanOrEqual(DB_PAGES);
  });

  it('memory.high vs memory.max on the same allocator: throttled but alive vs OOM-killed', () => {
    const sim = load('mem-high-vs-max');
    let maxThrottled = 0;
    for (let t = 0.1e9; t <= 10e9; t += 0.1e9) {
      sim.advance(t);
      maxThrottled = Math.max(maxThrottled, num(sim, '/sys/fs/cgroup/throttled/memory.current'));
    }
    const kills = sim.log.filter((e) => e.kind === 'oom_kill');
    expect(kills.map((e) => [e.task, e.cgroup])).toEqual([['capped', '/capped']]);
    expect(stat(sim, '/sys/fs/cgroup/capped/memory.events', 'oom_kill')).toBe(1);
    expect(stat(sim, '/sys/fs/cgroup/throttled/memory.events', 'oom_kill')).toBe(0);
    expect(stat(sim, '/sys/fs/cgroup/throttled/memory.events', 'high')).toBeGreaterThan(10);
    // Over high but far from the 200 MiB it wants after 10 s: the penalty sleeps throttle it.
    expect(maxThrottled).toBeGreaterThan(100 * MiB);
    expect(maxThrottled).toBeLessThan(130 * MiB);
    const pressure = sim.kernel.vfs.read('/sys/fs/cgroup/throttled/memory.pressure');
    expect(Number(/some avg10=([0-9.]+)/.exec(pressure)![1])).toBeGreaterThan(50);
  });

  it('memory.low keeps a group’s page cache resident under global pressure; without it the cache is evicted', () => {
    const run = (low: string): { current: number; refaults: number; lowEvents: number } => {
      const sim = load('mem-low-protection', (t) => t.replace('memory.low: 400M', `memory.low: ${low}`));
      sim.runToEnd();
      return {
        current: num(sim, '/sys/fs/cgroup/protected/memory.current'),
        refaults: stat(sim, '/sys/fs/cgroup/protected/memory.stat', 'workingset_refault_file'),
        lowEvents: stat(sim, '/sys/fs/cgroup/protected/memory.events', 'low'),
      };
    };
    const protectedRun = run('400M');
    const bare = run('0');
    expect(protectedRun.current).toBe(300 * MiB);
    expect(protectedRun.refaults).toBe(0);
    expect(protectedRun.lowEvents).toBe(0);
    expect(bare.current).toBeLessThan(260 * MiB);
    expect(bare.refaults).toBeGreaterThan(2_000);
  });

  it('v1 soft limits: largest-excess reclaims only the group furthest over; round-robin takes from all three', () => {
    const losses = (policy: string): number[] => {
      const sim = load('mem-soft-limits-v1', (t) => t.replace('vm.lab_soft_limit_policy: largest-excess', `vm.lab_soft_limit_policy: ${policy}`));
      sim.advance(2.9e9);
      const before = ['a', 'b', 'c'].map((g) => num(sim, `/sys/fs/cgroup/memory/${g}/memory.usage_in_bytes`));
      sim.runToEnd();
      expect(sim.log.filter((e) => e.kind === 'oom_kill')).toEqual([]);
      return ['a', 'b', 'c'].map((g, i) => before[i]! - num(sim, `/sys/fs/cgroup/memory/${g}/memory.usage_in_bytes`));
    };
    const [la, lb, lc] = losses('largest-excess');
    expect(la).toBeGreaterThan(50 * MiB);
    expect(lb).toBe(0);
    expect(lc).toBe(0);
    const rr = losses('round-robin');
    for (const l of rr) expect(l).toBeGreaterThan(10 * MiB);
    expect(Math.max(...rr) / Math.min(...rr)).toBeLessThan(2);
  });

  it('a preset run is reproducible: same scenario and seed give identical memory files and event log', () => {
    const snapshot = (): string => {
      const sim = load('mem-high-vs-max');
      sim.runToEnd();
      const f = sim.files();
      const keys = Object.keys(f).filter((k) => /memory\.(stat|events|current)$|\/proc\/(vmstat|meminfo)$/.test(k));
      return JSON.stringify([keys.map((k) => f[k]), sim.log]);
    };
    expect(snapshot()).toBe(snapshot());
  });
});
