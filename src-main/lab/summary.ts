import type { Scenario, TimelineAction } from '../../src-sim/scenario/types';
import type { RunResult } from '../sim-host/pool';
import { APP_VERSION } from './version';

export const SUMMARY_FORMAT = 'kernel-lab/summary@1';

/**
 * A run's summary in the CLI's JSON format (kernel-lab/summary@1): what ran,
 * how it ended, and the final text of every readable virtual file, so two
 * runs can be compared file by file as on a real machine.
 */
export interface RunSummary {
  format: typeof SUMMARY_FORMAT;
  appVersion: string;
  scenario: { name: string; seed: number; run: number; durationNs: number; sampleIntervalNs: number };
  status: 'complete' | 'cancelled' | 'failed';
  error: string | null;
  simulatedNs: number;
  events: number;
  wallMs: number;
  liveActions: TimelineAction[];
  tasks: Record<string, number>;
  files: Record<string, string>;
}

export function buildSummary(scenario: Scenario, r: RunResult, simNs: number): RunSummary {
  const base = {
    format: SUMMARY_FORMAT,
    appVersion: APP_VERSION,
    scenario: {
      name: scenario.name,
      seed: scenario.seed,
      run: scenario.run,
      durationNs: scenario.durationNs,
      sampleIntervalNs: scenario.sampleIntervalNs,
    },
  } as const;
  if (r.status === 'failed') {
    return { ...base, status: 'failed', error: r.error, simulatedNs: simNs, events: 0, wallMs: 0, liveActions: [], tasks: {}, files: {} };
  }
  return {
    ...base,
    status: r.status,
    error: null,
    simulatedNs: r.simulatedNs,
    events: r.events,
    wallMs: r.wallMs,
    liveActions: r.liveActions,
    tasks: r.tasks,
    files: r.files,
  };
}
