import type { Engine, EventId } from '../../engine/engine';
import { READ, ThrotlGrp, WRITE, dflThrotlSlice, type Rw } from './throtl-grp';

/** What blk-throttle needs to know about a bio. */
export interface Throttled {
  readonly bytes: number;
  readonly rw: Rw;
  /** BIO_BPS_THROTTLED: bytes already charged (a split of a bio that passed). */
  readonly bpsCharged: boolean;
}

// block/blk-throttle.c: THROTL_GRP_QUANTUM, THROTL_QUANTUM
export const THROTL_GRP_QUANTUM = 8;
export const THROTL_QUANTUM = 32;

/**
 * One group's throttle state on one device with its service queue: bios of
 * its own and bios its children passed up, FIFO per direction.
 */
export class ThrotlNode<T extends Throttled> {
  readonly grp: ThrotlGrp;
  readonly queued: [T[], T[]] = [[], []];
  readonly head: [number, number] = [0, 0];
  /** On the device's pending list with a dispatch time (THROTL_TG_PENDING). */
  pending = false;
  disptime = 0;
  /** Bios dispatched (passed) per direction; for tests and traces. */
  readonly dispatched: [number, number] = [0, 0];

  constructor(
    readonly id: string,
    readonly parent: ThrotlNode<T> | null,
    hz: number,
    slice: number,
  ) {
    this.grp = new ThrotlGrp(hz, slice);
  }

  nrQueued(rw: Rw): number {
    return this.queued[rw].length - this.head[rw];
  }

  peek(rw: Rw): T | undefined {
    return this.queued[rw][this.head[rw]];
  }

  push(rw: Rw, item: T): void {
    this.queued[rw].push(item);
  }

  pop(rw: Rw): T {
    const q = this.queued[rw];
    const item = q[this.head[rw]++]!;
    if (this.head[rw] > 64 && this.head[rw] * 2 > q.length) {
      q.splice(0, this.head[rw]);
      this.head[rw] = 0;
    }
    return item;
  }
}

/**
 * blk-throttle for one device (struct throtl_data): a tree of groups, each
 * admitting bios within its io.max budget; a bio must pass its own group and
 * every ancestor (v2 limits are hierarchical). Held bios wait in FIFO order
 * and a timer dispatches them, up to THROTL_GRP_QUANTUM per group and
 * THROTL_QUANTUM per round.
 */
export class ThrotlData<T extends Throttled> {
  readonly slice: number;
  private readonly jiffyNs: number;
  private readonly pendingNodes: ThrotlNode<T>[] = [];
  private timer: EventId = 0;
  private timerAt = Infinity;

  constructor(
    private readonly engine: Engine,
    readonly hz: number,
    /** Called when a held bio leaves the top group: send it on. */
    private readonly issue: (item: T) => void,
  ) {
    this.slice = dflThrotlSlice(hz);
    this.jiffyNs = 1e9 / hz;
  }

  newNode(id: string, parent: ThrotlNode<T> | null): ThrotlNode<T> {
    return new ThrotlNode<T>(id, parent, this.hz, this.slice);
  }

  jiffies(): number {
    return Math.floor(this.engine.now / this.jiffyNs + 1e-9);
  }

  /**
   * __blk_throtl_bio(): climb from `node` while each level has nothing queued
   * and admits the bio; true = it passed the top and may go on now.
   */
  submit(node: ThrotlNode<T>, item: T): boolean {
    const rw = item.rw;
    const j = this.jiffies();
    let tg: ThrotlNode<T> | null = node;
    while (tg) {
      // FIFO: if bios already wait here, this one waits behind them.
      if (tg.nrQueued(rw) > 0) break;
      if (tg.grp.mayDispatch(rw, item.bytes, item.bpsCharged, false, j) !== 0) break;
      tg.grp.charge(rw, item.bytes, item.bpsCharged);
      tg.grp.trimSlice(rw, j);
      tg.dispatched[rw]++;
      tg = tg.parent;
    }
    if (!tg) return true;
    const wasEmpty = tg.nrQueued(READ) + tg.nrQueued(WRITE) === 0;
    tg.push(rw, item);
    if (wasEmpty) {
      this.updateDisptime(tg, j);
      this.scheduleNextDispatch();
    }
    return false;
  }

  /** Limits changed on `node` (tg_set_limit → tg_conf_updated). */
  configure(node: ThrotlNode<T>, apply: (g: ThrotlGrp) => void): void {
    const j = this.jiffies();
    const g = node.grp;
    if (node.nrQueued(READ)) g.updateCarryover(READ, j);
    if (node.nrQueued(WRITE)) g.updateCarryover(WRITE, j);
    apply(g);
    // Restart both slices so IO done under the old limit is not billed at the new rate.
    g.startNewSlice(READ, j, false);
    g.startNewSlice(WRITE, j, false);
    if (node.pending) {
      this.updateDisptime(node, j);
      this.scheduleNextDispatch();
    }
  }

  /** tg_update_disptime(): earliest time the head bio of either direction may go. */
  private updateDisptime(tg: ThrotlNode<T>, j: number): void {
    let wait = Infinity;
    for (const rw of [READ, WRITE] as const) {
      const head = tg.peek(rw);
      if (head) wait = Math.min(wait, tg.grp.mayDispatch(rw, head.bytes, head.bpsCharged, true, j));
    }
    if (wait === Infinity) {
      this.removePending(tg);
      return;
    }
    tg.disptime = j + wait;
    if (!tg.pending) {
      tg.pending = true;
      this.pendingNodes.push(tg);
    }
  }

  private removePending(tg: ThrotlNode<T>): void {
    if (!tg.pending) return;
    tg.pending = false;
    const i = this.pendingNodes.indexOf(tg);
    if (i >= 0) this.pendingNodes.splice(i, 1);
  }

  private scheduleNextDispatch(): void {
    let first = Infinity;
    for (const n of this.pendingNodes) if (n.disptime < first) first = n.disptime;
    if (first === Infinity) {
      if (this.timer) this.engine.cancel(this.timer);
      this.timer = 0;
      this.timerAt = Infinity;
      return;
    }
    const at = Math.max(this.engine.now, Math.ceil(first * this.jiffyNs - 1e-6));
    if (this.timer && this.engine.isPending(this.timer) && this.timerAt === at) return;
    if (this.timer) this.engine.cancel(this.timer);
    this.timerAt = at;
    this.timer = this.engine.schedule(at, () => this.timerFn());
  }

  /** throtl_pending_timer_fn(): dispatch rounds while some group is due, then re-arm for the next one. */
  private timerFn(): void {
    this.timer = 0;
    this.timerAt = Infinity;
    for (;;) {
      const j = this.jiffies();
      const ready = this.pendingNodes.filter((n) => n.disptime <= j).sort((a, b) => a.disptime - b.disptime);
      if (ready.length === 0) break;
      let nrDisp = 0;
      for (const tg of ready) {
        nrDisp += this.dispatchTg(tg, j);
        if (tg.nrQueued(READ) + tg.nrQueued(WRITE) > 0) this.updateDisptime(tg, j);
        else this.removePending(tg);
        if (nrDisp >= THROTL_QUANTUM) break;
      }
    }
    this.scheduleNextDispatch();
  }

  /** throtl_dispatch_tg(): up to 3/4 of the group quantum for reads, the rest for writes. */
  private dispatchTg(tg: ThrotlNode<T>, j: number): number {
    const maxReads = (THROTL_GRP_QUANTUM * 3) / 4;
    const maxWrites = THROTL_GRP_QUANTUM - maxReads;
    let n = 0;
    for (const [rw, max] of [
      [READ, maxReads],
      [WRITE, maxWrites],
    ] as const) {
      let done = 0;
      for (;;) {
        const head = tg.peek(rw);
        if (!head || tg.grp.mayDispatch(rw, head.bytes, head.bpsCharged, true, j) !== 0) break;
        this.dispatchOne(tg, rw, j);
        if (++done >= max) break;
      }
      n += done;
    }
    return n;
  }

  /** tg_dispatch_one_bio(): charge, then hand up to the parent or out to the device. */
  private dispatchOne(tg: ThrotlNode<T>, rw: Rw, j: number): void {
    const item = tg.pop(rw);
    tg.grp.charge(rw, item.bytes, item.bpsCharged);
    tg.grp.trimSlice(rw, j);
    tg.dispatched[rw]++;
    const parent = tg.parent;
    if (!parent) {
      this.issue(item);
      return;
    }
    const wasEmpty = parent.nrQueued(READ) + parent.nrQueued(WRITE) === 0;
    parent.push(rw, item);
    // start_parent_slice_with_credit(): the parent may use bandwidth unused since the child's slice began.
    if (parent.grp.sliceUsed(rw, j)) parent.grp.startNewSliceWithCredit(rw, j, tg.grp.sliceStart[rw]);
    if (wasEmpty) this.updateDisptime(parent, j);
  }
}
