import type { EventId } from '../../engine/engine';
import type { OpCode } from '../../hw/block/model';
import type { Cgroup } from '../cgroup/cgroup';
import type { Task } from '../task';
import type { Bio, BioStatus } from './bio';

/** Flush state machine steps (block/blk-flush.c: REQ_FSEQ_*). */
export const FSEQ_PREFLUSH = 1;
export const FSEQ_DATA = 2;
export const FSEQ_POSTFLUSH = 4;

/**
 * A struct request: one or more merged bios covering a contiguous sector
 * range of one disk. Pooled by the queue (no allocation per I/O); the
 * elevator-private fields are reset on reuse.
 */
export class Request {
  op: OpCode = 0;
  /** Absolute start sector on the disk. */
  sector = 0;
  nrSectors = 0;
  flags = 0;
  /** The request's first bio (null for an internal flush); `more` holds bios merged in later, in merge order. */
  bio: Bio | null = null;
  readonly more: Bio[] = [];
  cgroup: Cgroup | null = null;
  task: Task | null = null;
  /** Partition index the I/O is accounted to (0 = whole disk only). */
  part = 0;
  hctx = 0;
  /** rq->start_time_ns: allocation (diskstats ticks count from here). */
  allocNs = 0;
  insertNs = 0;
  dispatchNs = 0;
  /** mq-deadline FIFO expiry. */
  fifoTime = 0;
  /** Remaining REQ_FSEQ_* steps for a flush sequence (0 = plain request). */
  fseq = 0;
  /** Internal flush request serving `owner`'s sequence, or a standalone flush. */
  owner: Request | null = null;
  status: BioStatus = 0;
  /** Pending completion event while on the device. */
  ev: EventId = 0;
  onDevice = false;
  /** Index in the queue's on-device array. */
  slot = 0;
  /** Elevator-private: FIFO links, kyber domain, bfq queue. */
  fifoPrev: Request | null = null;
  fifoNext: Request | null = null;
  domain = 0;
  schedData: unknown = null;
  /** Called by the engine at device completion; bound once per pooled object. */
  complete: (now: number) => void = () => undefined;

  get endSector(): number {
    return this.sector + this.nrSectors;
  }

  get bytes(): number {
    return this.nrSectors * 512;
  }

  reset(): void {
    this.bio = null;
    if (this.more.length !== 0) this.more.length = 0;
    this.cgroup = null;
    this.task = null;
    this.fseq = 0;
    this.owner = null;
    this.status = 0;
    this.ev = 0;
    this.onDevice = false;
    this.fifoPrev = null;
    this.fifoNext = null;
    this.domain = 0;
    this.schedData = null;
    this.flags = 0;
    this.part = 0;
  }
}
