import { totalmem } from 'node:os';

const MiB = 1024 * 1024;

/** How often the resident size is looked at while runs are active. */
const CHECK_MS = 100;
/** After stopping a run, time for its worker's memory to be returned before judging again. */
const GRACE_MS = 1000;

/** A running simulation the watchdog may stop. */
export interface WatchedRun {
  /** The worker's own memory (JS heap + typed arrays) as it last reported it; picks the run to stop. */
  footprint(): number;
  /** Simulated time reached, for the message. */
  simNs(): number;
  stop(error: string): void;
}

/**
 * The process's memory limit: KLAB_MEMORY_LIMIT_MB, else 75 % of the host's
 * memory, so a run that grows without bound is stopped before the kernel's
 * OOM killer ends the whole lab (and every other run with it).
 */
export function defaultMemoryLimitBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env['KLAB_MEMORY_LIMIT_MB']);
  if (Number.isFinite(mb) && mb > 0) return Math.floor(mb) * MiB;
  return Math.floor(totalmem() * 0.75);
}

/**
 * One watchdog per process over every simulator worker, in whichever pool:
 * workers share the process's memory, so the limit is on the process's
 * resident size (RSS), sampled from the main thread — it sees a worker that
 * allocates without ever yielding to its message loop. Over the limit, the
 * run with the largest footprint is stopped with a clear error; the others,
 * the session and the service go on.
 */
export class MemoryWatchdog {
  private readonly runs = new Set<WatchedRun>();
  private timer: NodeJS.Timeout | null = null;
  private quietUntil = 0;

  constructor(
    public limitBytes: number,
    private readonly rss: () => number = () => process.memoryUsage.rss(),
  ) {}

  /** Watch a run until the returned function is called. */
  watch(run: WatchedRun): () => void {
    this.runs.add(run);
    if (this.timer === null) {
      this.timer = setInterval(() => this.check(), CHECK_MS);
      this.timer.unref();
    }
    return () => {
      this.runs.delete(run);
      if (this.runs.size === 0 && this.timer !== null) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  check(now = Date.now()): void {
    if (now < this.quietUntil || this.runs.size === 0) return;
    const rss = this.rss();
    if (rss <= this.limitBytes) return;
    let victim: WatchedRun | null = null;
    for (const r of this.runs) if (victim === null || r.footprint() > victim.footprint()) victim = r;
    this.quietUntil = now + GRACE_MS;
    victim!.stop(
      `out of memory: the lab process reached ${Math.round(rss / MiB)} MiB resident, over its limit of ${Math.round(this.limitBytes / MiB)} MiB ` +
        `(KLAB_MEMORY_LIMIT_MB); this run held the most simulator memory (${Math.round(victim!.footprint() / MiB)} MiB) and was stopped at ` +
        `${(victim!.simNs() / 1e9).toFixed(3)} s simulated. Samples stored so far are kept; the session and other runs are not affected`,
    );
  }
}

/** The process's watchdog, shared by every WorkerPool. */
export const memoryWatchdog = new MemoryWatchdog(defaultMemoryLimitBytes());
