/**
 * Problems in the words of the editor: the validator's file paths
 * (`tasks[0].nice`, `cgroups["/web"]["cpu.max"]`, `timeline[2].at`) turned
 * into what the user sees on screen (`task 'web' nice`, `cgroup /web cpu.max`,
 * `timeline action 3 (write at 5s) at`), and the view where it is fixed.
 */
import type { ViewName } from '../stores/ui';
import type { Scenario } from './types';
import { formatNs } from './units';

export interface NamedPlace {
  /** "task 'web' nice", "duration", "" for the whole scenario. */
  where: string;
  /** The view that edits it. */
  view: ViewName;
}

/** Splits a formatted path into segments: `a.b[0]["x y"]` → ['a', 'b', 0, 'x y']. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const m of path.matchAll(re)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]!) as string);
  }
  return out;
}

const rest = (segs: (string | number)[]): string => segs.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[');

/** Where a validator path points, named as the editor names it. */
export function namePlace(path: string, s: Scenario): NamedPlace {
  const segs = pathSegments(path);
  const [head, i, ...tail] = segs;
  const more = (t: (string | number)[]): string => (t.length ? ` ${rest(t)}` : '');
  if (head === 'tasks' && typeof i === 'number') {
    const t = s.tasks[i];
    return { where: `task ${t ? `'${t.name}'` : `${i + 1}`}${more(tail)}`, view: 'workloads' };
  }
  if (head === 'cgroups' && typeof i === 'string') return { where: `cgroup ${i}${tail.length ? ` ${tail.join(' ')}` : ''}`, view: 'cgroups' };
  if (head === 'timeline' && typeof i === 'number') {
    const a = s.timeline[i];
    const what = a ? ` (${a.kind} at ${formatNs(a.atNs)})` : '';
    return { where: `timeline action ${i + 1}${what}${tail.length ? ` ${tail.join(' ')}` : ''}`, view: 'timeline' };
  }
  if (head === 'machine') {
    const [kind, j, ...t2] = [i, ...tail];
    if (kind === 'devices' && typeof j === 'number') return { where: `disk '${s.machine.devices[j]?.name ?? j + 1}'${more(t2)}`, view: 'machine' };
    if (kind === 'nics' && typeof j === 'number') return { where: `NIC '${s.machine.nics?.[j]?.name ?? j + 1}'${more(t2)}`, view: 'machine' };
    return { where: `machine${more([i ?? '', ...tail].filter((x) => x !== ''))}`, view: 'machine' };
  }
  if (head === 'files' && typeof i === 'number') return { where: `file '${s.files[i]?.path ?? i + 1}'${more(tail)}`, view: 'workloads' };
  if (head === 'kernel' && i === 'sysctl' && typeof tail[0] === 'string') return { where: `sysctl ${tail[0]}`, view: 'machine' };
  if (head === 'duration' || head === 'sample_interval' || head === 'seed') return { where: rest(segs).replace('_', ' '), view: 'run' };
  return { where: rest(segs), view: 'machine' };
}

/** One problem as shown: "task 'web' nice: expected an integer from -20 to 19, got 30". */
export function problemText(where: string, message: string): string {
  return where ? `${where}: ${message}` : message;
}
