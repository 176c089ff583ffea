import type { Kernel } from '../kernel';
import type { Task } from '../task';

/** Retry intervals for a wake that arrives before its task has blocked: short at first, then 1 ms. */
const FAST_RETRY_NS = 20_000;
const FAST_RETRIES = 50;
const SLOW_RETRY_NS = 1_000_000;

/**
 * Wake `task` once it is actually waiting. A behaviour may queue the `block`
 * step that writeback returned behind a cpu step (the copy of the written
 * data), so the condition can come true before the task sleeps; the kernel
 * closes that race with set_current_state() before the check. Here the
 * wake is retried until the task is blocked — the next block it enters is
 * the one writeback asked for — or has exited. A CPU-starved task is
 * polled every millisecond.
 */
export function wakeWhenBlocked(k: Kernel, task: Task, tries = 0): void {
  if (task.state === 'exited') return;
  // Only a `block` step is ours: a timed sleep queued before it (memory.high) must run its course.
  if (task.state === 'blocked') {
    k.sched.wake(task);
    return;
  }
  k.engine.after(tries < FAST_RETRIES ? FAST_RETRY_NS : SLOW_RETRY_NS, () => wakeWhenBlocked(k, task, tries + 1));
}
