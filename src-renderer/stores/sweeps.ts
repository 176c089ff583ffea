/** Sweeps from the Sweep view: start (local runner or BullMQ workers), progress, cancel, the stored sweeps and the result shown. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ExperimentProgressEvent, SweepListEntry, SweepResult } from '../../src-main/ipc/contract.ts';
import type { SweepTexts } from '../model/sweep';
import { useRuns } from './runs';
import { useService } from './service';

const REDIS_KEY = 'kernel-lab.sweep.redisUrl';

export const useSweeps = defineStore('sweeps', () => {
  const progress = ref<ExperimentProgressEvent | null>(null);
  const list = ref<SweepListEntry[]>([]);
  const result = ref<SweepResult | null>(null);
  /** Empty: the local runner; else BullMQ workers on this Redis (kept between sessions, as a setting). */
  const redisUrl = ref(readSetting());
  let unsub: (() => void) | null = null;
  let refreshing: Promise<void> | null = null;

  function listen(): void {
    unsub ??= useService().on('onExperimentProgress', (p) => {
      if (progress.value?.experimentId !== p.experimentId) return;
      progress.value = p;
      // Redraw as points finish (one request in flight at a time), and once more at the end.
      if (p.finished) void Promise.all([show(p.experimentId), refreshList(), useRuns().refresh()]);
      else refreshing ??= show(p.experimentId).finally(() => (refreshing = null));
    });
  }

  async function start(t: SweepTexts & { files?: Record<string, string> }): Promise<void> {
    listen();
    const url = redisUrl.value.trim();
    saveSetting(url);
    const r = await useService().call('experiment/sweep', { ...t, ...(url ? { redisUrl: url } : {}) });
    progress.value = { experimentId: r.experimentId, done: r.resumed, total: r.total, failed: 0, etaMs: null, finished: false };
    await show(r.experimentId);
    await refreshList();
  }

  async function cancel(): Promise<void> {
    if (progress.value) progress.value = { ...(await useService().call('experiment/cancel', { experimentId: progress.value.experimentId })) };
  }

  async function refreshList(): Promise<void> {
    list.value = (await useService().call('experiment/list', {})).sweeps;
  }

  async function show(experimentId: number): Promise<void> {
    result.value = await useService().call('experiment/result', { experimentId });
  }

  return { progress, list, result, redisUrl, start, cancel, refreshList, show };
});

function readSetting(): string {
  try {
    return globalThis.localStorage?.getItem(REDIS_KEY) ?? '';
  } catch {
    return '';
  }
}

function saveSetting(url: string): void {
  try {
    globalThis.localStorage?.setItem(REDIS_KEY, url);
  } catch {
    // Storage disabled: the setting lasts for this window only.
  }
}
