/** Which view is shown, the theme, and messages shown where they happened. */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { loadPref, savePref } from '../util/prefs';

export type ViewName = 'machine' | 'cgroups' | 'workloads' | 'timeline' | 'run' | 'compare' | 'sweep' | 'gallery' | 'sessions';

export const VIEWS: { name: ViewName; label: string; key: string }[] = [
  { name: 'sessions', label: 'Sessions', key: '1' },
  { name: 'gallery', label: 'Experiments', key: '2' },
  { name: 'machine', label: 'Machine', key: '3' },
  { name: 'cgroups', label: 'Cgroups', key: '4' },
  { name: 'workloads', label: 'Workloads', key: '5' },
  { name: 'timeline', label: 'Timeline', key: '6' },
  { name: 'run', label: 'Run', key: '7' },
  { name: 'compare', label: 'Compare', key: '8' },
  { name: 'sweep', label: 'Sweep', key: '9' },
];

export const useUi = defineStore('ui', () => {
  const view = ref<ViewName>('machine');
  // Remembered across reloads and restarts (per browser origin / Electron profile).
  const theme = ref<'light' | 'dark'>(loadPref('theme') === 'dark' ? 'dark' : 'light');
  watch(theme, (t) => savePref('theme', t));
  /** Long work in progress: label and 0..1 (null = indeterminate). */
  const busy = ref<{ label: string; progress: number | null } | null>(null);
  /** Runs another view asks Compare to show (a sweep point's seeds); Compare takes them when it opens. */
  const compareWith = ref<string[]>([]);
  const toast = ref<{ kind: 'info' | 'error'; text: string } | null>(null);
  /** Answers "discard unsaved changes?"; replaced in tests. */
  let confirmFn: (q: string) => boolean | Promise<boolean> = (q) => window.confirm(q);

  function show(v: ViewName): void {
    view.value = v;
  }
  function notify(kind: 'info' | 'error', text: string): void {
    toast.value = { kind, text };
  }
  function setConfirm(fn: (q: string) => boolean | Promise<boolean>): void {
    confirmFn = fn;
  }
  async function confirm(q: string): Promise<boolean> {
    return confirmFn(q);
  }
  return { view, theme, busy, toast, compareWith, show, notify, setConfirm, confirm };
});
