import { parseFields } from '../../src-sim/vfs/fields';
import type { RunSummary } from './summary';
import { showDuration } from './duration';

const CGROUP_HEAD = ['group', 'usage ms', 'machine %', 'nr_periods', 'nr_throttled', 'throttled us', 'some avg10', 'full avg10', 'some total ms'];
const CGROUP_DIGITS = [1, 1, 0, 0, 0, 2, 2, 1];
const TASK_HEAD = ['name', 'pid', 'runtime ms', 'run delay ms', 'timeslices'];
const TASK_DIGITS = [0, 1, 1, 0];

/** The numbers of the summary table, before formatting: one row per cgroup and per task (NaN = missing). */
export interface SummaryCells {
  cgroups: { name: string; values: number[] }[];
  tasks: { name: string; values: number[] }[];
}

/**
 * The numbers the table shows, read from the virtual files (so they fill in
 * as subsystems land): per cgroup cpu.stat and cpu.pressure, per task
 * /proc/<pid>/schedstat.
 */
export function summaryCells(s: RunSummary, cpus: number): SummaryCells {
  const files = s.files;
  const field = (path: string, name: string): number | undefined => {
    const text = files[path];
    return text === undefined ? undefined : parseFields(text).get(name);
  };
  const capacityUs = (s.simulated_ns / 1e3) * cpus;
  const cgroups = cgroupFiles(Object.keys(files)).map(([name, g]) => {
    const stat = g.stat ?? '';
    // v2 cpu.stat usage_usec; v1 cpuacct.usage (ns).
    const usageUs = field(stat, 'usage_usec') ?? ((g.usage ? field(g.usage, '') : undefined) ?? NaN) / 1e3;
    const pressure = g.pressure ?? '';
    return {
      name,
      values: [
        usageUs / 1e3,
        capacityUs > 0 ? (usageUs / capacityUs) * 100 : NaN,
        field(stat, 'nr_periods') ?? NaN,
        field(stat, 'nr_throttled') ?? NaN,
        // v2 throttled_usec; v1 throttled_time (ns).
        field(stat, 'throttled_usec') ?? (field(stat, 'throttled_time') ?? NaN) / 1e3,
        field(pressure, 'some.avg10') ?? NaN,
        field(pressure, 'full.avg10') ?? NaN,
        (field(pressure, 'some.total') ?? NaN) / 1e3,
      ],
    };
  });
  const tasks = Object.entries(s.tasks).map(([name, pid]) => {
    const text = files[`/proc/${pid}/schedstat`];
    const [run, delay, pcount] = text ? text.trim().split(/\s+/).map(Number) : [];
    return { name, values: [pid, (run ?? NaN) / 1e6, (delay ?? NaN) / 1e6, pcount ?? NaN] };
  });
  return { cgroups, tasks };
}

/** The human-readable result of a run: the summary cells as tables, a missing file as "-". */
export function summaryTable(s: RunSummary, cpus: number): string {
  const lines: string[] = [];
  lines.push(`${s.scenario}: seed ${s.seed}, ${showDuration(s.simulated_ns)} simulated in ${(s.wall_ms / 1000).toFixed(2)} s, ${s.events} events`);
  const cells = summaryCells(s, cpus);
  const show = (values: number[], digits: number[]): string[] => values.map((v, i) => num(v, digits[i]));
  if (cells.cgroups.length) {
    lines.push('', 'cgroup');
    lines.push(...grid(CGROUP_HEAD, cells.cgroups.map((r) => [r.name, ...show(r.values, CGROUP_DIGITS)])));
  }
  if (cells.tasks.length) {
    lines.push('', 'task');
    lines.push(...grid(TASK_HEAD, cells.tasks.map((r) => [r.name, ...show(r.values, TASK_DIGITS)])));
  }
  const global = s.files['/proc/pressure/cpu'];
  if (global !== undefined) lines.push('', '/proc/pressure/cpu', ...global.trimEnd().split('\n').map((l) => `  ${l}`));
  const stored = s.log.filter((e) => e.kind === 'not_simulated');
  if (stored.length) lines.push('', ...stored.map((e) => `note: ${String(e.file)} = ${String(e.value)}: ${String(e.note)}`));
  if (s.log.length) lines.push('', `${s.log.length} log entries (see --json)`);
  return `${lines.join('\n')}\n`;
}

/**
 * The same tables over replications: every cell is the mean ± the half-width
 * of its 95 % confidence interval across seeds (Student t, n − 1 degrees of
 * freedom); a group or task missing from some seeds is averaged over the
 * seeds that have it.
 */
export function replicationTable(summaries: readonly RunSummary[], cpus: number, meanCi: (xs: number[]) => string): string {
  const first = summaries[0]!;
  const lines: string[] = [];
  const seeds = summaries.map((s) => s.seed);
  lines.push(`${first.scenario}: ${summaries.length} replications (seeds ${seeds.join(', ')}), ${showDuration(first.simulated_ns)} simulated each; mean ± 95 % CI`);
  const all = summaries.map((s) => summaryCells(s, cpus));
  const merge = (pick: (c: SummaryCells) => { name: string; values: number[] }[], skip: number[]): string[][] => {
    const byName = new Map<string, number[][]>();
    for (const c of all) for (const r of pick(c)) byName.set(r.name, [...(byName.get(r.name) ?? []), r.values]);
    return [...byName].map(([name, rows]) => [name, ...rows[0]!.map((_, i) => (skip.includes(i) ? num(rows[0]![i]!, 0) : meanCi(rows.map((r) => r[i]!))))]);
  };
  const cg = merge((c) => c.cgroups, []);
  if (cg.length) lines.push('', 'cgroup', ...grid(CGROUP_HEAD, cg));
  // The pid is the same in every seed (boot order), not a measurement.
  const tasks = merge((c) => c.tasks, [0]);
  if (tasks.length) lines.push('', 'task', ...grid(TASK_HEAD, tasks));
  return `${lines.join('\n')}\n`;
}

interface GroupFiles {
  stat?: string;
  usage?: string;
  pressure?: string;
}

/**
 * Group path → its CPU files. v2: /sys/fs/cgroup/<group>/{cpu.stat,cpu.pressure};
 * v1: /sys/fs/cgroup/cpu/<group>/cpu.stat and /sys/fs/cgroup/cpuacct/<group>/cpuacct.usage
 * (no per-group PSI on v1).
 */
function cgroupFiles(paths: string[]): [string, GroupFiles][] {
  const out = new Map<string, GroupFiles>();
  const at = (g: string): GroupFiles => {
    let e = out.get(g);
    if (!e) out.set(g, (e = {}));
    return e;
  };
  const v1 = paths.some((p) => p.startsWith('/sys/fs/cgroup/cpuacct/'));
  for (const p of paths) {
    if (!p.startsWith('/sys/fs/cgroup/')) continue;
    const dir = p.slice('/sys/fs/cgroup'.length, p.lastIndexOf('/'));
    const file = p.slice(p.lastIndexOf('/') + 1);
    if (v1) {
      const m = /^\/(cpu|cpuacct)(\/.*)?$/.exec(dir);
      if (!m) continue;
      const g = m[2] ?? '/';
      if (m[1] === 'cpu' && file === 'cpu.stat') at(g).stat = p;
      if (m[1] === 'cpuacct' && file === 'cpuacct.usage') at(g).usage = p;
    } else {
      const g = dir || '/';
      if (file === 'cpu.stat') at(g).stat = p;
      if (file === 'cpu.pressure') at(g).pressure = p;
    }
  }
  return [...out].filter(([, f]) => f.stat || f.usage).sort((a, b) => a[0].localeCompare(b[0]));
}

function num(v: number | undefined, digits = 0): string {
  return v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits);
}

function grid(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => `  ${r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')}`;
  return [line(head), ...rows.map(line)];
}
