import { fail } from '../../vfs/errors';
import { OP_READ } from '../../hw/block/model';
import type { Elevator, ElevatorContext, Tunable } from './elevator';
import type { Request } from './request';
import { RequestFifo, SortedRequests } from './sorted-queue';

// block/mq-deadline.c
const READ_EXPIRE_MS = 500; // HZ / 2
const WRITE_EXPIRE_MS = 5000; // 5 * HZ
const WRITES_STARVED = 2; // max times reads can starve a write
const FIFO_BATCH = 16; // # of sequential requests treated as one
const PRIO_AGING_EXPIRE_MS = 10000; // 10 * HZ

const READ = 0;
const WRITE = 1;

/**
 * mq-deadline (block/mq-deadline.c, single priority class): per direction a
 * sector-sorted list and a FIFO with expiry stamps; batches of fifo_batch in
 * sector order; reads preferred at batch boundaries until writes have been
 * starved writes_starved times; an expired FIFO head restarts the batch.
 */
export class MqDeadline implements Elevator {
  readonly name = 'mq-deadline' as const;
  readExpireNs = READ_EXPIRE_MS * 1e6;
  writeExpireNs = WRITE_EXPIRE_MS * 1e6;
  writesStarved = WRITES_STARVED;
  fifoBatch = FIFO_BATCH;
  frontMerges = 1;
  prioAgingExpireNs = PRIO_AGING_EXPIRE_MS * 1e6;
  asyncDepth: number;
  private readonly sort = [new SortedRequests(), new SortedRequests()];
  private readonly fifo = [new RequestFifo(), new RequestFifo()];
  /** dd->per_prio.latest_pos[]: end sector of the last dispatched request per direction. */
  private readonly latestPos = [0, 0];
  /** dd_init_sched(): dd->last_dir = DD_WRITE */
  private lastDir = WRITE;
  private batching = 0;
  private starved = 0;
  readonly tunables: Record<string, Tunable>;

  constructor(_ctx: ElevatorContext, nrRequests: number) {
    // dd_depth_updated(): async_depth = max(1, 3 * nr_requests / 4)
    this.asyncDepth = Math.max(1, Math.floor((3 * nrRequests) / 4));
    const ms = (get: () => number, set: (v: number) => void): Tunable => ({
      read: () => `${Math.round(get() / 1e6)}`,
      write: (v) => set(clampInt(parseInt32(v)) * 1e6),
    });
    const int = (get: () => number, set: (v: number) => void, min: number, max: number): Tunable => ({
      read: () => `${get()}`,
      write: (v) => set(Math.min(max, Math.max(min, parseInt32(v)))),
    });
    this.tunables = {
      read_expire: ms(() => this.readExpireNs, (v) => (this.readExpireNs = v)),
      write_expire: ms(() => this.writeExpireNs, (v) => (this.writeExpireNs = v)),
      writes_starved: int(() => this.writesStarved, (v) => (this.writesStarved = v), -2147483648, 2147483647),
      front_merges: int(() => this.frontMerges, (v) => (this.frontMerges = v), 0, 1),
      fifo_batch: int(() => this.fifoBatch, (v) => (this.fifoBatch = v), 0, 2147483647),
      prio_aging_expire: { ...ms(() => this.prioAgingExpireNs, (v) => (this.prioAgingExpireNs = v)), notSimulated: 'I/O priority classes are not modelled, so there is no priority aging' },
      async_depth: { ...int(() => this.asyncDepth, (v) => (this.asyncDepth = v), 1, 2147483647), notSimulated: 'async requests are not limited below nr_requests (dd_limit_depth is not modelled)' },
    };
  }

  get queued(): number {
    return this.fifo[READ]!.size + this.fifo[WRITE]!.size;
  }

  insert(rq: Request, now: number): void {
    const dir = rq.op === OP_READ ? READ : WRITE;
    rq.fifoTime = now + (dir === READ ? this.readExpireNs : this.writeExpireNs);
    this.sort[dir]!.insert(rq);
    this.fifo[dir]!.push(rq);
  }

  allowMerge(_rq: Request, _bio: unknown, front: boolean): boolean {
    return !front || this.frontMerges !== 0;
  }

  merged(): void {}

  completed(): void {}

  dispatch(now: number): Request | null {
    let dir = this.lastDir;
    // Continue the current batch in sector order (deadline_next_request).
    let rq = this.sort[dir]!.atOrAfter(this.latestPos[dir]!);
    if (rq === null || this.batching >= this.fifoBatch) {
      const reads = this.fifo[READ]!.size > 0;
      const writes = this.fifo[WRITE]!.size > 0;
      if (reads) {
        if (writes && this.starved++ >= this.writesStarved) {
          this.starved = 0;
          dir = WRITE;
        } else {
          dir = READ;
        }
      } else if (writes) {
        this.starved = 0;
        dir = WRITE;
      } else {
        return null;
      }
      // deadline_check_fifo(): an expired head, or no request after the last position, restarts from the FIFO.
      const next = this.sort[dir]!.atOrAfter(this.latestPos[dir]!);
      const head = this.fifo[dir]!.head!;
      rq = next === null || head.fifoTime <= now ? head : next;
      this.batching = 0;
    }
    this.batching++;
    this.lastDir = dir;
    this.latestPos[dir] = rq.endSector;
    this.sort[dir]!.remove(rq);
    this.fifo[dir]!.remove(rq);
    return rq;
  }

  drain(): Request[] {
    const out: Request[] = [];
    for (const f of this.fifo) for (let r = f.shift(); r; r = f.shift()) out.push(r);
    this.sort[READ]!.items.length = 0;
    this.sort[WRITE]!.items.length = 0;
    return out;
  }
}

function parseInt32(s: string): number {
  const t = s.trim();
  if (!/^[-+]?\d+$/.test(t)) fail('EINVAL', `expected an integer, got "${s}"`);
  const v = Number(t);
  if (v > 2147483647 || v < -2147483648) fail('ERANGE', `${s} does not fit an int`);
  return v;
}

function clampInt(v: number): number {
  return Math.max(0, Math.min(2147483647, v));
}
