/** The sweep file format `kernel-lab/sweep@1`, resolved (see README.md). */
export const SWEEP_FORMAT = 'kernel-lab/sweep@1';

/** A writable virtual file written at t = 0 (after the scenario's own t = 0 writes), or a key of the scenario file. */
export type Knob =
  | { kind: 'file'; path: string; label: string; values: string[] }
  | { kind: 'key'; key: (string | number)[]; label: string; values: (string | number | boolean)[] };

/** One number read from a run: field FIELD of virtual file PATH at the end of the run ("PATH:FIELD"). */
export interface Metric {
  path: string;
  /** parseFields name: "" for a one-value file, "usage_usec", "some.avg10", "0" (by position)… */
  field: string;
  /** "PATH:FIELD" as written. */
  label: string;
}

export interface SweepSpec {
  format: typeof SWEEP_FORMAT;
  name: string;
  description: string;
  /** The scenario file as written in the sweep (relative to the sweep file's folder). */
  scenario: string;
  /** Overrides the scenario's duration (ns), when given. */
  durationNs: number | null;
  seeds: number[];
  /** Zero knobs: replications; one: a line with bands; two: a heatmap. */
  knobs: Knob[];
  metrics: Metric[];
}

/** One combination of knob values (index into the cartesian product, first knob outermost). */
export interface SweepPoint {
  index: number;
  /** Knob label → value, in knob order. */
  values: Record<string, string | number | boolean>;
}
