import type { EventQueue } from './event-queue';

const MIN_BUCKETS = 16;
/** Entries sampled from the front to size the buckets (Brown 1988 uses ~25). */
const SAMPLE = 64;
/** Operations between checks of the scan/insert cost; recalibrate above COST_LIMIT steps per op. */
const CHECK_EVERY = 8192;
const COST_LIMIT = 6;

/**
 * A calendar queue (R. Brown, "Calendar queues", CACM 31(10), 1988): an
 * array of buckets, each a sorted linked list, with bucket width chosen so
 * that the front of the queue holds about one event per bucket. Push and pop
 * are O(1) on average; the number of buckets follows the size (×2 / ÷2) and
 * the width is re-estimated from the earliest events when the cost per
 * operation drifts up (the event distribution changed).
 *
 * Exactness: each entry's "virtual bucket" floor(time / width) is computed
 * once; an entry is taken from the current bucket only when its virtual
 * bucket is the current one, so ordering never depends on floating-point
 * bucket bounds. Within a bucket, entries are sorted by (time, seq).
 */
export class CalendarQueue implements EventQueue {
  private time: Float64Array;
  private seq: Float64Array;
  private vb: Float64Array;
  private slot: Int32Array;
  private next: Int32Array;
  private freeHead = -1;
  private used = 0;
  private n = 0;

  private head: Int32Array;
  private tail: Int32Array;
  private nb: number;
  private mask: number;
  private width = 1;
  /** 1 / width: a multiply is cheaper than a divide, and floor(t · inv) is still monotone in t. */
  private inv = 1;
  /** Virtual bucket of the earliest entry or below: no entry has vb < curVb. */
  private curVb = 0;
  /** Cached entry index of the minimum; -1 = unknown. */
  private minE = -1;
  /** Set by peekSlot(); a double from the start (0.5) so V8 never stores it as a small integer first. */
  headTime = 0.5;

  private cost = 0;
  private ops = 0;
  /** A cost-triggered rebuild found no better width: wait for the next resize before trying again. */
  private futile = false;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.vb = new Float64Array(capacity);
    this.slot = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.nb = MIN_BUCKETS;
    this.mask = MIN_BUCKETS - 1;
    this.head = new Int32Array(MIN_BUCKETS).fill(-1);
    this.tail = new Int32Array(MIN_BUCKETS).fill(-1);
  }

  get size(): number {
    return this.n;
  }

  clear(): void {
    this.n = 0;
    this.used = 0;
    this.freeHead = -1;
    this.minE = -1;
    this.curVb = 0;
    this.head.fill(-1);
    this.tail.fill(-1);
  }

  push(t: number, s: number, sl: number): void {
    let e = this.freeHead;
    if (e >= 0) this.freeHead = this.next[e]!;
    else {
      if (this.used === this.time.length) this.grow();
      e = this.used++;
    }
    this.time[e] = t;
    this.seq[e] = s;
    this.slot[e] = sl;
    const v = Math.floor(t * this.inv);
    this.vb[e] = v;
    this.insert(e, v);
    this.n++;
    if (v < this.curVb) this.curVb = v;
    const m = this.minE;
    if (m >= 0 && (t < this.time[m]! || (t === this.time[m]! && s < this.seq[m]!))) this.minE = e;
    if (this.n > 2 * this.nb) this.rebuild(this.nb * 2);
    else if (++this.ops >= CHECK_EVERY) this.check();
  }

  peekTime(): number {
    if (this.n === 0) return Infinity;
    if (this.minE < 0) this.minE = this.findMin();
    return this.time[this.minE]!;
  }

  peekSlot(): number {
    if (this.n === 0) return -1;
    if (this.minE < 0) this.minE = this.findMin();
    this.headTime = this.time[this.minE]!;
    return this.slot[this.minE]!;
  }

  pop(): number {
    if (this.n === 0) return -1;
    const e = this.minE >= 0 ? this.minE : this.findMin();
    this.minE = -1;
    // The minimum is always the head of its bucket.
    const b = this.vb[e]! & this.mask;
    const nx = this.next[e]!;
    this.head[b] = nx;
    if (nx < 0) this.tail[b] = -1;
    this.next[e] = this.freeHead;
    this.freeHead = e;
    this.n--;
    const sl = this.slot[e]!;
    if (this.n < this.nb >> 1 && this.nb > MIN_BUCKETS) this.rebuild(this.nb >> 1);
    else if (++this.ops >= CHECK_EVERY) this.check();
    return sl;
  }

  /** Insert entry e into its bucket, keeping the bucket sorted by (time, seq). */
  private insert(e: number, v: number): void {
    const b = v & this.mask;
    const head = this.head;
    const tail = this.tail;
    const next = this.next;
    const time = this.time;
    const seq = this.seq;
    const h = head[b]!;
    const t = time[e]!;
    const s = seq[e]!;
    if (h < 0) {
      head[b] = e;
      tail[b] = e;
      next[e] = -1;
      return;
    }
    const tl = tail[b]!;
    // Appending is the common case: far-future entries and same-time bursts.
    if (t > time[tl]! || (t === time[tl]! && s > seq[tl]!)) {
      next[tl] = e;
      tail[b] = e;
      next[e] = -1;
      return;
    }
    if (t < time[h]! || (t === time[h]! && s < seq[h]!)) {
      next[e] = h;
      head[b] = e;
      return;
    }
    let p = h;
    let steps = 0;
    for (;;) {
      const q = next[p]!;
      if (t < time[q]! || (t === time[q]! && s < seq[q]!)) break;
      p = q;
      steps++;
    }
    this.cost += steps;
    next[e] = next[p]!;
    next[p] = e;
  }

  private findMin(): number {
    const head = this.head;
    const vbs = this.vb;
    const mask = this.mask;
    let v = this.curVb;
    for (let k = 0; k < this.nb; k++, v++) {
      const h = head[v & mask]!;
      if (h >= 0 && vbs[h] === v) {
        this.cost += k;
        this.curVb = v;
        return h;
      }
    }
    this.cost += this.nb;
    // A whole "year" without an entry: the minimum is the least bucket head.
    const time = this.time;
    const seq = this.seq;
    let best = -1;
    for (let b = 0; b < this.nb; b++) {
      const h = head[b]!;
      if (h < 0) continue;
      if (best < 0 || time[h]! < time[best]! || (time[h] === time[best] && seq[h]! < seq[best]!)) best = h;
    }
    this.curVb = vbs[best]!;
    return best;
  }

  private check(): void {
    const perOp = this.cost / this.ops;
    this.cost = 0;
    this.ops = 0;
    if (perOp > COST_LIMIT && this.n > 1 && !this.futile) {
      const before = this.width;
      this.rebuild(this.nb);
      // Equal times (a burst at one instant) cannot be spread by any width.
      this.futile = this.width === before;
    }
  }

  /** Re-bucket every entry into `nb` buckets with a width estimated from the earliest entries. */
  private rebuild(nb: number): void {
    const order: number[] = [];
    for (let b = 0; b < this.nb; b++) for (let e = this.head[b]!; e >= 0; e = this.next[e]!) order.push(e);
    const time = this.time;
    const seq = this.seq;
    order.sort((a, b) => time[a]! - time[b]! || seq[a]! - seq[b]!);
    if (nb !== this.nb) this.futile = false;
    this.width = estimateWidth(time, order, this.width);
    this.inv = 1 / this.width;
    this.nb = nb;
    this.mask = nb - 1;
    this.head = new Int32Array(nb).fill(-1);
    this.tail = new Int32Array(nb).fill(-1);
    for (const e of order) {
      const v = Math.floor(time[e]! * this.inv);
      this.vb[e] = v;
      // Sorted input: every insert is an append.
      this.insert(e, v);
    }
    this.curVb = order.length ? this.vb[order[0]!]! : 0;
    this.minE = -1;
    this.cost = 0;
    this.ops = 0;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const f = (a: Float64Array): Float64Array => {
      const x = new Float64Array(cap);
      x.set(a);
      return x;
    };
    const i = (a: Int32Array): Int32Array => {
      const x = new Int32Array(cap);
      x.set(a);
      return x;
    };
    this.time = f(this.time);
    this.seq = f(this.seq);
    this.vb = f(this.vb);
    this.slot = i(this.slot);
    this.next = i(this.next);
  }
}

/**
 * Brown's estimate: three times the mean gap between the earliest events,
 * ignoring gaps above twice the mean (a far-off event must not widen the
 * buckets of the busy front). Keeps the old width when all times are equal.
 */
function estimateWidth(time: Float64Array, sorted: readonly number[], old: number): number {
  const k = Math.min(sorted.length, SAMPLE);
  if (k < 2) return old;
  const span = time[sorted[k - 1]!]! - time[sorted[0]!]!;
  if (!(span > 0)) return old;
  const mean = span / (k - 1);
  let sum = 0;
  let cnt = 0;
  for (let i = 1; i < k; i++) {
    const g = time[sorted[i]!]! - time[sorted[i - 1]!]!;
    if (g <= 2 * mean) {
      sum += g;
      cnt++;
    }
  }
  const w = cnt && sum > 0 ? (3 * sum) / cnt : 3 * mean;
  return Number.isFinite(w) && w > 0 ? w : old;
}
