import { SimInvariantError } from './errors';
import { defaultEventQueue, type EventQueue } from './event-queue';

/** Handler of a scheduled event; receives the current simulated time (ns). */
export type EventFn = (now: number) => void;

/** Opaque handle returned by schedule(); pass to cancel(). 0 is never a valid id. */
export type EventId = number;

// An id packs (generation, slot); a stale id (slot reused) cancels nothing.
const SLOT_BITS = 2 ** 24;

/**
 * The simulation clock and event loop: schedule, cancel, runUntil.
 * Time is an integer count of nanoseconds held in a number (exact to 2^53).
 */
export class Engine {
  /** Current simulated time in ns. */
  now = 0;
  /** Events executed so far. */
  executed = 0;

  private readonly queue: EventQueue;
  private fns: (EventFn | undefined)[] = [];
  private gen: number[] = [];
  private free: number[] = [];
  private seq = 0;
  private stopped = false;

  constructor(queue: EventQueue = defaultEventQueue()) {
    this.queue = queue;
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Run `fn` at absolute time `at` (ns, integer, ≥ now). */
  schedule(at: number, fn: EventFn): EventId {
    if (!(at >= this.now) || !Number.isSafeInteger(at)) {
      throw new SimInvariantError('engine', this.now, `schedule at ${at} (must be an integer ≥ now)`);
    }
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.fns.length;
      if (slot >= SLOT_BITS) throw new SimInvariantError('engine', this.now, 'more than 2^24 pending events');
      this.fns.push(fn);
      this.gen.push(1);
    } else {
      this.fns[slot] = fn;
    }
    this.queue.push(at, this.seq++, slot);
    return this.gen[slot]! * SLOT_BITS + slot;
  }

  /** Run `fn` after `delay` ns (rounded to an integer ns). */
  after(delay: number, fn: EventFn): EventId {
    return this.schedule(this.now + Math.max(0, Math.round(delay)), fn);
  }

  /** Cancel a pending event. Cancelling a fired or unknown id is a no-op. */
  cancel(id: EventId): void {
    if (id <= 0) return;
    const slot = id % SLOT_BITS;
    const g = (id - slot) / SLOT_BITS;
    if (this.gen[slot] === g && this.fns[slot] !== undefined) {
      // Lazy deletion: the heap entry stays; pop() skips an empty slot.
      this.fns[slot] = undefined;
    }
  }

  /** True if `id` is scheduled and has neither fired nor been cancelled. */
  isPending(id: EventId): boolean {
    if (id <= 0) return false;
    const slot = id % SLOT_BITS;
    return this.gen[slot] === (id - slot) / SLOT_BITS && this.fns[slot] !== undefined;
  }

  /** Abort the run: an invariant of `subsystem` does not hold. */
  fail(subsystem: string, detail: string): never {
    throw new SimInvariantError(subsystem, this.now, detail);
  }

  /** Stop the current runUntil() after the event being executed. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Execute events with time ≤ `until`, at most `maxEvents` of them (so a host
   * can interleave control messages between chunks). Returns true when the
   * clock reached `until` (now === max(now, until)), false if it stopped early.
   */
  runUntil(until: number, maxEvents = Infinity): boolean {
    this.stopped = false;
    const queue = this.queue;
    const fns = this.fns;
    let budget = maxEvents;
    while (queue.peekTime() <= until) {
      if (budget-- <= 0 || this.stopped) return false;
      const t = queue.peekTime();
      const slot = queue.pop();
      const fn = fns[slot];
      // Free the slot before running so the handler can reuse it.
      fns[slot] = undefined;
      this.gen[slot]!++;
      this.free.push(slot);
      if (fn === undefined) {
        budget++;
        continue;
      }
      this.now = t;
      this.executed++;
      fn(t);
    }
    if (this.stopped) return false;
    // A target already passed (a host's stale pace deadline) must not move the clock back.
    if (until !== Infinity && until > this.now) this.now = until;
    return true;
  }
}
