/**
 * A light check of fio job files for the editor: INI sections, key=value
 * lines, and the options whose values fio itself would refuse (fio/options.c).
 * The simulator's fio parser (src-sim/workload) stays authoritative.
 */

export interface FioIssue {
  line: number;
  message: string;
}

export interface FioJob {
  name: string;
  options: Record<string, string>;
}

const RW = new Set(['read', 'write', 'randread', 'randwrite', 'rw', 'readwrite', 'randrw', 'trim', 'randtrim', 'trimwrite']);
const SIZE = /^\d+(\.\d+)?[kmgtp]?i?b?$/i;

export function parseFioJobFile(text: string): { jobs: FioJob[]; global: Record<string, string>; issues: FioIssue[] } {
  const jobs: FioJob[] = [];
  const global: Record<string, string> = {};
  const issues: FioIssue[] = [];
  let cur: Record<string, string> | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const n = i + 1;
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      if (sec[1] === 'global') cur = global;
      else {
        const job: FioJob = { name: sec[1]!, options: {} };
        jobs.push(job);
        cur = job.options;
      }
      return;
    }
    if (cur === null) {
      issues.push({ line: n, message: 'an option before any [section]: start with [global] or [jobname]' });
      return;
    }
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    // fio/parse.c strips a trailing "; comment" or "# comment" after the value.
    const value = eq < 0 ? '' : line.slice(eq + 1).replace(/\s+[;#].*$/, '').trim();
    cur[key] = value;
    if (key === 'rw' || key === 'readwrite') {
      const base = value.split(':')[0]!;
      if (!RW.has(base)) issues.push({ line: n, message: `rw=${value}: fio knows ${[...RW].join(', ')}` });
    }
    if (['bs', 'size', 'filesize', 'offset'].includes(key) && value.split(/[,-]/).some((v) => v !== '' && !SIZE.test(v) && !v.endsWith('%')))
      issues.push({ line: n, message: `${key}=${value}: expected a size such as 4k, 1M or 10g` });
    if (['iodepth', 'numjobs'].includes(key) && !/^\d+$/.test(value)) issues.push({ line: n, message: `${key}=${value}: expected a whole number` });
  });
  if (jobs.length === 0) issues.push({ line: 0, message: 'no job section: a job file needs at least one [jobname]' });
  return { jobs, global, issues };
}
