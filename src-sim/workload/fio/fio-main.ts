import type { Rng } from '../../engine/rng';
import type { Kernel } from '../../kernel/kernel';
import type { Behaviour, Step, Task } from '../../kernel/task';
import { Mm } from '../../kernel/mm/mm';
import { FioBufferedTask } from './buffered-task';
import { FioJobTask } from './job-task';
import { isBlockJob, type FioJobFile } from './job';
import { JobResult } from './results';
import { spawnTask } from './spawn';
import { resolveTarget } from './targets';

const streams = new WeakMap<Kernel, Rng>();

/**
 * fio's random stream, forked from the kernel's once: jobs started later
 * (stonewall, startdelay) then draw from fio's stream only, so other models'
 * draws and hot-plug timing cannot shift them.
 */
export function fioRng(k: Kernel): Rng {
  let r = streams.get(k);
  if (!r) {
    r = k.rng.fork('fio');
    streams.set(k, r);
  }
  return r;
}

/** Where results go: /sys/kernel/debug/kernel-lab/fio/<fio task>/<job>.{json,txt}. */
export function fioResultDir(task: Task): string {
  return `/sys/kernel/debug/kernel-lab/fio/${task.name}`;
}

/**
 * The fio process: starts each job's clones when its turn comes (stonewall
 * groups run one after another; wait_for waits for the named job; startdelay
 * delays the start), waits for all of them, then exits. Results are virtual
 * files, readable at any time during the run.
 */
export class FioMain implements Behaviour {
  private started = false;
  private readonly results: JobResult[];
  private readonly group: number[];
  private readonly launched: boolean[];
  private readonly finished: boolean[];
  private blocked = false;
  private task: Task | null = null;

  constructor(
    private readonly k: Kernel,
    private readonly file: FioJobFile,
  ) {
    let g = 0;
    this.group = file.jobs.map((j, i) => (j.stonewall && i > 0 ? ++g : g));
    this.results = file.jobs.map((j) => new JobResult(j.name, j.numjobs, j.warnings, () => k.engine.now));
    this.launched = file.jobs.map(() => false);
    this.finished = file.jobs.map(() => false);
  }

  jobResults(): readonly JobResult[] {
    return this.results;
  }

  next(task: Task, now: number): Step {
    this.task = task;
    if (!this.started) {
      this.started = true;
      const dir = fioResultDir(task);
      this.results.forEach((r) => {
        this.k.vfs.register(`${dir}/${r.name}.json`, { read: () => `${JSON.stringify(r.json(), null, 2)}\n` });
        this.k.vfs.register(`${dir}/${r.name}.txt`, { read: () => r.text() });
      });
      this.launch(now);
    }
    if (this.finished.every(Boolean)) return { kind: 'exit' };
    this.blocked = true;
    return { kind: 'block' };
  }

  private launch(now: number): void {
    const jobs = this.file.jobs;
    for (let i = 0; i < jobs.length; i++) {
      if (this.launched[i]) continue;
      const g = this.group[i]!;
      let ready = true;
      for (let p = 0; p < jobs.length && ready; p++) if (this.group[p]! < g && !this.finished[p]) ready = false;
      const w = jobs[i]!.waitFor;
      if (w !== null) {
        const wi = jobs.findIndex((o) => o.name === w);
        if (wi >= 0 && !this.finished[wi]) ready = false;
      }
      if (!ready) continue;
      this.launched[i] = true;
      const delay = jobs[i]!.startdelayNs;
      if (delay > 0) this.k.engine.schedule(now + delay, (t) => this.startJob(i, t));
      else this.startJob(i, now);
    }
  }

  private startJob(i: number, now: number): void {
    const job = this.file.jobs[i]!;
    const res = this.results[i]!;
    if (!isBlockJob(job)) return this.jobDone(i, now);
    let left = job.numjobs;
    const cloneDone = (t: number): void => {
      if (--left === 0) this.jobDone(i, t);
    };
    for (let c = 0; c < job.numjobs; c++) {
      const target = resolveTarget(this.k, job, c);
      if (typeof target === 'string') {
        if (res.error === null) res.error = 'ENOENT';
        res.warnings.push(target);
        this.k.log.add(now, 'fio_error', { job: job.name, message: target });
        cloneDone(now);
        continue;
      }
      const rng = fioRng(this.k).fork(`fio:${this.task!.name}:${job.name}:${c}`);
      // direct=0 on a regular file: through the page cache and writeback (a raw /dev node keeps the block path, see README).
      const mm = this.k.mm instanceof Mm ? this.k.mm : null;
      const beh = !job.direct && target.isFile && mm !== null
        ? new FioBufferedTask(this.k, mm, job, target, res, rng, cloneDone)
        : new FioJobTask(this.k, job, target, res, rng, cloneDone);
      spawnTask(this.k, this.task!, job.numjobs === 1 ? job.name : `${job.name}#${c}`, job.cgroup, job.nice, beh);
    }
  }

  private jobDone(i: number, now: number): void {
    this.finished[i] = true;
    const r = this.results[i]!;
    if (r.endNs < 0) r.endNs = now;
    r.done = true;
    this.launch(now);
    if (this.finished.every(Boolean) && this.blocked && this.task !== null) {
      this.blocked = false;
      this.k.sched.wake(this.task);
    }
  }
}
