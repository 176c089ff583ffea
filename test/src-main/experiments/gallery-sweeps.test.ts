import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSweepFile } from '../../../src-main/cli/sweep-input';
import { localExecutor } from '../../../src-main/experiments/executors';
import { planSweep } from '../../../src-main/experiments/plan';
import { runExperiment } from '../../../src-main/experiments/run-experiment';

const DIR = 'resources/sweeps';
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

describe('gallery sweeps (resources/sweeps)', () => {
  it('there is one per seed story', () => {
    expect(files.sort()).toEqual(['deadline-read-expire.yaml', 'dirty-ratio.yaml', 'memory-high.yaml']);
  });

  for (const f of files) {
    it(`${f}: loads, has 10 seeds and a described knob, and the kernel accepts every point`, () => {
      const { spec, base } = readSweepFile(`${DIR}/${f}`);
      expect(spec.seeds).toHaveLength(10);
      expect(spec.knobs.length).toBeGreaterThanOrEqual(1);
      expect(spec.description.length).toBeGreaterThan(80);
      const plan = planSweep(spec, { text: base.text, file: base.file, name: base.scenario.name }, (p) => readFileSync(p, 'utf8'));
      expect(plan.jobs.filter((j) => j.error !== null).map((j) => j.error)).toEqual([]);
    });

    it(`${f}: every metric reads a number at the extreme points (short runs, one seed)`, async () => {
      const { spec, base } = readSweepFile(`${DIR}/${f}`);
      // Lean: the first and last value, one seed, 1 s.
      const short = { ...spec, seeds: [1], durationNs: 1e9, knobs: spec.knobs.map((k) => ({ ...k, values: [k.values[0]!, k.values.at(-1)!] })) as typeof spec.knobs };
      const plan = planSweep(short, { text: base.text, file: base.file, name: base.scenario.name }, (p) => readFileSync(p, 'utf8'));
      const r = await runExperiment(plan, { executor: localExecutor({ size: 2, metrics: spec.metrics }) });
      for (const p of r.results) {
        expect(p.status).toBe('complete');
        for (const m of spec.metrics) expect(p.metrics[m.label], `${f} ${m.label}`).toEqual(expect.any(Number));
      }
    });
  }
});
