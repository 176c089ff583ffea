import type { TraceBuffer } from '../../engine/trace';
import type { Engine } from '../../engine/engine';
import type { FaultMap } from '../../hw/block/faults';
import { OP_DISCARD, OP_FLUSH, OP_READ, OP_WRITE, type DeviceLimits, type DeviceModel, type OpCode } from '../../hw/block/model';
import type { BlockDeviceSpec, BlockDeviceType } from '../../scenario/types';
import type { Bio, BioStatus, BlockDeviceInfo } from './bio';
import { REQ_FUA, REQ_PREFLUSH } from './bio';
import { DiskStats } from './disk-stats';
import type { Elevator, ElevatorName } from './elevator';
import { LatencyHistogram } from './histogram';
import { FSEQ_DATA, FSEQ_POSTFLUSH, FSEQ_PREFLUSH, Request } from './request';

// include/linux/blkdev.h
export const BLKDEV_MIN_RQ = 4;
export const BLKDEV_DEFAULT_RQ = 128;
// block/blk-mq-sched.h: MAX_SCHED_RQ = 16 * BLKDEV_DEFAULT_RQ
export const MAX_SCHED_RQ = 16 * BLKDEV_DEFAULT_RQ;
// block/blk-core.c / blk-mq.c: BLK_MAX_REQUEST_COUNT, plug flush threshold
export const BLK_MAX_REQUEST_COUNT = 32;
// include/linux/blkdev.h: BLK_DEF_MAX_SECTORS_CAP (6.18: 4 MiB; it was 2560 sectors = 1280 KiB before 6.17)
export const BLK_DEF_MAX_SECTORS_CAP_KB = 4096;

/** A partition (struct block_device with bd_partno > 0). */
export class Partition implements BlockDeviceInfo {
  readonly isPartition = true;
  readonly type: BlockDeviceType;
  readonly rotational: boolean;
  readonly devt: string;
  constructor(
    readonly disk: Disk,
    readonly index: number,
    readonly name: string,
    readonly major: number,
    readonly minor: number,
    readonly startSect: number,
    readonly sectors: number,
  ) {
    this.type = disk.type;
    this.rotational = disk.rotational;
    this.devt = `${major}:${minor}`;
  }
  get alive(): boolean {
    return this.disk.alive;
  }
}

/** Hooks the disk needs from the block layer around it. */
export interface DiskHost {
  readonly engine: Engine;
  /** Per-bio completion (io.stat hooks, then the submitter). */
  endBio(bio: Bio, status: BioStatus, now: number): void;
  makeElevator(name: ElevatorName, disk: Disk): Elevator;
  ioError(disk: Disk, op: OpCode, sector: number, status: BioStatus): void;
  /** The kernel: its opt-in event trace (engine/trace.ts) is null when off; read as a field on every completion. */
  readonly k: { readonly trace: TraceBuffer | null };
}

/** blktrace's rwbs letter of an op. */
const RWBS = ['R', 'W', 'F', 'D'];

interface Waiter {
  bio: Bio;
  sector: number;
  part: number;
}

/**
 * A gendisk and its request_queue: blk-mq request allocation limited by
 * nr_requests, plugging, back/front merging, the flush state machine,
 * the elevator, driver tags (queue_depth × nr_hw_queues) and completion
 * accounting (diskstats, per-layer latency histograms).
 */
export class Disk implements BlockDeviceInfo {
  readonly isPartition = false;
  readonly startSect = 0;
  readonly devt: string;
  readonly disk: Disk = this;
  readonly name: string;
  readonly type: BlockDeviceType;
  readonly major: number;
  readonly minor: number;
  readonly sectors: number;
  readonly rotational: boolean;
  alive = true;
  /** SCSI device state "offline": I/O fails with BLK_STS_OFFLINE (-ENODEV). */
  offline = false;
  readonly parts: Partition[] = [];
  /** Index 0 = whole disk, i = partition i. */
  readonly stats: DiskStats[] = [new DiskStats()];
  elevator: Elevator;
  nrRequests: number;
  maxSectorsKb: number;
  nomerges = 0;
  /** queue/write_cache: the volatile cache is used ("write back"). */
  writeBack: boolean;
  /** Requests the driver keeps on the device (SCSI device/queue_depth can lower it). */
  deviceDepth: number;
  readonly histQueue = new LatencyHistogram();
  readonly histDispatch = new LatencyHistogram();
  readonly histDevice = new LatencyHistogram();
  ioErrors = 0;

  private readonly pool: Request[] = [];
  private allocated = 0;
  private driverInflight = 0;
  private readonly waiters: Waiter[] = [];
  private waitHead = 0;
  private readonly dispatchList: Request[] = [];
  private readonly backIdx = new Map<number, Request>();
  private readonly frontIdx = new Map<number, Request>();
  /** Requests on the driver (swap-remove array; Request.slot is the index). */
  private readonly onDevice: Request[] = [];
  /** The plug (blk_plug) while one is open; the arrays are reused, never reallocated. */
  private plugList: Request[] | null = null;
  private readonly plugBuf: Request[] = [];
  private readonly flushBuf: Request[] = [];
  /** Set by the block layer while this disk is on the open plug's list. */
  plugged = false;
  private running = false;
  /** nr_hw_queues, read per request for its hctx. */
  private readonly nrHwQueues: number;
  /** The elevator is `none`: run() has nothing to do while the dispatch list and its FIFO are empty. */
  private noElevator: boolean;
  /**
   * queueBio's direct path (issueDirect) is on. Tests turn it off to check that the general
   * path (newRequest → insert → issue) gives the same results; nothing else changes it.
   */
  directPath = true;

  constructor(
    readonly spec: BlockDeviceSpec,
    readonly model: DeviceModel,
    readonly faults: FaultMap,
    private readonly host: DiskHost,
    defaultElevator: ElevatorName,
  ) {
    this.name = spec.name;
    this.type = spec.type;
    this.major = spec.major;
    this.minor = spec.minor;
    this.devt = `${spec.major}:${spec.minor}`;
    this.sectors = Math.floor(spec.sizeBytes / 512);
    const lim = model.limits;
    this.rotational = lim.rotational;
    this.writeBack = lim.volatileCache;
    this.deviceDepth = lim.queueDepth * lim.nrHwQueues;
    // block/blk-settings.c: max_sectors = min(max_hw_sectors, BLK_DEF_MAX_SECTORS_CAP)
    this.maxSectorsKb = Math.min(lim.maxHwSectorsKb, BLK_DEF_MAX_SECTORS_CAP_KB);
    this.nrRequests = defaultNrRequests(tagSetDepth(lim), defaultElevator);
    this.elevator = host.makeElevator(defaultElevator, this);
    this.nrHwQueues = lim.nrHwQueues;
    this.noElevator = this.elevator.name === 'none';
    // Partitions follow one another from sector 2048 (1 MiB alignment, as fdisk/parted do).
    let start = 2048;
    spec.partitions.forEach((bytes, i) => {
      const idx = i + 1;
      const pname = /\d$/.test(spec.name) ? `${spec.name}p${idx}` : `${spec.name}${idx}`;
      const nr = Math.floor(bytes / 512);
      if (start + nr > this.sectors) {
        throw new Error(`machine.devices[${spec.name}].partitions[${i}]: ${bytes} bytes do not fit on the disk after sector ${start}`);
      }
      this.parts.push(new Partition(this, idx, pname, spec.major, spec.minor + idx, start, nr));
      this.stats.push(new DiskStats());
      start += nr;
    });
  }

  /** Number of request objects the queue may hand out (sched tags or driver tags, all hw queues). */
  private get requestLimit(): number {
    return this.nrRequests * this.model.limits.nrHwQueues;
  }

  get queuedInElevator(): number {
    return this.elevator.queued;
  }

  get inflightOnDriver(): number {
    return this.driverInflight;
  }

  /** elevator_switch(): requests queued in the old elevator move to the new one. */
  switchElevator(name: ElevatorName): void {
    if (name === this.elevator.name) return;
    const moved = this.elevator.drain();
    this.elevator = this.host.makeElevator(name, this);
    this.noElevator = this.elevator.name === 'none';
    // blk_mq_init_sched(): nr_requests reset for the new scheduler.
    this.nrRequests = defaultNrRequests(tagSetDepth(this.model.limits), name);
    const now = this.host.engine.now;
    for (const rq of moved) this.elevator.insert(rq, now);
    this.run();
  }

  startPlug(): void {
    if (this.plugList === null) this.plugList = this.plugBuf;
  }

  finishPlug(): void {
    const list = this.plugList;
    if (list === null) return;
    this.plugList = null;
    this.flushPlug(list);
    this.run();
  }

  /** Hand the plugged requests to the elevator (blk_mq_flush_plug_list). */
  private flushPlug(list: Request[]): void {
    // Copy out first: inserting may run the queue and complete requests that open a new plug.
    const buf = this.flushBuf;
    for (let i = 0; i < list.length; i++) buf.push(list[i]!);
    list.length = 0;
    for (let i = 0; i < buf.length; i++) this.insert(buf[i]!);
    buf.length = 0;
  }

  /** A bio that passed the throttle stage; `sector` is absolute on the disk. */
  queueBio(bio: Bio, sector: number, part: number): void {
    const now = this.host.engine.now;
    if (!this.alive) return this.failBio(bio, 'EIO');
    if (this.offline) return this.failBio(bio, 'ENODEV');
    let flags = bio.flags;
    const bop = bio.op;
    // blk_mq_submit_bio → blk_mq_try_issue_directly: a plain read or write with nothing plugged and no
    // request it could merge into (the merge index is empty), no elevator and nothing queued before it,
    // a request and a driver tag free. Everything else takes the general path below.
    if (
      (bop === 'read' || bop === 'write') &&
      (flags & (REQ_PREFLUSH | REQ_FUA)) === 0 &&
      this.directPath &&
      this.plugList === null &&
      this.noElevator &&
      this.driverInflight < this.deviceDepth &&
      this.dispatchList.length === 0 &&
      this.elevator.queued === 0 &&
      this.backIdx.size === 0 &&
      this.allocated < this.nrRequests * this.nrHwQueues
    ) {
      this.issueDirect(bio, bop === 'read' ? OP_READ : OP_WRITE, sector, part, now);
      return;
    }
    const op = opCode(bop);
    if (op === OP_FLUSH || (flags & (REQ_PREFLUSH | REQ_FUA)) !== 0) {
      if (!this.writeBack) {
        // blk-flush.c: without a volatile cache, PREFLUSH/FUA are stripped and an empty flush completes at once.
        flags &= ~(REQ_PREFLUSH | REQ_FUA);
        if (op === OP_FLUSH || bio.bytes === 0) {
          this.host.engine.schedule(now, (t) => this.host.endBio(bio, 0, t));
          return;
        }
      } else {
        let seq = 0;
        if (op === OP_FLUSH || (flags & REQ_PREFLUSH) !== 0) seq |= FSEQ_PREFLUSH;
        if (op !== OP_FLUSH && bio.bytes > 0) seq |= FSEQ_DATA;
        if (op !== OP_FLUSH && bio.bytes > 0 && (flags & REQ_FUA) !== 0 && !this.model.limits.fua) seq |= FSEQ_POSTFLUSH;
        if (seq !== FSEQ_DATA) {
          const rq = this.newRequest(bio, op, sector, part, flags, now);
          rq.fseq = seq;
          this.flushStep(rq);
          this.run();
          return;
        }
      }
    }
    const nr = bio.bytes >>> 9;
    const mergeable = this.nomerges < 2 && (op === OP_READ || op === OP_WRITE) && (flags & (REQ_PREFLUSH | REQ_FUA)) === 0;
    if (mergeable && this.tryMerge(bio, op, sector, nr, part)) return;
    if (this.allocated >= this.requestLimit) {
      this.waiters.push({ bio, sector, part });
      return;
    }
    const rq = this.newRequest(bio, op, sector, part, flags, now);
    if (this.plugList !== null) {
      this.plugList.push(rq);
      if (this.plugList.length >= BLK_MAX_REQUEST_COUNT) this.flushPlug(this.plugList);
      return;
    }
    this.insert(rq);
    this.run();
  }

  /**
   * The direct path in one function: allocate the request (what newRequest() does), insert it
   * (insertNs, the queue-time histogram) and issue it (what issue() does: the driver tag, the
   * dispatch histogram, diskstats in_flight, the device's service time and the completion event).
   * Same state, same order, as newRequest → insert → issue.
   */
  private issueDirect(bio: Bio, op: OpCode, sector: number, part: number, now: number): void {
    const rq = this.pool.pop() ?? this.newPooled();
    const nr = bio.bytes >>> 9;
    rq.op = op;
    rq.sector = sector;
    rq.nrSectors = nr;
    rq.flags = bio.flags;
    rq.bio = bio;
    rq.cgroup = bio.cgroup;
    const task = bio.task;
    rq.task = task;
    rq.part = part;
    rq.allocNs = now;
    rq.hctx = task !== null ? task.pid % this.nrHwQueues : 0;
    this.allocated++;
    rq.insertNs = now;
    this.histQueue.record(now - bio.submitNs);
    this.driverInflight++;
    rq.dispatchNs = now;
    rq.onDevice = true;
    rq.slot = this.onDevice.length;
    this.onDevice.push(rq);
    this.histDispatch.record(0);
    const dir = op === OP_READ ? 0 : 1;
    this.stats[0]!.start(dir, now);
    if (part !== 0) this.stats[part]!.start(dir, now);
    // No REQ_FUA on this path: the device sees fua = false.
    const done = this.model.service(op, sector, nr * 512, false, now);
    rq.ev = this.host.engine.schedule(done, rq.complete);
  }

  /** blk_mq_try_issue_directly's condition: no elevator, nothing waiting to dispatch, a free driver tag. */
  private canIssueDirectly(): boolean {
    return this.noElevator && this.dispatchList.length === 0 && this.driverInflight < this.deviceDepth && this.elevator.queued === 0;
  }

  private tryMerge(bio: Bio, op: OpCode, sector: number, nr: number, part: number): boolean {
    const maxSectors = this.maxSectorsKb * 2;
    // blk_attempt_plug_merge(): only the most recent plugged request.
    const pl = this.plugList;
    if (pl !== null && pl.length > 0) {
      const last = pl[pl.length - 1]!;
      if (last.op === op && last.cgroup === bio.cgroup && last.nrSectors + nr <= maxSectors && last.fseq === 0) {
        if (last.endSector === sector) return this.doMerge(last, bio, nr, false, part, false);
        if (sector + nr === last.sector) return this.doMerge(last, bio, nr, true, part, false);
      }
    }
    if (this.nomerges === 1 || this.backIdx.size === 0) return false;
    const back = this.backIdx.get(sector * 4 + op);
    if (back !== undefined && back.cgroup === bio.cgroup && back.nrSectors + nr <= maxSectors && this.elevator.allowMerge(back, bio, false)) {
      return this.doMerge(back, bio, nr, false, part, true);
    }
    const front = this.frontIdx.get((sector + nr) * 4 + op);
    if (front !== undefined && front.cgroup === bio.cgroup && front.nrSectors + nr <= maxSectors && this.elevator.allowMerge(front, bio, true)) {
      return this.doMerge(front, bio, nr, true, part, true);
    }
    return false;
  }

  private doMerge(rq: Request, bio: Bio, nr: number, front: boolean, part: number, indexed: boolean): boolean {
    if (indexed) this.unindex(rq);
    if (front) rq.sector -= nr;
    rq.nrSectors += nr;
    rq.more.push(bio);
    if (indexed) {
      this.index(rq);
      this.elevator.merged(rq, front);
    }
    const g = rq.op === OP_READ ? 0 : 1;
    this.stats[0]!.merges[g]!++;
    if (part !== 0) this.stats[part]!.merges[g]!++;
    return true;
  }

  private index(rq: Request): void {
    this.backIdx.set(rq.endSector * 4 + rq.op, rq);
    this.frontIdx.set(rq.sector * 4 + rq.op, rq);
  }

  private unindex(rq: Request): void {
    const bk = rq.endSector * 4 + rq.op;
    if (this.backIdx.get(bk) === rq) this.backIdx.delete(bk);
    const fk = rq.sector * 4 + rq.op;
    if (this.frontIdx.get(fk) === rq) this.frontIdx.delete(fk);
  }

  /** A new pooled request with its completion callback bound once (the pool was empty). */
  private newPooled(): Request {
    const r = new Request();
    r.complete = (t) => this.complete(r, t);
    return r;
  }

  private newRequest(bio: Bio, op: OpCode, sector: number, part: number, flags: number, now: number): Request {
    const rq = this.pool.pop() ?? this.newPooled();
    rq.op = op;
    rq.sector = sector;
    rq.nrSectors = bio.bytes >>> 9;
    rq.flags = flags;
    rq.bio = bio;
    rq.cgroup = bio.cgroup;
    rq.task = bio.task;
    rq.part = part;
    rq.allocNs = now;
    rq.hctx = bio.task !== null ? bio.task.pid % this.nrHwQueues : 0;
    this.allocated++;
    return rq;
  }

  private insert(rq: Request): void {
    const now = this.host.engine.now;
    rq.insertNs = now;
    this.histQueue.record(now - rq.bio!.submitNs);
    if (!this.alive) {
      this.endRequest(rq, 'EIO', now);
      return;
    }
    // blk_mq_try_issue_directly(): no elevator and a free driver tag → straight to the driver.
    if (this.canIssueDirectly()) {
      this.issue(rq, now);
      return;
    }
    this.elevator.insert(rq, now);
    if (rq.op === OP_READ || rq.op === OP_WRITE) this.index(rq);
  }

  /** blk-flush.c: run the next step of a PREFLUSH / DATA / POSTFLUSH sequence on the dispatch list. */
  private flushStep(rq: Request): void {
    const now = this.host.engine.now;
    if ((rq.fseq & FSEQ_PREFLUSH) !== 0 || ((rq.fseq & FSEQ_DATA) === 0 && (rq.fseq & FSEQ_POSTFLUSH) !== 0)) {
      const f = this.newFlush(rq, now);
      this.dispatchList.push(f);
    } else if ((rq.fseq & FSEQ_DATA) !== 0) {
      rq.insertNs = now;
      this.dispatchList.push(rq);
    } else {
      this.endRequest(rq, 0, now);
    }
  }

  private newFlush(owner: Request, now: number): Request {
    const f = this.pool.pop() ?? this.newPooled();
    f.op = OP_FLUSH;
    f.sector = 0;
    f.nrSectors = 0;
    f.owner = owner;
    f.allocNs = now;
    f.insertNs = now;
    f.cgroup = owner.cgroup;
    f.task = owner.task;
    f.part = owner.part;
    return f;
  }

  /** Dispatch while the driver has tags (blk_mq_run_hw_queue). */
  run(): void {
    if (this.running || !this.alive) return;
    // `none` dispatches nothing from an empty FIFO (no timers, no side effects): the common case after a completion.
    if (this.noElevator && this.dispatchList.length === 0 && this.elevator.queued === 0) return;
    this.running = true;
    const now = this.host.engine.now;
    while (this.driverInflight < this.deviceDepth) {
      let rq: Request | null;
      if (this.dispatchList.length > 0) rq = this.dispatchList.shift()!;
      else {
        rq = this.elevator.dispatch(now);
        if (rq === null) break;
        this.unindex(rq);
      }
      this.issue(rq, now);
    }
    this.running = false;
  }

  private issue(rq: Request, now: number): void {
    this.driverInflight++;
    rq.dispatchNs = now;
    rq.onDevice = true;
    rq.slot = this.onDevice.length;
    this.onDevice.push(rq);
    this.histDispatch.record(now - rq.insertNs);
    const dir = rq.op === OP_READ ? 0 : 1;
    this.stats[0]!.start(dir, now);
    if (rq.part !== 0) this.stats[rq.part]!.start(dir, now);
    const fua = (rq.flags & REQ_FUA) !== 0 && this.model.limits.fua && this.writeBack;
    const done = this.model.service(rq.op, rq.sector, rq.nrSectors * 512, fua, now);
    rq.ev = this.host.engine.schedule(done, rq.complete);
  }

  /** The device finished `rq` (the driver's completion → blk_mq_complete_request). */
  private complete(rq: Request, now: number): void {
    this.driverInflight--;
    rq.onDevice = false;
    rq.ev = 0;
    // Off the on-device array (swap-remove).
    const onDev = this.onDevice;
    const last = onDev.pop()!;
    if (last !== rq) {
      onDev[rq.slot] = last;
      last.slot = rq.slot;
    }
    this.histDevice.record(now - rq.dispatchNs);
    const dir = rq.op === OP_READ ? 0 : 1;
    this.stats[0]!.done(dir, now);
    if (rq.part !== 0) this.stats[rq.part]!.done(dir, now);
    let status: BioStatus = 0;
    const faults = this.faults;
    if (this.offline) status = 'ENODEV';
    else if (faults.controllerFailed || (faults.ranges !== 0 && faults.fails(rq.op, rq.sector, rq.nrSectors))) status = 'EIO';
    const trace = this.host.k.trace;
    if (trace !== null) {
      trace.add({ kind: 'block', t: rq.dispatchNs, end: now, disk: this.name, op: RWBS[rq.op] ?? '?', sector: rq.sector, bytes: rq.nrSectors * 512, cgroup: rq.cgroup?.path ?? '/', error: status === 0 ? '' : status });
    }
    // `none` has no completion work (NoneElevator.completed is empty).
    if (!this.noElevator) this.elevator.completed(rq, now);
    const owner = rq.owner;
    if (owner !== null) {
      // An internal flush of a sequence: account it, then advance the owner.
      this.account(rq, now);
      this.release(rq);
      if (status !== 0) {
        this.endRequest(owner, status, now);
      } else {
        owner.fseq &= (owner.fseq & FSEQ_PREFLUSH) !== 0 ? ~FSEQ_PREFLUSH : ~FSEQ_POSTFLUSH;
        this.flushStep(owner);
      }
    } else if (rq.fseq !== 0 && status === 0) {
      rq.fseq &= ~FSEQ_DATA;
      this.flushStep(rq);
    } else {
      this.endRequest(rq, status, now);
    }
    // run() returns at once on an idle `none` queue (the common case after a completion).
    if (!this.noElevator || this.dispatchList.length !== 0 || this.elevator.queued !== 0) this.run();
  }

  private account(rq: Request, now: number): void {
    const g = rq.op === OP_READ ? 0 : rq.op === OP_WRITE ? 1 : rq.op === OP_DISCARD ? 2 : 3;
    const ns = now - rq.allocNs;
    const d = this.stats[0]!;
    d.ios[g]!++;
    d.sectors[g]! += rq.nrSectors;
    d.nsecs[g]! += ns;
    if (rq.part !== 0) {
      const p = this.stats[rq.part]!;
      p.ios[g]!++;
      p.sectors[g]! += rq.nrSectors;
      p.nsecs[g]! += ns;
    }
  }

  /** blk_mq_end_request(): account, end every bio, free the request and admit a waiter. */
  private endRequest(rq: Request, status: BioStatus, now: number): void {
    if (status !== 0) {
      this.ioErrors++;
      this.host.ioError(this, rq.op, rq.sector, status);
    } else if (rq.op !== OP_FLUSH) {
      // An empty flush was accounted by its internal flush request.
      this.account(rq, now);
    }
    const host = this.host;
    if (rq.bio !== null) host.endBio(rq.bio, status, now);
    const more = rq.more;
    for (let i = 0; i < more.length; i++) host.endBio(more[i]!, status, now);
    this.allocated--;
    rq.reset();
    this.pool.push(rq);
    if (this.waiters.length !== 0) this.admitWaiters();
  }

  private release(rq: Request): void {
    rq.reset();
    this.pool.push(rq);
  }

  private admitWaiters(): void {
    if (this.waiters.length === 0) return;
    while (this.waitHead < this.waiters.length && this.allocated < this.requestLimit) {
      const w = this.waiters[this.waitHead]!;
      this.waiters[this.waitHead++] = undefined as unknown as Waiter;
      this.queueBio(w.bio, w.sector, w.part);
    }
    if (this.waitHead === this.waiters.length) {
      this.waiters.length = 0;
      this.waitHead = 0;
    }
  }

  private failBio(bio: Bio, status: BioStatus): void {
    this.ioErrors++;
    this.host.ioError(this, opCode(bio.op), bio.dev.startSect + bio.sector, status);
    this.host.engine.schedule(this.host.engine.now, (t) => this.host.endBio(bio, status, t));
  }

  /**
   * Surprise removal (GD_DEAD): requests on the driver, in the elevator, in
   * the plug and waiting for a tag all fail with EIO now.
   */
  kill(): void {
    if (!this.alive) return;
    this.alive = false;
    const now = this.host.engine.now;
    for (const rq of this.onDevice.splice(0)) {
      this.host.engine.cancel(rq.ev);
      this.driverInflight--;
      const dir = rq.op === OP_READ ? 0 : 1;
      this.stats[0]!.done(dir, now);
      if (rq.part !== 0) this.stats[rq.part]!.done(dir, now);
      this.failRequest(rq, now);
    }
    const queued = [...this.dispatchList, ...this.elevator.drain(), ...(this.plugList ?? []), ...this.flushBuf];
    this.flushBuf.length = 0;
    this.plugBuf.length = 0;
    this.dispatchList.length = 0;
    this.plugList = null;
    this.backIdx.clear();
    this.frontIdx.clear();
    for (const rq of queued) this.failRequest(rq, now);
    const waiting = this.waiters.slice(this.waitHead);
    this.waiters.length = 0;
    this.waitHead = 0;
    for (const w of waiting) this.failBio(w.bio, 'EIO');
  }

  private failRequest(rq: Request, now: number): void {
    const owner = rq.owner;
    if (owner !== null) {
      this.release(rq);
      this.endRequest(owner, 'EIO', now);
    } else {
      this.endRequest(rq, 'EIO', now);
    }
  }
}

// drivers/ata/ahci.h: AHCI_MAX_CMDS — the AHCI host's can_queue, the depth of its tag set.
const AHCI_MAX_CMDS = 32;

/**
 * The blk-mq tag-set depth nr_requests derives from. On ATA (AHCI) it is
 * the host's can_queue (32) whatever the device's queue_depth: a disk with
 * NCQ off (queue_depth 1, scsi_change_queue_depth) still gets 2 × 32 = 64
 * scheduler requests, only its dispatch depth is 1.
 */
export function tagSetDepth(lim: DeviceLimits): number {
  return lim.bus === 'ata' ? Math.max(lim.queueDepth, AHCI_MAX_CMDS) : lim.queueDepth;
}

/**
 * nr_requests (block/blk-mq-sched.c: blk_mq_init_sched): with an elevator
 * 2 × min(queue_depth, BLKDEV_DEFAULT_RQ); without one the tag-set depth.
 */
export function defaultNrRequests(queueDepth: number, elevator: ElevatorName): number {
  return elevator === 'none' ? queueDepth : 2 * Math.min(queueDepth, BLKDEV_DEFAULT_RQ);
}

/**
 * The default elevator (block/elevator.c: elevator_get_default): none for
 * multi-queue devices, mq-deadline for single-queue ones.
 */
export function defaultElevator(nrHwQueues: number): ElevatorName {
  return nrHwQueues !== 1 ? 'none' : 'mq-deadline';
}

export function opCode(op: Bio['op']): OpCode {
  return op === 'read' ? OP_READ : op === 'write' ? OP_WRITE : op === 'flush' ? OP_FLUSH : OP_DISCARD;
}
