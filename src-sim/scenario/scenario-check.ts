import { deviceIssues } from './device-check';
import { fioTargetIssues } from './fio-target-check';
import type { Origins, PathIssue } from './issues';
import { kernelIssues } from './kernel-check';
import { limitIssues } from './limits';
import type { Scenario } from './types';
import { semanticIssues } from './validate';

export { deviceIssues };

/**
 * The one validation path every entry point takes after its own parsing: a
 * scenario file (loadScenario), the renderer's draft and browser mode's
 * run/start (checkResolvedScenario), a sweep point. In order: limits (so a
 * hostile size is refused before anything is allocated), devices, cgroup
 * names, the semantic rules, then the scratch-kernel boot. Paths name the
 * file's keys; `origins` maps resolved parts back to where they were written.
 */
export function scenarioIssues(s: Scenario, origins: Origins, opts: { kernelChecks?: boolean; earlier?: readonly PathIssue[] } = {}): PathIssue[] {
  const limits = limitIssues(s);
  if (limits.length) return limits;
  const issues: PathIssue[] = [];
  s.machine.devices.forEach((d, i) => issues.push(...deviceIssues(d, ['machine', 'devices', i], s.machine.cpus)));
  s.timeline.forEach((a, i) => {
    if (a.kind === 'plug') issues.push(...deviceIssues(a.device, origins.timeline[i] ?? ['timeline', i, 'plug'], s.machine.cpus));
  });
  issues.push(...cgroupNameIssues(s, origins));
  issues.push(...fioTargetIssues(s));
  issues.push(...semanticIssues(s));
  if (opts.kernelChecks !== false) {
    const known = (opts.earlier?.length ?? 0) + issues.length;
    try {
      issues.push(...kernelIssues(smallRegions(withoutBrokenRuns(s, [...(opts.earlier ?? []), ...issues])), origins));
    } catch (e) {
      // A scenario already known to be wrong may not boot at all; its
      // issues say why. A scenario with no issues that cannot boot is a
      // simulator bug and surfaces as such.
      if (known === 0) throw e;
    }
  }
  return issues;
}

/** Region size the scratch kernel gives alloc and workingset tasks: it checks writes and run types, never touches memory. */
const SCRATCH_REGION_BYTES = 64 * 1024 * 1024;

/**
 * The scratch kernel never runs, so a task's declared memory region need not
 * exist at full size: a 1 TiB working set would otherwise cost gigabytes of
 * page state on every check (the renderer checks on every edit).
 */
function smallRegions(s: Scenario): Scenario {
  if (!s.tasks.some((t) => (t.run.type === 'alloc' || t.run.type === 'workingset') && t.run.sizeBytes > SCRATCH_REGION_BYTES)) return s;
  return {
    ...s,
    tasks: s.tasks.map((t) => {
      const r = t.run;
      if (r.type === 'workingset' && r.sizeBytes > SCRATCH_REGION_BYTES) return { ...t, run: { ...r, sizeBytes: SCRATCH_REGION_BYTES } };
      if (r.type === 'alloc' && r.sizeBytes > SCRATCH_REGION_BYTES) return { ...t, run: { ...r, sizeBytes: SCRATCH_REGION_BYTES, stepBytes: Math.min(r.stepBytes, SCRATCH_REGION_BYTES) } };
      return t;
    }),
  };
}

/**
 * A task whose run was already refused (a bad fio job) boots as a plain CPU
 * task, so the scratch kernel neither fails on it nor quotes its input
 * again; its index, name and group stay for the writes that name it.
 */
function withoutBrokenRuns(s: Scenario, known: readonly PathIssue[]): Scenario {
  const broken = new Set(known.filter((i) => i.path[0] === 'tasks' && i.path[2] === 'run').map((i) => i.path[1]));
  if (broken.size === 0) return s;
  return { ...s, tasks: s.tasks.map((t, i) => (broken.has(i) ? { ...t, run: { type: 'cpu' } } : t)) };
}

/**
 * cgroup names are directory names under /sys/fs/cgroup: "." and ".." would
 * walk out of the group (`/../../etc`), and a control character breaks every
 * file that prints the path (/proc/<pid>/cgroup, cgroup.events lines).
 */
function cgroupNameIssues(s: Scenario, origins: Origins): PathIssue[] {
  const issues: PathIssue[] = [];
  const bad = (path: string): string | null => {
    if (/[\u0000-\u001f\u007f]/.test(path)) return 'a control character';
    const part = path.split('/').find((p) => p === '.' || p === '..');
    return part === undefined ? null : `a "${part}" component`;
  };
  s.cgroups.forEach((g, i) => {
    const why = bad(g.path);
    const key = origins.cgroups[i]?.key ?? g.path;
    if (why) issues.push({ path: ['cgroups', key], part: 'key', message: `expected a cgroup path of plain names like /batch/web, got ${JSON.stringify(key)} with ${why}` });
  });
  s.tasks.forEach((t, i) => {
    const why = bad(t.cgroup);
    if (why) issues.push({ path: ['tasks', i, 'cgroup'], message: `expected a cgroup path of plain names like /batch/web, got ${JSON.stringify(t.cgroup)} with ${why}` });
  });
  return issues;
}
