/** Replications started from the Run view: progress (done/total, ETA) and cancellation. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ExperimentProgressEvent, RunInfo } from '../../src-main/ipc/contract.ts';
import type { Scenario } from '../../src-sim/api';
import { parseSeeds } from '../../src-sim/api';
import { useService } from './service';

export const useExperiments = defineStore('experiments', () => {
  const progress = ref<ExperimentProgressEvent | null>(null);
  const runIds = ref<string[]>([]);
  let unsub: (() => void) | null = null;

  /** "1..10" or "1,4,9" → one run per seed; throws the parser's message for anything else. */
  async function replicate(scenario: Scenario, seedsText: string, name?: string): Promise<void> {
    const seeds = parseSeeds(seedsText);
    if (typeof seeds === 'string') throw new Error(`seeds: ${seeds}`);
    const svc = useService();
    unsub ??= svc.on('onExperimentProgress', (p) => {
      if (progress.value === null || p.experimentId === progress.value.experimentId) progress.value = p;
    });
    progress.value = null;
    const r = await svc.call('experiment/replicate', { scenario, seeds, ...(name ? { name } : {}) });
    runIds.value = r.runIds;
    progress.value ??= { experimentId: r.experimentId, done: 0, total: seeds.length, failed: 0, etaMs: null, finished: false };
  }

  async function cancel(): Promise<void> {
    if (progress.value) progress.value = await useService().call('experiment/cancel', { experimentId: progress.value.experimentId });
  }

  return { progress, runIds, replicate, cancel };
});

/** "3/10 runs done (1 failed), ETA 0:42". */
export function progressText(p: ExperimentProgressEvent): string {
  const failed = p.failed ? ` (${p.failed} failed)` : '';
  if (p.etaMs === null || p.finished) return `${p.done}/${p.total} runs done${failed}`;
  const s = Math.round(p.etaMs / 1000);
  return `${p.done}/${p.total} runs done${failed}, ETA ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export type { RunInfo };
