import { applyAction, bootKernel, controllerOf, sysctlPath, type BootWrite } from '../kernel/boot';
import type { Kernel } from '../kernel/kernel';
import { missingInVersion } from '../kernel/versions';
import { SimInvariantError } from '../engine/errors';
import { KernelError } from '../vfs/errors';
import { parseFields } from '../vfs/fields';
import { sampleValueIssue } from './limits';
import type { Origins, PathIssue } from './issues';
import { baseScenario, flatMachine } from './defaults';
import { RUN_TYPES } from './schema';
import { closest } from './suggest';
import type { Scenario } from './types';

/** Memory of the probe kernel: small, so probing costs little. */
const PROBE_MEMORY = 256 * 1024 * 1024;

/** How many names a "no such file" message lists before it stops. */
const LIST_LIMIT = 40;

/**
 * Boot the scenario on a scratch kernel, with whatever subsystems this build
 * installs, and report every write the kernel refuses: boot-time sysctl and
 * cgroup writes, then each timeline write in time order (state at boot plus
 * the earlier timeline writes). Each issue points at the value in the file
 * and carries the kernel's errno text. Also reports run types and record
 * paths no installed subsystem provides. The scratch kernel never runs.
 */
export function kernelIssues(s: Scenario, origins: Origins): PathIssue[] {
  const issues: PathIssue[] = [];
  // What this build provides, learnt from a tiny kernel: booting the real
  // machine twice (without, then with tasks) would double the cost.
  const probe = bootKernel(baseScenario({ machine: flatMachine(1, PROBE_MEMORY) }));
  const provided = RUN_TYPES.filter((t) => probe.hasBehaviour(t));
  const hasScheduler = (probe as { sched?: unknown }).sched !== undefined;
  let ok = true;
  s.tasks.forEach((t, i) => {
    if (!hasScheduler) {
      issues.push({ path: ['tasks', i], message: 'cannot run in this build: no CPU scheduler is installed' });
      ok = false;
    } else if (!probe.hasBehaviour(t.run.type)) {
      issues.push({
        path: ['tasks', i, 'run', 'type'],
        message: `expected a run type an installed subsystem provides (${provided.join(', ') || 'none'}), got ${JSON.stringify(t.run.type)}`,
      });
      ok = false;
    }
  });
  // Without a scheduler or a run type, boot without tasks so the writes are still checked.
  let tasksCreated = ok || s.tasks.length === 0;
  let kernel: Kernel;
  try {
    kernel = bootWithObserver(issues, tasksCreated ? s : { ...s, tasks: [] }, origins);
  } catch (e) {
    // A subsystem that refuses a task at creation (engine.fail) is told by
    // the file, not by a bug: report it and check the writes without tasks.
    if (!(e instanceof SimInvariantError) || !tasksCreated || s.tasks.length === 0) throw e;
    issues.push({ path: ['tasks'], message: `expected tasks the simulator can create, but boot stopped: ${e.message}` });
    tasksCreated = false;
    kernel = bootWithObserver(issues, { ...s, tasks: [] }, origins);
  }

  const present = new Set(kernel.vfs.list());
  const order = s.timeline.map((a, i) => ({ a, i })).sort((x, y) => x.a.atNs - y.a.atNs || x.i - y.i);
  for (const { a, i } of order) {
    if ((a.kind === 'plug' || a.kind === 'unplug') && !kernel.devices) continue;
    try {
      applyAction(kernel, a);
      if (s.record.length) for (const p of kernel.vfs.list()) present.add(p);
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
      // NIC names and PCI slots along the timeline are reported by validate.ts, with their times.
      if (a.kind === 'plug_nic' || a.kind === 'unplug_nic') continue;
      // Without tasks (reported above) a pid write cannot find its task; say nothing more.
      if (!tasksCreated && e.errno === 'ESRCH') continue;
      const at = origins.timeline[i] ?? ['timeline', i];
      if (a.kind === 'write' && e.errno === 'ENOENT' && !kernel.vfs.exists(a.path)) {
        issues.push({ path: at, part: 'key', message: noSuchFile(kernel, a.path) });
      } else {
        issues.push({ path: at, message: refusal(e, a.kind === 'write' ? a.value : a.kind) });
      }
    }
  }

  s.record.forEach((p, i) => {
    if (p.startsWith('/') && !present.has(p)) issues.push({ path: ['record', i], message: noSuchFile(kernel, p) });
  });
  const values = sampleValueIssue(s, seriesCount(kernel, s.record));
  if (values) issues.push(values);
  return issues;
}

/** Series a run of this kernel records at its first sample: one per numeric field of each sampled file. */
function seriesCount(k: Kernel, record: readonly string[]): number {
  let n = 0;
  for (const p of record.length ? record : k.vfs.observables()) {
    if (!k.vfs.exists(p)) continue;
    try {
      n += parseFields(k.vfs.read(p)).size;
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
    }
  }
  return n;
}

/** Boot (timeline left out), collecting every refused sysctl and cgroup write. */
function bootWithObserver(issues: PathIssue[], s: Scenario, origins: Origins): Kernel {
  const pending: { e: KernelError; w: BootWrite }[] = [];
  // NIC plugs stay: a machine whose only NICs come later still boots with its network stack.
  const k = bootKernel({ ...s, timeline: s.timeline.filter((a) => a.kind === 'plug_nic') }, { refused: (e, w) => pending.push({ e, w }) });
  for (const { e, w } of pending) issues.push(bootIssue(k, s, origins, e, w));
  return k;
}

function bootIssue(k: Kernel, s: Scenario, origins: Origins, e: KernelError, w: BootWrite): PathIssue {
  if (w.kind === 'sysctl') {
    const name = origins.sysctl[w.index] ?? s.kernel.sysctl[w.index]![0];
    const path = sysctlPath(s.kernel.sysctl[w.index]![0]);
    if (e.errno === 'ENOENT' && !k.vfs.exists(path)) {
      return { path: ['kernel', 'sysctl', name], part: 'key', message: noSuchFile(k, path) };
    }
    return { path: ['kernel', 'sysctl', name], message: refusal(e, s.kernel.sysctl[w.index]![1]) };
  }
  const cg = s.cgroups[w.group]!;
  const origin = origins.cgroups[w.group];
  const [file, value] = cg.writes[w.write]!;
  const at = ['cgroups', origin?.key ?? cg.path, origin?.files[w.write] ?? file];
  const group = k.cgroups.get(cg.path);
  const path = group ? k.cgroups.filePath(group, controllerOf(file), file) : '';
  if (e.errno === 'ENOENT' && path !== '' && !k.vfs.exists(path)) {
    return { path: at, part: 'key', message: noSuchFile(k, path) };
  }
  return { path: at, message: refusal(e, value) };
}

/** `the kernel refuses "0": Numerical result out of range (ERANGE)…`, the errno text as a shell prints it. */
function refusal(e: KernelError, value: string): string {
  const text = e.path && e.message.startsWith(`${e.path}: `) ? e.message.slice(e.path.length + 2) : e.message;
  return `the kernel refuses ${JSON.stringify(value)}: ${text}`;
}

function noSuchFile(k: Kernel, path: string): string {
  const newer = missingInVersion(k.scenario.kernel.version, path);
  if (newer !== null) return `no such file ${path}: No such file or directory (ENOENT): ${newer}`;
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  const siblings = k.vfs
    .list(dir)
    .map((p) => p.slice(dir.length))
    .filter((p) => !p.includes('/'));
  const listed = siblings.length > LIST_LIMIT ? `${siblings.slice(0, LIST_LIMIT).join(', ')}, …` : siblings.join(', ');
  const hint = closest(path.slice(dir.length), siblings);
  const where = siblings.length ? ` (${hint ? `did you mean ${hint}? ` : ''}${dir} has ${listed})` : ` (nothing of this build lives in ${dir})`;
  return `no such file ${path}: No such file or directory (ENOENT)${where}`;
}
