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
  /**
   * Each slot's time as the caller passed it. A time in ns is a double above
   * V8's small-integer range, so it lives in a heap box; a generic (not
   * double-element) array keeps the caller's box and hands the same one to
   * the handler, where reading the queue's Float64Array would box the time
   * again on every event. Starts with `null` so V8 never picks double
   * elements for it.
   */
  private readonly times: (number | null)[] = [null];
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
      this.times[slot] = at;
    } else {
      this.fns[slot] = fn;
      this.times[slot] = at;
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
    const times = this.times;
    // Events run by this call: a small integer, where counting a budget of
    // Infinity down would box a double on every event.
    let ran = 0;
    for (;;) {
      const slot = queue.peekSlot();
      if (slot < 0 || !(queue.headTime <= until)) break;
      if (ran >= maxEvents || this.stopped) return false;
      queue.pop();
      const fn = fns[slot];
      // Free the slot before running so the handler can reuse it.
      fns[slot] = undefined;
      this.gen[slot]!++;
      this.free.push(slot);
      if (fn === undefined) continue;
      this.now = queue.headTime;
      this.executed++;
      ran++;
      // The time the caller scheduled (equal to headTime; a slot is reused
      // only after its entry is popped), as the box the caller passed.
      fn(times[slot] as number);
    }
    if (this.stopped) return false;
    // A target already passed (a host's stale pace deadline) must not move the clock back.
    if (until !== Infinity && until > this.now) this.now = until;
    return true;
  }
}
