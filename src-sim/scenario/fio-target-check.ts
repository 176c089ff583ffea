import { parseFioJobFile } from '../workload/fio/parse';
import type { PathIssue } from './issues';
import type { BlockDeviceSpec, Scenario } from './types';

/** The block device names a scenario can have: its disks, their partitions (sdb1, nvme0n1p1), and disks its timeline plugs. */
function deviceNames(s: Scenario): Set<string> {
  const names = new Set<string>();
  const add = (d: BlockDeviceSpec): void => {
    names.add(d.name);
    // src-sim/kernel/block/disk.ts: a name ending in a digit takes "p" before the partition number (nvme0n1p1).
    for (const n of d.partitions.map((_, i) => i + 1)) names.add(/\d$/.test(d.name) ? `${d.name}p${n}` : `${d.name}${n}`);
  };
  s.machine.devices.forEach(add);
  for (const a of s.timeline) if (a.kind === 'plug') add(a.device);
  return names;
}

/**
 * fio options against the devices they target, at validation: a job whose
 * filename is /dev/X needs X (fio would fail to open it, ENOENT, when the
 * task starts). A device plugged later on the timeline counts: when the
 * task starts is up to it. (A job on a file of a machine without disks is
 * still reported by fio when the task starts.)
 */
export function fioTargetIssues(s: Scenario): PathIssue[] {
  const issues: PathIssue[] = [];
  let names: Set<string> | null = null;
  s.tasks.forEach((t, i) => {
    const r = t.run;
    if (r.type !== 'fio' || r.jobText === '') return;
    const at = ['tasks', i, 'run', r.jobPath !== null ? 'job' : 'options'];
    let jobs;
    try {
      jobs = parseFioJobFile(r.jobText, r.jobPath ?? t.name).jobs;
    } catch {
      return; // The job file's own errors are reported where it is read.
    }
    names ??= deviceNames(s);
    for (const j of jobs) {
      const first = (j.filename ?? '').split(':')[0]!;
      if (first.startsWith('/dev/')) {
        if (!names.has(first.slice(5))) {
          const known = [...names].map((n) => `/dev/${n}`).join(', ') || 'none declared';
          issues.push({ path: at, message: `job "${j.name}": expected filename to name a block device of this machine (${known}), got ${first}: fio would fail to open it (No such file or directory)` });
        }
      }
    }
  });
  return issues;
}
