// PELT used where the kernel uses it (kernel/sched/fair.c): calc_group_shares
// from load_avg and tg->load_avg (update_tg_load_avg), attach/detach of a
// moving task's load, task_h_load for the load balancer.
import { describe, expect, test } from 'vitest';
import { schedulerOf } from '../../../../src-sim/kernel/sched/install';
import { taskHLoad } from '../../../../src-sim/kernel/sched/load-avg';
import type { CfsRq, TaskSched } from '../../../../src-sim/kernel/sched/entities';
import { LOAD_AVG } from '../../../../src-sim/kernel/sched/sched-store';
import type { Simulation } from '../../../../src-sim/simulation';
import { MS, S, pidOf, scenario, taskSpec } from './helpers';
import { Simulation as Sim } from '../../../../src-sim/simulation';

/** cfs_rq->avg.load_avg, from the scheduler's store. */
function loadAvgOf(q: CfsRq): number {
  return q.store.d[q.slot + LOAD_AVG]!;
}

// kernel/sched/pelt.c: 1024 µs periods, y^32 = 0.5
const PERIOD = 1024 * 1024;

function group(sim: Simulation, path: string) {
  const s = schedulerOf(sim.kernel);
  return s.tgOf(sim.kernel.cgroups.get(path)!);
}

/** The weight CPU `cpu`'s tick would give the group entity now (update_cfs_group). */
function shareOn(sim: Simulation, path: string, cpu: number): number {
  const s = schedulerOf(sim.kernel);
  const se = group(sim, path).se[cpu]!;
  s.enter();
  s.ctx.now = sim.kernel.now;
  s.updateCfsGroup(se);
  s.leave();
  return se.weight;
}

function taskOf(sim: Simulation, name: string): TaskSched {
  return sim.kernel.tasks.get(pidOf(sim, name))!.sched as TaskSched;
}

describe('calc_group_shares from PELT', () => {
  test('a group whose task on CPU1 sleeps keeps weight there: CPU0 share = 1024²/(1024 + L1·y^n) as the blocked load decays', () => {
    // a: a hog of /G on CPU0; b: /G on CPU1, runs 300 ms then sleeps 700 ms
    const s = scenario(
      2,
      [
        taskSpec({ name: 'a', cgroup: '/G', cpus: [0] }),
        taskSpec({ name: 'b', cgroup: '/G', cpus: [1], run: { type: 'periodic', busyNs: 300 * MS, periodNs: 1 * S, jitter: 0 } }),
      ],
      { durationNs: 2 * S, cgroups: [{ path: '/G', writes: [] }] },
    );
    const sim = new Sim(s);
    const b = sim.kernel.tasks.get(pidOf(sim, 'b'))!;
    // find the moment b goes to sleep after its first burst
    let t = 200 * MS;
    sim.advance(t);
    expect(b.state === 'running' || b.state === 'runnable').toBe(true);
    while (b.state !== 'sleeping') {
      t += 0.25 * MS;
      sim.advance(t);
    }
    const q1 = group(sim, '/G').cfsRq[1]!;
    const L1 = loadAvgOf(q1);
    expect(L1).toBeGreaterThan(1000); // ran 300 ms: saturated
    // CPU1 refreshes its blocked load at its periodic balance (every 32 ms while it was busy, then 2 ms):
    // from ≈40 ms of sleep on, CPU0's share follows the decay
    const t0 = t;
    const seen: string[] = [];
    for (const n of [40, 64, 96, 128, 256]) {
      sim.advance(t0 + n * PERIOD);
      const want = (1024 * 1024) / (1024 + L1 * Math.pow(0.5, n / 32));
      const got = shareOn(sim, '/G', 0);
      seen.push(`${n}: ${got} vs ${want.toFixed(0)}`);
      // the 1/64 filter of update_tg_load_avg and the 2 ms blocked-average updates: within 3 %
      expect(Math.abs(got - want), seen.join(', ')).toBeLessThan(0.03 * want);
    }
    // with instantaneous weights the share would have been 1024 from the first moment
    expect(seen[0]).toMatch(/^40: 7[0-4]\d /);
  });

  test('a 50 % sibling on the other CPU: the hog’s CPU holds ≈ 1024²/(1024 + 512) ≈ 683 whether the sibling runs or sleeps', () => {
    const s = scenario(
      2,
      [
        taskSpec({ name: 'a', cgroup: '/G', cpus: [0] }),
        taskSpec({ name: 'b', cgroup: '/G', cpus: [1], run: { type: 'periodic', busyNs: 5 * MS, periodNs: 10 * MS, jitter: 0 } }),
      ],
      { durationNs: 1 * S, cgroups: [{ path: '/G', writes: [] }] },
    );
    const sim = new Sim(s);
    const b = sim.kernel.tasks.get(pidOf(sim, 'b'))!;
    const bySleeping = { true: [] as number[], false: [] as number[] };
    for (let ms = 500; ms < 700; ms += 1.3) {
      sim.advance(ms * MS);
      bySleeping[String(b.state === 'sleeping') as 'true' | 'false'].push(shareOn(sim, '/G', 0));
    }
    for (const k of ['true', 'false'] as const) {
      const v = bySleeping[k];
      expect(v.length).toBeGreaterThan(20);
      const mean = v.reduce((x, y) => x + y, 0) / v.length;
      expect(Math.abs(mean - 683), `sleeping=${k}: mean ${mean.toFixed(0)}`).toBeLessThan(30);
    }
  });

  test('tg->load_avg follows its queues within the 1/64 filter (update_tg_load_avg)', () => {
    const s = scenario(
      2,
      [taskSpec({ name: 'a', cgroup: '/G', cpus: [0] }), taskSpec({ name: 'b', cgroup: '/G', cpus: [1], run: { type: 'periodic', busyNs: 3 * MS, periodNs: 10 * MS, jitter: 0.3 } })],
      { durationNs: 1 * S, cgroups: [{ path: '/G', writes: [] }] },
    );
    const sim = new Sim(s);
    for (let ms = 50; ms < 600; ms += 37) {
      sim.advance(ms * MS);
      const tg = group(sim, '/G');
      let contrib = 0;
      for (const q of tg.cfsRq) {
        contrib += q.tgLoadAvgContrib;
        // a contribution is refreshed once its queue's load_avg moved by more than 1/64 of it (+ decay until the next update)
        expect(Math.abs(loadAvgOf(q) - q.tgLoadAvgContrib)).toBeLessThanOrEqual(Math.floor(q.tgLoadAvgContrib / 64) + 0.1 * 1024);
      }
      expect(tg.loadAvg).toBe(contrib);
    }
  });
});

describe('moving load with the task (attach/detach) and task_h_load', () => {
  test('a hog moved to another group takes its load_avg with it at once; the CPU load stays', () => {
    const s = scenario(1, [taskSpec({ name: 'x', cgroup: '/A' })], {
      durationNs: 1 * S,
      cgroups: [
        { path: '/A', writes: [] },
        { path: '/B', writes: [] },
      ],
    });
    const sim = new Sim(s);
    sim.advance(300 * MS);
    const a = group(sim, '/A').cfsRq[0]!;
    const bq = group(sim, '/B').cfsRq[0]!;
    const root = schedulerOf(sim.kernel).rqs[0]!.cfs;
    expect(loadAvgOf(a)).toBeGreaterThan(1000);
    expect(loadAvgOf(bq)).toBe(0);
    schedulerOf(sim.kernel).migrate(sim.kernel.tasks.get(pidOf(sim, 'x'))!, sim.kernel.cgroups.get('/B')!);
    expect(loadAvgOf(a), 'detached from /A').toBeLessThan(20);
    expect(group(sim, '/A').loadAvg).toBeLessThan(20);
    expect(loadAvgOf(bq), 'attached to /B').toBeGreaterThan(1000);
    expect(group(sim, '/B').loadAvg).toBeGreaterThan(1000);
    expect(Math.abs(loadAvgOf(root) - 1024), `root ${loadAvgOf(root)}`).toBeLessThan(40);
  });

  test('a hog moved to another CPU takes its load: source cpu_load ≈ 0, destination ≈ 1024', () => {
    const s = scenario(2, [taskSpec({ name: 'x', cpus: [0] })], { durationNs: 1 * S });
    const sim = new Sim(s);
    sim.advance(300 * MS);
    const sch = schedulerOf(sim.kernel);
    const [r0, r1] = [sch.rqs[0]!.cfs, sch.rqs[1]!.cfs];
    expect(loadAvgOf(r0)).toBeGreaterThan(1000);
    const x = sim.kernel.tasks.get(pidOf(sim, 'x'))!;
    x.affinity = [1];
    sch.enforceAffinity(x.sched as TaskSched);
    expect(loadAvgOf(r0)).toBeLessThan(20);
    expect(loadAvgOf(r1)).toBeGreaterThan(1000);
  });

  test('task_h_load: a task’s load scaled by its group’s share of the CPU (cpu.weight 300 vs a root hog)', () => {
    const s = scenario(1, [taskSpec({ name: 'r' }), taskSpec({ name: 'g', cgroup: '/G' })], {
      durationNs: 1 * S,
      cgroups: [{ path: '/G', writes: [['cpu.weight', '300']] }],
    });
    const sim = new Sim(s);
    sim.advance(600 * MS);
    // root load_avg ≈ 1024 + 3072; the group entity ≈ 3072 of it; its only task carries all of that
    const hr = taskHLoad(taskOf(sim, 'r').se);
    const hg = taskHLoad(taskOf(sim, 'g').se);
    expect(Math.abs(hr - 1024), `r ${hr}`).toBeLessThan(0.03 * 1024);
    expect(Math.abs(hg - 3072), `g ${hg}`).toBeLessThan(0.03 * 3072);
  });

  test('deterministic: same scenario, same PELT state', () => {
    const s = scenario(
      2,
      [taskSpec({ name: 'p', cgroup: '/G', count: 5, run: { type: 'periodic', busyNs: 2 * MS, periodNs: 5 * MS, jitter: 0.4 } })],
      { durationNs: 0.3 * S, cgroups: [{ path: '/G', writes: [] }] },
    );
    const state = (): string => {
      const sim = new Sim(s);
      sim.advance(0.3 * S);
      const tg = group(sim, '/G');
      return JSON.stringify([tg.loadAvg, tg.se.map((e) => e!.weight), sim.files()]);
    };
    expect(state()).toBe(state());
  });
});
