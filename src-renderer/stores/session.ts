/** The open session (.klab file): new, open, save as, close, recent; asks before dropping unsaved edits. */
import { loadScenario } from '../../src-sim/api';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SessionInfo } from '../../src-main/ipc/contract.ts';
import { newScenario } from '../model/scenario';
import { useRuns } from './runs';
import { useScenario } from './scenario';
import { useService } from './service';
import { useUi } from './ui';

export const useSession = defineStore('session', () => {
  const info = ref<SessionInfo>({ path: null, untitled: true, runCount: 0, savedAt: null });
  let unwatch: (() => void) | null = null;
  const recent = ref<string[]>([]);

  /** The service makes the untitled session when a run starts with none open, and tells every client. */
  function watchChanges(): void {
    unwatch?.();
    unwatch = useService().on('onSessionChanged', (next) => (info.value = next));
  }

  async function refresh(): Promise<void> {
    const s = useService();
    info.value = await s.call('session/info', {});
    recent.value = (await s.call('session/recent', {})).paths;
  }

  /** True when it is fine to drop the draft (clean, or the user agreed). */
  async function mayDiscard(): Promise<boolean> {
    const sc = useScenario();
    if (!sc.dirty) return true;
    return useUi().confirm('The scenario has unsaved changes (not yet run or saved). Discard them?');
  }

  async function afterSwitch(next: SessionInfo): Promise<void> {
    info.value = next;
    const runs = useRuns();
    runs.reset();
    if (next.path) await runs.refresh();
    await restoreDraft();
    recent.value = (await useService().call('session/recent', {})).paths;
  }

  /** The draft of a reopened session is the scenario of its newest run, live actions folded in. */
  async function restoreDraft(): Promise<void> {
    const runs = useRuns();
    const sc = useScenario();
    const newest = runs.list[0];
    if (!newest) {
      sc.replace(newScenario(), { clean: true });
      return;
    }
    const { text, filename } = await useService().call('export/scenario', { runId: newest.id, format: 'json' });
    sc.replace(loadScenario(text, filename, { kernelChecks: false }), { clean: true });
  }

  async function create(path: string): Promise<boolean> {
    if (!(await mayDiscard())) return false;
    await afterSwitch(await useService().call('session/new', { path }));
    return true;
  }
  async function open(path: string): Promise<boolean> {
    if (!(await mayDiscard())) return false;
    await afterSwitch(await useService().call('session/open', { path }));
    return true;
  }
  /** Untitled or named, with or without runs: the session is written to `path` and continues there. */
  async function saveAs(path: string): Promise<void> {
    if (!path.trim()) throw new Error('Save as: type the path of the new session file (ending in .klab) first');
    info.value = await useService().call('session/saveAs', { path: path.trim() });
    useScenario().dirty = false;
    recent.value = (await useService().call('session/recent', {})).paths;
  }
  async function close(): Promise<boolean> {
    if (!(await mayDiscard())) return false;
    await afterSwitch(await useService().call('session/close', {}));
    return true;
  }
  return { info, recent, watchChanges, refresh, create, open, saveAs, close, mayDiscard };
});
