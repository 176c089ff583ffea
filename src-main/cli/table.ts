import { parseFields } from '../../src-sim/vfs/fields';
import type { RunSummary } from './summary';
import { showDuration } from './duration';

/**
 * The human-readable result of a run, read from the virtual files (so it
 * fills in as subsystems land): per cgroup cpu.stat and cpu.pressure, per
 * task /proc/<pid>/schedstat. A missing file shows as "-".
 */
export function summaryTable(s: RunSummary, cpus: number): string {
  const lines: string[] = [];
  lines.push(`${s.scenario}: seed ${s.seed}, ${showDuration(s.simulated_ns)} simulated in ${(s.wall_ms / 1000).toFixed(2)} s, ${s.events} events`);
  const files = s.files;
  const field = (path: string, name: string): number | undefined => {
    const text = files[path];
    return text === undefined ? undefined : parseFields(text).get(name);
  };
  const groups = cgroupFiles(Object.keys(files));
  const capacityUs = (s.simulated_ns / 1e3) * cpus;
  const cgRows: string[][] = [];
  for (const [name, g] of groups) {
    const stat = g.stat ?? '';
    // v2 cpu.stat usage_usec; v1 cpuacct.usage (ns).
    const usageUs = field(stat, 'usage_usec') ?? ((g.usage ? field(g.usage, '') : undefined) ?? NaN) / 1e3;
    const pressure = g.pressure ?? '';
    cgRows.push([
      name,
      num(usageUs / 1e3, 1),
      capacityUs > 0 ? pct(usageUs / capacityUs) : '-',
      num(field(stat, 'nr_periods')),
      num(field(stat, 'nr_throttled')),
      // v2 throttled_usec; v1 throttled_time (ns).
      num(field(stat, 'throttled_usec') ?? (field(stat, 'throttled_time') ?? NaN) / 1e3, 0),
      num(field(pressure, 'some.avg10'), 2),
      num(field(pressure, 'full.avg10'), 2),
      num((field(pressure, 'some.total') ?? NaN) / 1e3, 1),
    ]);
  }
  if (cgRows.length) {
    lines.push('', 'cgroup');
    lines.push(...grid(['group', 'usage ms', 'machine %', 'nr_periods', 'nr_throttled', 'throttled us', 'some avg10', 'full avg10', 'some total ms'], cgRows));
  }
  const taskRows: string[][] = [];
  for (const [name, pid] of Object.entries(s.tasks)) {
    const text = files[`/proc/${pid}/schedstat`];
    const [run, delay, pcount] = text ? text.trim().split(/\s+/).map(Number) : [];
    taskRows.push([name, String(pid), num((run ?? NaN) / 1e6, 1), num((delay ?? NaN) / 1e6, 1), num(pcount)]);
  }
  if (taskRows.length) {
    lines.push('', 'task');
    lines.push(...grid(['name', 'pid', 'runtime ms', 'run delay ms', 'timeslices'], taskRows));
  }
  const global = files['/proc/pressure/cpu'];
  if (global !== undefined) lines.push('', '/proc/pressure/cpu', ...global.trimEnd().split('\n').map((l) => `  ${l}`));
  if (s.log.length) lines.push('', `${s.log.length} log entries (see --json)`);
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

function pct(v: number): string {
  return Number.isNaN(v) ? '-' : `${(v * 100).toFixed(1)}`;
}

function grid(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => `  ${r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')}`;
  return [line(head), ...rows.map(line)];
}
