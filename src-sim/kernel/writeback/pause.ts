import { POS_ONE } from './pos-ratio';

/**
 * Pause arithmetic of balance_dirty_pages (mm/page-writeback.c), times in
 * jiffies, rates in pages per second.
 */

/** MAX_PAUSE = max(HZ/5, 1): no single sleep exceeds 200 ms. */
export function maxPauseJiffies(hz: number): number {
  return Math.max(Math.floor(hz / 5), 1);
}

/** DIRTY_POLL_THRESH = 128 >> (PAGE_SHIFT − 10): 32 pages. */
export const DIRTY_POLL_THRESH = 32;
/** Initial current->nr_dirtied_pause (kernel/fork.c): 128 >> (PAGE_SHIFT − 10). */
export const INITIAL_NR_DIRTIED_PAUSE = 32;

function ilog2(n: number): number {
  return n > 0 ? Math.floor(Math.log2(n)) : 0;
}

function roundupPow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(n, 1)));
}

/** dirty_poll_interval(): below freerun, poll again after ~sqrt(headroom) pages. */
export function dirtyPollInterval(dirty: number, thresh: number): number {
  if (thresh > dirty) return 2 ** (ilog2(thresh - dirty) >> 1);
  return 1;
}

/**
 * wb_max_pause(): short pauses when the wb's pool is small relative to its
 * bandwidth, so the disk does not go idle; at most MAX_PAUSE.
 */
export function wbMaxPause(avgWriteBw: number, wbDirty: number, hz: number): number {
  const t = Math.floor(wbDirty / (1 + Math.floor(avgWriteBw / roundupPow2(1 + Math.floor(hz / 8))))) + 1;
  return Math.min(t, maxPauseJiffies(hz));
}

/**
 * wb_min_pause(): the pause below which the task is not put to sleep (the
 * debt is carried instead), and the next nr_dirtied_pause: ~10 ms target
 * pause for one dirtier, (N·10 ms) for 2^N.
 */
export function wbMinPause(args: { avgWriteBw: number; dirtyRatelimit: number; taskRatelimit: number; maxPause: number; hz: number }): { minPause: number; nrDirtiedPause: number } {
  const { avgWriteBw, dirtyRatelimit, taskRatelimit, maxPause, hz } = args;
  const hi = ilog2(avgWriteBw);
  const lo = ilog2(dirtyRatelimit);
  let t = Math.max(1, Math.floor(hz / 100));
  if (hi > lo) t += Math.floor(((hi - lo) * (10 * hz)) / 1024);
  t = Math.min(t, 1 + Math.floor(maxPause / 2));
  const hzPow2 = roundupPow2(hz);
  let pages = Math.floor((dirtyRatelimit * t) / hzPow2);
  if (pages < DIRTY_POLL_THRESH) {
    t = maxPause;
    pages = Math.floor((dirtyRatelimit * t) / hzPow2);
    if (pages > DIRTY_POLL_THRESH) {
      pages = DIRTY_POLL_THRESH;
      t = Math.floor((hz * DIRTY_POLL_THRESH) / dirtyRatelimit);
    }
  }
  const pause = Math.floor((hz * pages) / (taskRatelimit + 1));
  if (pause > maxPause) {
    t = maxPause;
    pages = Math.floor((taskRatelimit * t) / hzPow2);
  }
  return { minPause: pages >= DIRTY_POLL_THRESH ? 1 + Math.floor(t / 2) : t, nrDirtiedPause: pages };
}

/** Per-task throttle state (current->dirty_paused_when, nr_dirtied, nr_dirtied_pause). */
export interface TaskDirtyState {
  /** Jiffies; 0 = never paused. */
  dirtyPausedWhen: number;
  nrDirtied: number;
  nrDirtiedPause: number;
}

export function initialTaskDirtyState(): TaskDirtyState {
  return { dirtyPausedWhen: 0, nrDirtied: 0, nrDirtiedPause: INITIAL_NR_DIRTIED_PAUSE };
}

/**
 * The pause step of balance_dirty_pages above freerun: period =
 * pages_dirtied / task_ratelimit, less the time since the last pause;
 * pauses below min_pause are carried, above max_pause clamped. Returns the
 * jiffies to sleep (0 = none) and updates the task state as the kernel does.
 */
export function computePause(
  ts: TaskDirtyState,
  args: { now: number; pagesDirtied: number; dirtyRatelimit: number; posRatio: number; avgWriteBw: number; wbDirty: number; hz: number },
): { pause: number; taskRatelimit: number; period: number } {
  const { pagesDirtied, dirtyRatelimit, posRatio, avgWriteBw, wbDirty, hz } = args;
  let now = args.now;
  const taskRatelimit = Math.floor((dirtyRatelimit * posRatio) / POS_ONE);
  const maxPause = wbMaxPause(avgWriteBw, wbDirty, hz);
  const { minPause, nrDirtiedPause } = wbMinPause({ avgWriteBw, dirtyRatelimit, taskRatelimit, maxPause, hz });
  let period: number;
  let pause: number;
  if (taskRatelimit === 0) {
    period = maxPause;
    pause = maxPause;
  } else {
    period = Math.floor((hz * pagesDirtied) / taskRatelimit);
    pause = period;
    if (ts.dirtyPausedWhen) pause -= now - ts.dirtyPausedWhen;
    if (pause < minPause) {
      // Think time longer than the period: credit it (up to 1 s) instead of sleeping.
      if (pause < -hz) {
        ts.dirtyPausedWhen = now;
        ts.nrDirtied = 0;
      } else if (period) {
        ts.dirtyPausedWhen += period;
        ts.nrDirtied = 0;
      } else if (ts.nrDirtiedPause <= pagesDirtied) {
        ts.nrDirtiedPause += pagesDirtied;
      }
      return { pause: 0, taskRatelimit, period };
    }
    if (pause > maxPause) {
      now += Math.min(pause - maxPause, maxPause);
      pause = maxPause;
    }
  }
  ts.dirtyPausedWhen = now + pause;
  ts.nrDirtied = 0;
  ts.nrDirtiedPause = nrDirtiedPause;
  return { pause, taskRatelimit, period };
}
