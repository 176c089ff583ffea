import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';
import { MS, schedstat } from './helpers';

const file = path.resolve(__dirname, '../../../../resources/scenarios/rt-runtime-limit.yaml');

/** The preset on `version`, run to `untilNs`. */
function run(version: string | null, untilNs: number): Simulation {
  const s = loadScenario(readFileSync(file, 'utf8'), 'rt-runtime-limit.yaml');
  if (version) s.kernel.version = version;
  const sim = new Simulation(s);
  sim.advance(untilNs);
  return sim;
}

describe('experiment: rt-runtime-limit shows what its text says', () => {
  it('6.18: the fair server gives the fair task 50 ms per second, before and after sched_rt_runtime_us=-1', () => {
    const at10 = run(null, 10e9);
    const end = run(null, 15e9);
    expect(schedstat(at10, 'fair').exec).toBe(500 * MS);
    expect(schedstat(end, 'fair').exec).toBe(750 * MS);
    expect(schedstat(end, 'fifo').exec).toBe(14250 * MS);
    expect(schedstat(end, 'rr#0').exec).toBe(7500 * MS);
    expect(schedstat(end, 'rr#1').exec).toBe(7500 * MS);
    expect(end.log.some((e) => e.message === 'sched: RT throttling activated')).toBe(false);
  });

  it('6.11: RT throttling leaves ≈50 ms per second until the write, then the fair task starves', () => {
    const at10 = run('6.11', 10e9);
    const end = run('6.11', 15e9);
    expect(Math.abs(schedstat(at10, 'fair').exec - 500 * MS)).toBeLessThanOrEqual(2 * MS);
    expect(schedstat(end, 'fair').exec).toBe(schedstat(at10, 'fair').exec);
    // the RR pair: 95 % of cpu1 for 10 s, then all of it
    const rr = schedstat(end, 'rr#0').exec + schedstat(end, 'rr#1').exec;
    expect(Math.abs(rr - 14500 * MS)).toBeLessThanOrEqual(5 * MS);
    expect(end.log.some((e) => e.message === 'sched: RT throttling activated')).toBe(true);
  });
});
