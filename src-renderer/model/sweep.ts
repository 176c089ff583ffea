/**
 * A sweep built in the Sweep view from the current scenario: one or two
 * knobs (a writable virtual file such as /sys/fs/cgroup/web/cpu.max, or a
 * scenario key such as machine.cpus) with comma-separated values, seeds and
 * metrics, written as a kernel-lab/sweep@1 file next to the scenario written
 * as a file — the same two texts `kernel-lab sweep` reads, so a sweep started
 * here resumes from the command line and back.
 */
import { parse, stringify } from 'yaml';
import { parseSeeds, toScenarioFile, type Scenario } from '../../src-sim/api';

export interface KnobInput {
  /** "/abs/virtual/file" or a scenario key "machine.cpus". */
  target: string;
  /** Comma-separated values ("50, 500, 2000"; "20000 100000, 80000 100000"). */
  values: string;
}

export interface DraftSweepInput {
  knobs: KnobInput[];
  seeds: string;
  /** "PATH:FIELD" metrics, separated by commas or new lines. */
  metrics: string;
  /** "2s", "500ms"; empty: the scenario's own. */
  duration: string;
}

export interface SweepTexts {
  sweep: { text: string; fileName: string };
  scenario: { text: string; fileName: string };
}

/** The draft sweep's two files; throws a message naming the field for input the sweep format cannot take. */
export function draftSweepTexts(scenario: Scenario, input: DraftSweepInput): SweepTexts {
  const base = scenario.name.replace(/[^A-Za-z0-9._-]+/g, '-') || 'scenario';
  const knobs = input.knobs
    .filter((k) => k.target.trim() !== '')
    .map((k, i) => {
      const target = k.target.trim();
      const raw = k.values.split(',').map((v) => v.trim()).filter((v) => v !== '');
      if (raw.length === 0) throw new Error(`knob ${i + 1} (${target}): expected comma-separated values`);
      // A file takes the text written to it; a scenario key takes YAML scalars (2 → a number, true → a boolean).
      if (target.startsWith('/')) return { file: target, label: target.slice(target.lastIndexOf('/') + 1), values: raw };
      return { key: target, label: target, values: raw.map((v) => parse(v) as unknown) };
    });
  const seeds = parseSeeds(input.seeds.trim() || '1');
  if (typeof seeds === 'string') throw new Error(`seeds: ${seeds}`);
  const metrics = input.metrics.split(/[\s,]+/).filter((m) => m !== '');
  if (metrics.length === 0) throw new Error('metrics: expected at least one PATH:FIELD, e.g. /sys/fs/cgroup/web/cpu.stat:usage_usec');
  const doc: Record<string, unknown> = {
    format: 'kernel-lab/sweep@1',
    name: `${scenario.name}: ${knobs.map((k) => k.label).join(' × ') || 'seeds'}`,
    scenario: `${base}.yaml`,
    ...(input.duration.trim() ? { duration: input.duration.trim() } : {}),
    seeds,
    knobs,
    metrics,
  };
  return {
    sweep: { text: stringify(doc), fileName: `${base}.sweep.yaml` },
    scenario: { text: stringify(toScenarioFile(scenario)), fileName: `${base}.yaml` },
  };
}
