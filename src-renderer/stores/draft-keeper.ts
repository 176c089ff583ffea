/**
 * The editor's draft survives a reload, a crash of the tab or of the server:
 * while it has unsaved edits it is written to localStorage (debounced), and
 * on start-up a stored draft with unsaved edits comes back, still marked
 * unsaved. A draft made clean (run, saved, session switched) is forgotten.
 */
import type { Pinia } from 'pinia';
import { watch } from 'vue';
import type { Scenario } from '../model/types';
import { loadPref, savePref } from '../util/prefs';
import { useScenario } from './scenario';
import { useUi } from './ui';

export interface StoredDraft {
  v: 1;
  savedAt: number;
  /** The session file open when it was written (null: none). */
  session: string | null;
  scenario: Scenario;
  nics: string[];
  positions: Record<string, { x: number; y: number }>;
}

const KEY = 'draft';
const DEBOUNCE_MS = 250;

export function encodeDraft(d: StoredDraft): string {
  return JSON.stringify(d);
}

/** The stored draft, or null when there is none or it is not one this version wrote (then it is ignored, not half-loaded). */
export function decodeDraft(text: string | null): StoredDraft | null {
  if (!text) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const d = v as Partial<StoredDraft>;
  const sc = d.scenario as Partial<Scenario> | undefined;
  if (d.v !== 1 || typeof d.savedAt !== 'number' || !sc || typeof sc !== 'object') return null;
  if (typeof sc.machine !== 'object' || !Array.isArray(sc.tasks) || !Array.isArray(sc.cgroups) || !Array.isArray(sc.timeline)) return null;
  return { v: 1, savedAt: d.savedAt, session: d.session ?? null, scenario: sc as Scenario, nics: Array.isArray(d.nics) ? d.nics : [], positions: d.positions ?? {} };
}

/** Start writing the draft while it has unsaved edits; returns the stop function. */
export function keepDraft(pinia: Pinia, session: () => string | null): () => void {
  const sc = useScenario(pinia);
  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = (): void => {
    timer = null;
    if (!sc.dirty) return void savePref(KEY, null);
    savePref(KEY, encodeDraft({ v: 1, savedAt: Date.now(), session: session(), scenario: sc.draft, nics: sc.nics, positions: sc.positions }));
  };
  const stop = watch(
    () => [sc.draft, sc.dirty, sc.positions] as const,
    () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(write, DEBOUNCE_MS);
    },
    { deep: true },
  );
  return () => {
    stop();
    if (timer) clearTimeout(timer);
  };
}

/** Put a stored unsaved draft back into the editor; returns it (null: nothing to restore). */
export function restoreDraft(pinia: Pinia): StoredDraft | null {
  const d = decodeDraft(loadPref(KEY));
  if (!d) return null;
  const sc = useScenario(pinia);
  sc.replace(d.scenario, { nics: d.nics });
  sc.positions = d.positions;
  const at = new Date(d.savedAt).toLocaleTimeString();
  useUi(pinia).notify('info', `Restored your unsaved scenario draft from ${at}${d.session ? ` (session ${d.session.split('/').pop()})` : ''}.`);
  return d;
}
