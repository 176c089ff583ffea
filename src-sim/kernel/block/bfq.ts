import type { EventId } from '../../engine/engine';
import { OP_READ } from '../../hw/block/model';
import { fail } from '../../vfs/errors';
import { REQ_SYNC } from './bio';
import type { Elevator, ElevatorContext, Tunable } from './elevator';
import { parseUnsigned } from './elevator';
import type { Request } from './request';
import { RequestFifo } from './sorted-queue';

// block/bfq-iosched.c
const BFQ_SLICE_IDLE_NS = 1e9 / 125; // bfq_slice_idle = NSEC_PER_SEC / 125 (8 ms)
const BFQ_TIMEOUT_NS = 125e6; // bfq_timeout = HZ / 8
const BFQ_DEFAULT_MAX_BUDGET = 16 * 1024; // sectors
const BFQ_FIFO_EXPIRE_SYNC_NS = 125e6; // NSEC_PER_SEC / 8 (shown as 124 ms after jiffy rounding at HZ=250)
const BFQ_FIFO_EXPIRE_ASYNC_NS = 250e6; // NSEC_PER_SEC / 4
const BFQ_BACK_MAX_KB = 16 * 1024;
const BFQ_BACK_PENALTY = 2;
/** bfqd->bfq_wr_coeff */
const BFQ_WR_COEFF = 30;
/** bfqd->bfq_wr_min_idle_time = 2 s: a queue idle that long counts as newly interactive. */
const BFQ_WR_MIN_IDLE_NS = 2e9;
/**
 * Interactive weight-raising duration. BFQ derives it from the device's peak
 * rate (bfq_wr_duration(), typically a few seconds); the model uses a fixed 4 s.
 */
const BFQ_WR_DURATION_NS = 4e9;

type Reason = 'budget_exhausted' | 'budget_timeout' | 'too_idle' | 'no_more_requests';

class BfqQueue {
  readonly fifo = new RequestFifo();
  /** WF2Q+ virtual start and finish times. */
  S = 0;
  F = 0;
  weight = 100;
  active = false;
  inflight = 0;
  served = 0;
  budget = BFQ_DEFAULT_MAX_BUDGET;
  serviceStart = 0;
  wrUntil = 0;
  lastActive = -Infinity;
  isNew = true;
  /** Counted among its group's busy queues. */
  busy = false;
  constructor(
    readonly sync: boolean,
    /** The group (cgroup, or null for the root) whose weight this queue shares. */
    readonly group: unknown,
  ) {}
}

/**
 * BFQ (block/bfq-iosched.c), one level of B-WF2Q+ over per-process sync
 * queues and per-group async queues. A queue is served exclusively until it
 * exhausts its budget (max_budget sectors), times out (timeout_sync; then it
 * is charged for the time it held the device, bfq_bfqq_charge_time), or
 * empties — a sync queue then keeps the device idle for slice_idle waiting
 * for its next request. The next queue is the eligible one (S ≤ V) with the
 * smallest virtual finish time F = S + charged/weight. Weight = the group's
 * weight on this disk (io.bfq.weight) divided by the group's busy queues at
 * activation (the group hierarchy flattened to one level), × 30 while
 * weight-raised (low_latency).
 */
export class Bfq implements Elevator {
  readonly name = 'bfq' as const;
  sliceIdleNs = BFQ_SLICE_IDLE_NS;
  timeoutSyncNs = BFQ_TIMEOUT_NS;
  maxBudget = 0;
  lowLatency = 1;
  strictGuarantees = 0;
  fifoExpireSyncNs = BFQ_FIFO_EXPIRE_SYNC_NS;
  fifoExpireAsyncNs = BFQ_FIFO_EXPIRE_ASYNC_NS;
  backSeekMax = BFQ_BACK_MAX_KB;
  backSeekPenalty = BFQ_BACK_PENALTY;
  private V = 0;
  private inService: BfqQueue | null = null;
  private readonly activeQueues: BfqQueue[] = [];
  private readonly queues = new Map<unknown, BfqQueue>();
  private idleTimer: EventId = 0;
  private count = 0;
  /** Busy queues per group: a group's weight is shared by them (bfq_group entity over its queues). */
  private readonly busyPerGroup = new Map<unknown, number>();
  readonly tunables: Record<string, Tunable>;

  constructor(private readonly ctx: ElevatorContext) {
    const num = (get: () => number, set: (v: number) => void, scale = 1): Tunable => ({
      read: () => `${Math.floor(get() / scale)}`,
      write: (v) => set(parseUnsigned(v, (m) => fail('EINVAL', m)) * scale),
    });
    const bool01 = (get: () => number, set: (v: number) => void): Tunable => ({
      read: () => `${get()}`,
      write: (v) => set(parseUnsigned(v, (m) => fail('EINVAL', m)) > 0 ? 1 : 0),
    });
    this.tunables = {
      slice_idle: num(() => this.sliceIdleNs, (v) => (this.sliceIdleNs = v), 1e6),
      slice_idle_us: num(() => this.sliceIdleNs, (v) => (this.sliceIdleNs = v), 1e3),
      timeout_sync: num(() => this.timeoutSyncNs, (v) => (this.timeoutSyncNs = v === 0 ? 1e6 : v), 1e6),
      max_budget: num(() => this.maxBudget, (v) => (this.maxBudget = v)),
      low_latency: bool01(() => this.lowLatency, (v) => (this.lowLatency = v)),
      strict_guarantees: bool01(() => this.strictGuarantees, (v) => (this.strictGuarantees = v)),
      fifo_expire_sync: num(() => this.fifoExpireSyncNs, (v) => (this.fifoExpireSyncNs = v), 1e6),
      fifo_expire_async: num(() => this.fifoExpireAsyncNs, (v) => (this.fifoExpireAsyncNs = v), 1e6),
      back_seek_max: { ...num(() => this.backSeekMax, (v) => (this.backSeekMax = v)), notSimulated: 'bfq picks the next request of a queue in sector order without backward seeks' },
      back_seek_penalty: { ...num(() => this.backSeekPenalty, (v) => (this.backSeekPenalty = v === 0 ? 1 : v)), notSimulated: 'bfq picks the next request of a queue in sector order without backward seeks' },
    };
  }

  get queued(): number {
    return this.count;
  }

  private budgetSectors(): number {
    return this.maxBudget > 0 ? this.maxBudget : BFQ_DEFAULT_MAX_BUDGET;
  }

  private queueFor(rq: Request): BfqQueue {
    const sync = rq.op === OP_READ || (rq.flags & REQ_SYNC) !== 0;
    // Sync queues are per process; async queues per group (bfq_get_queue / async_bfqq).
    const key = sync && rq.task !== null ? rq.task : rq.cgroup;
    let q = this.queues.get(key);
    if (q === undefined) {
      q = new BfqQueue(sync, rq.cgroup);
      this.queues.set(key, q);
    }
    return q;
  }

  insert(rq: Request, now: number): void {
    const q = this.queueFor(rq);
    rq.schedData = q;
    rq.fifoTime = now + (q.sync ? this.fifoExpireSyncNs : this.fifoExpireAsyncNs);
    q.fifo.push(rq);
    this.count++;
    if (q === this.inService) {
      if (this.idleTimer !== 0) {
        this.ctx.engine.cancel(this.idleTimer);
        this.idleTimer = 0;
      }
      return;
    }
    if (!q.active) this.activate(q, rq, now);
  }

  private activate(q: BfqQueue, rq: Request, now: number): void {
    if (!q.busy) {
      q.busy = true;
      this.busyPerGroup.set(q.group, (this.busyPerGroup.get(q.group) ?? 0) + 1);
    }
    // One level of B-WF2Q+: the group's weight split over its busy queues stands in for the group entity.
    const base = this.ctx.groupWeight(rq) / this.busyPerGroup.get(q.group)!;
    if (this.lowLatency && q.sync && (q.isNew || now - q.lastActive > BFQ_WR_MIN_IDLE_NS)) q.wrUntil = now + BFQ_WR_DURATION_NS;
    q.isNew = false;
    q.weight = base * (this.lowLatency && now < q.wrUntil ? BFQ_WR_COEFF : 1);
    q.S = Math.max(this.V, q.F);
    q.F = q.S + this.budgetSectors() / q.weight;
    q.active = true;
    this.activeQueues.push(q);
  }

  /** WF2Q+: among eligible queues (S ≤ V) the smallest F; if none is eligible, V jumps to the smallest S. */
  private pickNext(): BfqQueue | null {
    const a = this.activeQueues;
    if (a.length === 0) return null;
    let minS = Infinity;
    for (const q of a) if (q.S < minS) minS = q.S;
    if (minS > this.V) this.V = minS;
    let best = -1;
    for (let i = 0; i < a.length; i++) {
      const q = a[i]!;
      if (q.S <= this.V && (best < 0 || q.F < a[best]!.F)) best = i;
    }
    const q = a[best]!;
    a.splice(best, 1);
    return q;
  }

  private expire(q: BfqQueue, now: number, reason: Reason): void {
    let charge = q.served;
    if (reason === 'budget_timeout' || (reason === 'too_idle' && q.sync && this.strictGuarantees === 0)) {
      // bfq_bfqq_charge_time(): a sync queue that held the device is charged for the time, not the sectors.
      const elapsed = now - q.serviceStart;
      charge = Math.max(charge, Math.floor((this.budgetSectors() * elapsed) / this.timeoutSyncNs));
    }
    let total = q.weight;
    for (const a of this.activeQueues) total += a.weight;
    q.F = q.S + charge / q.weight;
    this.V += charge / total;
    this.inService = null;
    q.active = false;
    q.lastActive = now;
    if (this.idleTimer !== 0) {
      this.ctx.engine.cancel(this.idleTimer);
      this.idleTimer = 0;
    }
    if (q.fifo.size > 0) this.activate(q, q.fifo.head!, now);
    else if (q.busy) {
      q.busy = false;
      this.busyPerGroup.set(q.group, this.busyPerGroup.get(q.group)! - 1);
    }
  }

  dispatch(now: number): Request | null {
    for (let guard = 0; guard < 1_000_000; guard++) {
      const q = this.inService;
      if (q === null) {
        const next = this.pickNext();
        if (next === null) return null;
        this.inService = next;
        next.serviceStart = now;
        next.served = 0;
        next.budget = this.budgetSectors();
        continue;
      }
      if (q.fifo.size > 0) {
        if (q.served >= q.budget) {
          this.expire(q, now, 'budget_exhausted');
          continue;
        }
        if (q.sync && now - q.serviceStart >= this.timeoutSyncNs) {
          this.expire(q, now, 'budget_timeout');
          continue;
        }
        const rq = q.fifo.shift()!;
        this.count--;
        q.served += rq.nrSectors;
        q.inflight++;
        return rq;
      }
      // Empty: a sync queue keeps the device idle for slice_idle (bfq_better_to_idle).
      if (q.sync && this.sliceIdleNs > 0) {
        if (q.inflight > 0 || this.idleTimer !== 0) return null;
        this.armIdle(q);
        return null;
      }
      this.expire(q, now, 'no_more_requests');
    }
    return this.ctx.engine.fail('bfq', 'dispatch loop did not settle');
  }

  private armIdle(q: BfqQueue): void {
    this.idleTimer = this.ctx.engine.after(this.sliceIdleNs, (t) => {
      this.idleTimer = 0;
      if (this.inService === q && q.fifo.size === 0) this.expire(q, t, 'too_idle');
      this.ctx.kick();
    });
  }

  allowMerge(rq: Request, bio: { task: unknown; op: string; flags: number }): boolean {
    // bfq_allow_bio_merge(): only into a request of the bio's own queue.
    return rq.task === bio.task;
  }

  merged(): void {}

  completed(rq: Request): void {
    const q = rq.schedData;
    if (!(q instanceof BfqQueue)) return;
    q.inflight--;
    if (q === this.inService && q.fifo.size === 0 && q.inflight === 0 && q.sync && this.sliceIdleNs > 0 && this.idleTimer === 0) {
      this.armIdle(q);
    }
    this.ctx.kick();
  }

  drain(): Request[] {
    const out: Request[] = [];
    for (const q of this.queues.values()) for (let r = q.fifo.shift(); r; r = q.fifo.shift()) out.push(r);
    this.count = 0;
    this.activeQueues.length = 0;
    this.busyPerGroup.clear();
    for (const q of this.queues.values()) q.busy = false;
    this.inService = null;
    if (this.idleTimer !== 0) this.ctx.engine.cancel(this.idleTimer);
    this.idleTimer = 0;
    return out;
  }
}
