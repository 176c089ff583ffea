import { createHash } from 'node:crypto';
import { pointName, pointScenario, sweepPoints } from '../../src-sim/sweep/points';
import type { SweepPoint, SweepSpec } from '../../src-sim/sweep/types';
import type { Scenario } from '../../src-sim/scenario/types';

/** One unit of work: a point of the sweep with one seed. */
export interface PointJob {
  point: SweepPoint;
  seed: number;
  name: string;
  /** The resolved scenario, or the loader's/kernel's refusal of this point's values. */
  scenario: Scenario | null;
  error: string | null;
}

export interface Plan {
  spec: SweepSpec;
  kind: 'replications' | 'sweep';
  /** Same scenario text, knobs and duration ⇒ same identity: a rerun resumes the stored experiment. */
  identity: string;
  points: SweepPoint[];
  jobs: PointJob[];
}

/**
 * Expand a sweep into point × seed jobs, each with its resolved scenario.
 * Every point is loaded up front: a value the kernel refuses becomes that
 * point's error (stored, shown) and never reaches a worker.
 */
export function planSweep(spec: SweepSpec, base: { text: string; file: string; name: string }, readFile: (p: string) => string): Plan {
  const points = sweepPoints(spec);
  const identity = createHash('sha256')
    .update(JSON.stringify({ text: base.text, knobs: spec.knobs, durationNs: spec.durationNs }))
    .digest('hex')
    .slice(0, 32);
  const jobs: PointJob[] = [];
  for (const point of points) {
    // The seed only seeds the PRNG: load (and kernel-check) each point once, then set each seed.
    const r = pointScenario(base, spec.knobs, point, spec.seeds[0]!, spec.durationNs, { readFile });
    for (const seed of spec.seeds) {
      jobs.push({ point, seed, name: pointName(base.name, point, seed), scenario: r.ok ? { ...r.scenario, seed } : null, error: r.ok ? null : r.error });
    }
  }
  return { spec, kind: spec.knobs.length ? 'sweep' : 'replications', identity, points, jobs };
}
