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
 * Where a job's filename= is written: the line in its own section, else in
 * [global] (fio's inheritance), as "FILE:LINE: filename=VALUE"; without a
 * filename, the job's section header and the name fio makes up.
 */
function whereFilename(text: string, file: string | null, jobLine: number, name: string, filename: string | null): string {
  if (file === null) {
    // inline options: the scenario location already points at them
    return filename === null ? `job "${name}" has no filename option (fio uses the regular file ${name}.0.0)` : `job "${name}": option filename=${filename} is a regular file`;
  }
  const lines = text.split(/\r?\n/);
  const find = (from: number): number => {
    for (let i = from; i < lines.length; i++) {
      const l = lines[i]!.trim();
      if (i > from && l.startsWith('[')) return -1;
      if (/^filename\s*=/.test(l)) return i + 1;
    }
    return -1;
  };
  if (filename === null) return `${file}:${jobLine}: job "${name}" has no filename= (fio uses the regular file ${name}.0.0)`;
  let at = find(jobLine - 1);
  if (at < 0) {
    const g = lines.findIndex((l) => l.trim() === '[global]');
    if (g >= 0) at = find(g);
  }
  return `${file}:${at > 0 ? at : jobLine}: job "${name}": filename=${filename} is a regular file`;
}

/**
 * fio options against the devices they target, at validation: a job whose
 * filename is /dev/X needs X (fio would fail to open it, ENOENT, when the
 * task starts), and a job on a regular file (any other filename, or none:
 * fio then makes one up) needs a disk to hold it. A device plugged later on
 * the timeline counts: when the task starts is up to it.
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
      if (!first.startsWith('/dev/') && names.size === 0) {
        // src-sim/workload/fio/targets.ts would fail the job when the task starts ("no block device to hold the file")
        issues.push({
          path: at,
          message: `${whereFilename(r.jobText, r.jobPath, j.line, j.name, j.filename)}, but the machine has no block device to hold it: expected a disk under machine.devices (or plugged on the timeline), or filename=/dev/NAME of one`,
        });
        continue;
      }
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
