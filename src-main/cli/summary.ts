import type { LogEntry } from '../../src-sim/engine/event-log';
import type { Scenario } from '../../src-sim/scenario/types';
import type { RunEnd } from '../sim-host/protocol';

export const SUMMARY_FORMAT = 'kernel-lab/summary@1';

/** The machine-readable result of one run (`kernel-lab run --json`; also stored with the run). */
export interface RunSummary {
  format: typeof SUMMARY_FORMAT;
  scenario: string;
  seed: number;
  simulated_ns: number;
  wall_ms: number;
  events: number;
  tasks: Record<string, number>;
  files: Record<string, string>;
  log: LogEntry[];
}

export function buildSummary(scenario: Scenario, end: RunEnd, log: LogEntry[]): RunSummary {
  return {
    format: SUMMARY_FORMAT,
    scenario: scenario.name,
    seed: scenario.seed,
    simulated_ns: end.simulatedNs,
    wall_ms: Math.round(end.wallMs * 1000) / 1000,
    events: end.events,
    tasks: end.tasks,
    files: end.files,
    log,
  };
}
