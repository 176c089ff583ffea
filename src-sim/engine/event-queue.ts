import { CalendarQueue } from './calendar-queue';

/**
 * The pending-event set. Models never see which implementation runs; they
 * only call Engine.schedule/cancel. Ordering is by (time, seq) so that two
 * events at the same nanosecond fire in the order they were scheduled.
 *
 * Complexity (n = pending events):
 *   QuaternaryHeap  push O(log4 n)  pop O(log4 n)  peek O(1)
 *   CalendarQueue   push O(1) avg   pop O(1) avg    peek O(1) avg   (worst O(n) until it recalibrates)
 */
export interface EventQueue {
  readonly size: number;
  /** Insert slot `slot` with key (time, seq). */
  push(time: number, seq: number, slot: number): void;
  /** Time of the earliest entry; +Infinity when empty. */
  peekTime(): number;
  /**
   * Slot of the earliest entry without removing it, its time in `headTime`;
   * -1 when empty. The slot is a small integer and `headTime` a double field
   * written in place, where peekTime's double result is boxed on every call
   * the JIT does not inline.
   */
  peekSlot(): number;
  /** Time of the entry the last peekSlot() returned (meaningless after it returned -1). */
  readonly headTime: number;
  /** Remove the earliest entry and return its slot; -1 when empty. */
  pop(): number;
  clear(): void;
}

/**
 * A 4-ary min-heap over three parallel typed arrays (time, seq, slot).
 * 4-ary halves the depth of a binary heap and keeps the children of a node
 * in one cache line, which matters more than the extra comparisons.
 */
export class QuaternaryHeap implements EventQueue {
  private time: Float64Array;
  private seq: Float64Array;
  private slot: Int32Array;
  private n = 0;
  headTime = 0.5;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.slot = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  clear(): void {
    this.n = 0;
  }

  peekTime(): number {
    return this.n === 0 ? Infinity : this.time[0]!;
  }

  peekSlot(): number {
    if (this.n === 0) return -1;
    this.headTime = this.time[0]!;
    return this.slot[0]!;
  }

  push(t: number, s: number, sl: number): void {
    if (this.n === this.time.length) this.grow();
    const time = this.time;
    const seq = this.seq;
    const slot = this.slot;
    let i = this.n++;
    // Sift up: move parents down until (t, s) fits.
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = time[p]!;
      if (pt < t || (pt === t && seq[p]! < s)) break;
      time[i] = pt;
      seq[i] = seq[p]!;
      slot[i] = slot[p]!;
      i = p;
    }
    time[i] = t;
    seq[i] = s;
    slot[i] = sl;
  }

  pop(): number {
    const n = this.n;
    if (n === 0) return -1;
    const time = this.time;
    const seq = this.seq;
    const slot = this.slot;
    const top = slot[0]!;
    const last = n - 1;
    this.n = last;
    if (last === 0) return top;
    const t = time[last]!;
    const s = seq[last]!;
    const sl = slot[last]!;
    let i = 0;
    for (;;) {
      const c0 = (i << 2) + 1;
      if (c0 >= last) break;
      // Find the smallest of up to four children.
      let m = c0;
      let mt = time[c0]!;
      let ms = seq[c0]!;
      const end = c0 + 4 < last ? c0 + 4 : last;
      for (let c = c0 + 1; c < end; c++) {
        const ct = time[c]!;
        if (ct < mt || (ct === mt && seq[c]! < ms)) {
          m = c;
          mt = ct;
          ms = seq[c]!;
        }
      }
      if (t < mt || (t === mt && s < ms)) break;
      time[i] = mt;
      seq[i] = ms;
      slot[i] = slot[m]!;
      i = m;
    }
    time[i] = t;
    seq[i] = s;
    slot[i] = sl;
    return top;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const time = new Float64Array(cap);
    const seq = new Float64Array(cap);
    const slot = new Int32Array(cap);
    time.set(this.time);
    seq.set(this.seq);
    slot.set(this.slot);
    this.time = time;
    this.seq = seq;
    this.slot = slot;
  }
}

/** The queue a new Engine uses: the faster one in bench/queue-throughput.ts. */
export function defaultEventQueue(): EventQueue {
  return new CalendarQueue();
}
