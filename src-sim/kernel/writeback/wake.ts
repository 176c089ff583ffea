import type { Kernel } from '../kernel';
import type { Task } from '../task';

/** Retry interval and bound for a wake that arrives before its task has blocked. */
const RETRY_NS = 20_000;
const MAX_RETRIES = 5_000;

/**
 * Wake `task` once it is actually waiting. A behaviour may queue the `block`
 * step that writeback returned behind a cpu step (the copy of the written
 * data), so the condition can come true before the task sleeps; the kernel
 * closes that window with set_current_state() before the check, here the
 * wake is retried until the task is off the CPU (bounded, ~100 ms).
 */
export function wakeWhenBlocked(k: Kernel, task: Task, tries = 0): void {
  if (task.state === 'exited') return;
  if (task.state === 'blocked' || task.state === 'sleeping') {
    k.sched.wake(task);
    return;
  }
  if (tries >= MAX_RETRIES) return;
  k.engine.after(RETRY_NS, () => wakeWhenBlocked(k, task, tries + 1));
}
