/**
 * Problems: the draft scenario checked as the user edits, by the validator a
 * scenario file goes through (src-sim/scenario: schema, cross-field rules and
 * the kernel's refusals of cgroup, sysctl and timeline writes), on the
 * draft written back in the file format (toScenarioFile). Two kinds:
 *
 * - refused: an edit that made a value the scenario schema rejects (a 0s
 *   duration, nice 30). The edit is undone at once — the editor never keeps a
 *   refused value — and the problem says what was refused. Shown until the
 *   next refusal or dismissed; it does not block Start (the value is gone).
 * - issue: the draft as it is cannot run (a timeline action after the end, a
 *   fio job fio would not accept) — listed as it arises — or a write the
 *   kernel refuses (checked when Start is pressed: it boots a scratch kernel).
 *   Start is blocked until it is fixed.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { namePlace, problemText } from '../model/problem-names';
import type { Scenario } from '../model/types';
import type * as ApiModule from '../../src-sim/api';
import type { ViewName } from './ui';
import { useScenario } from './scenario';

export interface Problem {
  /** file: a scenario file that was not opened (FILE:LINE:COL errors); the editor is unchanged. */
  kind: 'refused' | 'issue' | 'file';
  text: string;
  view: ViewName;
}

type Api = typeof ApiModule;
type Issue = { path: string; message: string };

/** The validator is the scenario loader and a scratch kernel: loaded on first use, out of the first chunk. */
let api: Promise<Api> | null = null;
const loadApi = (): Promise<Api> => (api ??= import('../../src-sim/api'));

/** Wait after the last edit before the full check (it boots a scratch kernel: ~100 ms or more). */
export const CHECK_DEBOUNCE_MS = 300;
const MAX_REFUSED = 5;

function issuesOf(a: Api, s: Scenario, kernelChecks: boolean): Issue[] {
  try {
    a.validateScenario(a.toScenarioFile(s), { kernelChecks });
    return [];
  } catch (e) {
    if (e instanceof a.ScenarioError) return e.issues.map((i) => ({ path: i.path, message: i.message }));
    return [{ path: '', message: `the scenario cannot be checked: ${(e as Error).message}` }];
  }
}

export const useProblems = defineStore('problems', () => {
  const refused = ref<Problem[]>([]);
  const fileIssues = ref<Problem[]>([]);
  const issues = ref<Problem[]>([]);
  /** Bumped when the panel should come into view (Start was blocked). */
  const revealed = ref(0);
  let loaded: Api | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let checkedFor: Scenario | null = null;
  let kernelChecked = false;

  function named(list: Issue[], s: Scenario, kind: Problem['kind']): Problem[] {
    return list.map((i) => {
      const p = namePlace(i.path, s);
      return { kind, text: problemText(p.where, i.message), view: p.view };
    });
  }

  /**
   * The check of the current draft, now. As the user edits: the schema and
   * the cross-field rules (milliseconds). kernel: also boot a scratch kernel
   * for the cgroup, sysctl and timeline writes — seconds on a big imported
   * machine, on the page's only thread — so only when Start asks.
   */
  async function checkNow(opts: { kernel?: boolean } = {}): Promise<Problem[]> {
    const a = (loaded ??= await loadApi());
    const s = useScenario().draft;
    const kernel = opts.kernel ?? false;
    if (checkedFor !== s || (kernel && !kernelChecked)) {
      issues.value = named(issuesOf(a, s, kernel), s, 'issue');
      checkedFor = s;
      kernelChecked = kernel;
    }
    return issues.value;
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void checkNow();
    }, CHECK_DEBOUNCE_MS);
  }

  /**
   * Watch the draft: every change that makes a value the file schema rejects
   * is undone synchronously (before anything renders it) and listed as
   * refused; every change schedules the full check.
   */
  function watchDraft(): () => void {
    const sc = useScenario();
    void loadApi().then((a) => {
      loaded = a;
      schedule();
    });
    return watch(
      () => sc.draft,
      (next, prev) => {
        if (loaded && prev && next !== prev) {
          const schema = (s: Scenario): boolean => loaded!.ScenarioFileSchema.safeParse(loaded!.toScenarioFile(s)).success;
          if (!schema(next) && schema(prev)) {
            const why = named(issuesOf(loaded, next, false), next, 'refused').map((p) => ({ ...p, text: `${p.text} — refused, the previous value is kept` }));
            refused.value = [...why, ...refused.value].slice(0, MAX_REFUSED);
            sc.draft = prev;
            return;
          }
        }
        schedule();
      },
      { flush: 'sync' },
    );
  }

  /** Refused text typed into a field that is not yet a scenario value (a duration that does not parse). */
  function refuse(text: string, view: ViewName): void {
    refused.value = [{ kind: 'refused' as const, text: `${text} — refused, the previous value is kept`, view }, ...refused.value].slice(0, MAX_REFUSED);
  }

  function dismissRefused(): void {
    refused.value = [];
    fileIssues.value = [];
  }

  /** The located errors of a scenario file that was not opened (empty: it opened). */
  function setFileIssues(lines: string[]): void {
    fileIssues.value = lines.map((text) => ({ kind: 'file' as const, text, view: 'sessions' as const }));
    if (lines.length) revealed.value++;
  }

  /** For Start: null when the draft may run, else the sentence that points at the panel. */
  async function startBlocker(): Promise<string | null> {
    const list = await checkNow({ kernel: true });
    if (!list.length) return null;
    revealed.value++;
    return `Start is blocked: the scenario has ${list.length} problem${list.length === 1 ? '' : 's'}; see the Problems panel below.`;
  }

  return { refused, issues, fileIssues, revealed, checkNow, watchDraft, refuse, dismissRefused, setFileIssues, startBlocker };
});
