import type { Rng } from '../../engine/rng';
import { REQ_PREFLUSH, REQ_SYNC, type Bio, type BioOp, type BioStatus } from '../../kernel/block/bio';
import { journalFor } from '../../kernel/block/journal';
import type { Kernel } from '../../kernel/kernel';
import type { Behaviour, Step, Task } from '../../kernel/task';
import { isSyncEngine, type FioJob, type IoEngine } from './job';
import type { JobResult } from './results';
import type { Target } from './targets';

/**
 * CPU time fio spends per I/O in the submitting task (syscall, bookkeeping,
 * reaping). Model parameters, not kernel constants: measured orders of
 * magnitude for 4 KiB I/O on current x86 (psync ≈ 2 µs, libaio ≈ 1 µs,
 * io_uring ≈ 0.6 µs).
 */
const CPU_PER_IO_NS: Record<IoEngine, number> = {
  sync: 2000, psync: 2000, vsync: 2000, pvsync: 2000, pvsync2: 2000, libaio: 1000, io_uring: 600, posixaio: 3000, null: 0, cpuio: 0,
};

const DIR_OP: BioOp[] = ['read', 'write', 'discard'];
const RUNNING = 0;
const DRAINING = 1;
const DONE = 2;
/** Steps are read at once by the scheduler and never kept: one shared block step, one cpu step per job. */
const BLOCK_IO: Step = { kind: 'block', stall: 'io' };

/** A bio owned by the job, reused: its completion closure is bound once. */
interface PooledBio extends Bio {
  dir: number;
}

/**
 * One fio job clone as a task. Sync engines (psync…) issue one I/O and block
 * until it completes; async engines (libaio, io_uring, posixaio) submit up to
 * iodepth I/Os in one plugged batch and block until iodepth_batch_complete_min
 * (default 1) have completed. Between batches the task is on CPU for
 * CPU_PER_IO_NS per I/O. rate / rate_iops pace submissions (linear, or
 * exponential gaps with rate_process=poisson); thinktime sleeps after every
 * thinktime_blocks I/Os once they have completed; fsync=N commits after every
 * N writes (a journal commit for a file, a cache flush for a raw device).
 */
export class FioJobTask implements Behaviour {
  private phase = RUNNING;
  protected started = false;
  protected startNs = 0;
  private inflight = 0;
  private blocked = false;
  /** Completions since the task last blocked (io_getevents min_nr). */
  private reaped = 0;
  private readonly minReap: number;
  private readonly random: boolean;
  private readonly writeFlags: number;
  protected bytesIssued = 0;
  protected iosIssued = 0;
  private seqPos = 0;
  private seqLeft = 0;
  private randBase = 0;
  private readonly depth: number;
  private readonly total: number;
  protected readonly cpuPerIo: number;
  private readonly cpuStep = { kind: 'cpu' as const, ns: 0 };
  private pendingSubmit = 0;
  private readonly nextAllowed = [0, 0, 0];
  private readonly issuedDir = [0, 0, 0];
  protected sinceThink = 0;
  private thinkPending = false;
  protected writesSinceFsync = 0;
  private syncing = false;
  protected endFsyncDone = false;
  private readonly pool: PooledBio[] = [];
  protected readonly rampEnd: number;
  /** No rate/rate_iops in any direction: rateWait() is always 0 and pace() does nothing, so the submit loop skips both. */
  private readonly paced: boolean;
  /** No bssplit/bsrange: bsSectors() is the fixed bs of the direction and draws nothing. */
  private readonly fixedBs: boolean;
  /** Error of a failed buffered write, reported by the next fsync (errseq_t). */
  private mappingError: BioStatus | null = null;
  task: Task | null = null;

  constructor(
    protected readonly k: Kernel,
    protected readonly job: FioJob,
    protected readonly target: Target,
    protected readonly result: JobResult,
    protected readonly rng: Rng,
    protected readonly onDone: (now: number) => void,
  ) {
    this.depth = isSyncEngine(job.ioengine) ? 1 : job.iodepth;
    this.minReap = isSyncEngine(job.ioengine) ? 1 : Math.min(job.batchCompleteMin, this.depth);
    this.random = job.rw.startsWith('rand');
    // Synchronous writes (pwrite from psync) carry REQ_SYNC; async engines' writes do not.
    this.writeFlags = isSyncEngine(job.ioengine) ? REQ_SYNC : 0;
    this.total = target.ioBytes;
    this.cpuPerIo = CPU_PER_IO_NS[job.ioengine];
    this.rampEnd = job.rampTimeNs;
    this.paced = job.rate.some((r) => r !== 0) || job.rateIops.some((r) => r !== 0);
    this.fixedBs = job.bssplit === null && job.bsrange === null;
    const rw = job.rw;
    this.constDir = rw === 'read' || rw === 'randread' ? 0 : rw === 'write' || rw === 'randwrite' ? 1 : rw === 'trim' || rw === 'randtrim' ? 2 : -1;
    if (job.seqAdd < 0) this.seqPos = Math.max(0, target.sectors - this.bsSectors(0));
  }

  next(task: Task, now: number): Step {
    this.task = task;
    if (!this.started) {
      this.started = true;
      this.startNs = now;
      const statStart = now + this.rampEnd;
      if (this.result.startNs < 0 || statStart < this.result.startNs) this.result.startNs = statStart;
    }
    for (;;) {
      if (this.phase === DONE) return { kind: 'exit' };
      if (this.phase === DRAINING) {
        if (this.inflight > 0 || this.syncing) return this.block();
        if (this.job.endFsync && !this.endFsyncDone && this.result.error === null) {
          this.endFsyncDone = true;
          this.fsync();
          return this.block();
        }
        this.phase = DONE;
        if (now > this.result.endNs) this.result.endNs = now;
        this.onDone(now);
        return { kind: 'exit' };
      }
      if (this.pendingSubmit > 0) {
        const n = this.pendingSubmit;
        this.pendingSubmit = 0;
        this.submitBatch(n, now);
        // Nothing went out (the job ended, or pacing holds it): decide again instead of waiting for nothing.
        if (this.inflight === 0 && !this.syncing) continue;
        // block(), in place: every I/O passes here.
        this.blocked = true;
        this.reaped = 0;
        return BLOCK_IO;
      }
      if (this.result.error !== null || this.ended(now)) {
        this.phase = DRAINING;
        continue;
      }
      if (this.syncing) return this.block();
      if (this.thinkPending) {
        if (this.inflight > 0) return this.block();
        this.thinkPending = false;
        this.sinceThink = 0;
        return { kind: 'sleep', ns: this.job.thinktimeNs };
      }
      if (this.job.fsync > 0 && this.writesSinceFsync >= this.job.fsync) {
        if (this.inflight > 0) return this.block();
        this.writesSinceFsync = 0;
        this.fsync();
        return this.block();
      }
      const room = this.depth - this.inflight;
      if (room <= 0) return this.block();
      // Unpaced, rateWait() is 0; its direction choice (a draw for rw/randrw) is then made by
      // submitBatch from the same per-clone stream, in the same order, before the offset's draw.
      const wait = this.paced ? this.rateWait(now) : 0;
      if (wait > 0) return { kind: 'sleep', ns: wait };
      this.pendingSubmit = room;
      if (this.cpuPerIo > 0) {
        this.cpuStep.ns = room * this.cpuPerIo;
        return this.cpuStep;
      }
    }
  }

  private block(): Step {
    this.blocked = true;
    this.reaped = 0;
    return BLOCK_IO;
  }

  private wake(): void {
    if (this.blocked && this.task !== null) {
      this.blocked = false;
      this.k.sched.wake(this.task);
    }
  }

  protected ended(now: number): boolean {
    const j = this.job;
    // fio: ramp_time is lead-in before runtime; the job runs ramp_time + runtime in all.
    if (j.runtimeNs > 0 && now - this.startNs >= j.runtimeNs + this.rampEnd) return true;
    if (j.timeBased) return false;
    if (j.numberIos > 0 && this.iosIssued >= j.numberIos) return true;
    return this.bytesIssued >= this.total;
  }

  /** ns until the next I/O may be issued under rate/rate_iops (0 = now). */
  protected rateWait(now: number): number {
    const j = this.job;
    const dir = this.peekDir();
    if (j.rate[dir] === 0 && j.rateIops[dir] === 0) return 0;
    return Math.max(0, Math.ceil(this.nextAllowed[dir]! - now));
  }

  protected dirChoice = -1;
  /** The direction when rw has only one (read, write, trim and their rand* forms); −1 when it is chosen per I/O. */
  private readonly constDir: number;

  protected peekDir(): number {
    if (this.dirChoice < 0) this.dirChoice = this.chooseDir();
    return this.dirChoice;
  }

  private chooseDir(): number {
    switch (this.job.rw) {
      case 'read':
      case 'randread':
        return 0;
      case 'write':
      case 'randwrite':
        return 1;
      case 'trim':
      case 'randtrim':
        return 2;
      case 'trimwrite':
      case 'randtrimwrite':
        return this.iosIssued % 2 === 0 ? 2 : 1;
      case 'rw':
      case 'randrw':
        return this.rng.next() * 100 < this.job.rwmixread ? 0 : 1;
    }
  }

  protected bsSectors(dir: number): number {
    const j = this.job;
    if (j.bssplit) {
      const split = j.bssplit[dir]!;
      let r = this.rng.next() * 100;
      for (const e of split) {
        if (r < e.perc) return e.bs >>> 9;
        r -= e.perc;
      }
      return split[split.length - 1]!.bs >>> 9;
    }
    if (j.bsrange) {
      const [lo, hi] = j.bsrange[dir]!;
      if (hi === lo) return lo >>> 9;
      // fio: a random size in [min, max], a multiple of min (blocksize_unaligned=0).
      const steps = Math.floor(hi / lo);
      return (lo * (1 + Math.floor(this.rng.next() * steps))) >>> 9;
    }
    return j.bs[dir]! >>> 9;
  }

  protected offset(nr: number): number {
    const t = this.target;
    const random = this.random;
    if (random && this.seqLeft <= 0) {
      const blocks = Math.max(1, Math.floor(t.sectors / nr));
      this.randBase = Math.floor(this.rng.next() * blocks) * nr;
      this.seqLeft = this.job.seqNr;
      this.seqPos = this.randBase;
    }
    if (random) this.seqLeft--;
    let pos = this.seqPos;
    if (pos < 0 || pos + nr > t.sectors) pos = this.job.seqAdd < 0 ? Math.max(0, t.sectors - nr) : 0;
    this.seqPos = pos + nr + (this.job.seqAdd >> 9);
    return t.start + pos;
  }

  private submitBatch(n: number, now: number): void {
    const block = this.k.block!;
    const plug = n > 1 && block.startPlug !== undefined;
    if (plug) block.startPlug!();
    const task = this.task!;
    const job = this.job;
    const paced = this.paced;
    for (let i = 0; i < n; i++) {
      if (this.ended(now)) break;
      const dir = this.constDir >= 0 ? this.constDir : this.peekDir();
      if (paced && this.rateWait(now) > 0) break;
      this.dirChoice = -1;
      const nr = this.fixedBs ? Math.max(1, job.bs[dir]! >>> 9) : Math.max(1, this.bsSectors(dir));
      const sector = this.offset(nr);
      const bio = this.pool.pop() ?? this.newBio();
      bio.dir = dir;
      bio.op = DIR_OP[dir]!;
      bio.sector = sector;
      bio.bytes = nr * 512;
      bio.flags = dir === 1 ? this.writeFlags : 0;
      bio.cgroup = task.cgroup;
      bio.task = task;
      this.inflight++;
      this.iosIssued++;
      this.bytesIssued += bio.bytes;
      this.issuedDir[dir]!++;
      if (dir === 1) this.writesSinceFsync++;
      if (paced) this.pace(dir, bio.bytes);
      block.submitBio(bio);
      if (job.thinktimeNs > 0 && ++this.sinceThink >= job.thinktimeBlocks) {
        this.thinkPending = true;
        break;
      }
      if (job.fsync > 0 && this.writesSinceFsync >= job.fsync) break;
    }
    if (plug) block.finishPlug!();
  }

  protected pace(dir: number, bytes: number): void {
    const j = this.job;
    const iops = j.rateIops[dir]! > 0 ? j.rateIops[dir]! : j.rate[dir]! > 0 ? j.rate[dir]! / bytes : 0;
    if (iops === 0) return;
    const gap = 1e9 / iops;
    const base = Math.max(this.nextAllowed[dir]!, this.startNs);
    // rate_process=poisson: exponential gaps with the same mean (fio's poisson_rate).
    this.nextAllowed[dir] = j.rateProcess === 'poisson' ? base + this.rng.exp(gap) : base + gap;
  }

  /** A bio for the pool (it was empty), its completion closure bound once. */
  private newBio(): PooledBio {
    const bio: PooledBio = {
      dev: this.target.dev, op: 'read', sector: 0, bytes: 0, flags: 0, cgroup: null, task: null, submitNs: 0, dir: 0,
      onComplete: (st, now) => this.complete(bio, st, now),
    };
    return bio;
  }

  private complete(bio: PooledBio, status: BioStatus, now: number): void {
    this.inflight--;
    if (status !== 0 && bio.dir === 1 && !this.job.direct) {
      // A buffered write that fails is not seen by write(): it marks the mapping (AS_EIO / errseq),
      // and the next fsync() reports it (mm/filemap.c: filemap_check_errors; kernel-reference §10).
      if (this.mappingError === null) {
        this.mappingError = status;
        this.k.log.add(now, 'io_error', {
          dev: this.target.dev.name,
          errno: status,
          message: `Buffer I/O error on dev ${this.target.dev.name}, logical block ${Math.floor(bio.sector / 8)}, lost async page write`,
        });
      }
    } else if (status !== 0) {
      if (this.result.error === null) this.result.error = status;
    } else if (now >= this.startNs + this.rampEnd) {
      const d = this.result.dirs[bio.dir]!;
      d.ios++;
      d.bytes += bio.bytes;
      d.clat.record(now - bio.submitNs);
      if (now > this.result.endNs) this.result.endNs = now;
    }
    this.pool.push(bio);
    // io_getevents(min_nr): wake after enough completions, or when nothing is left in flight (wake(), in place).
    if ((++this.reaped >= this.minReap || this.inflight === 0 || this.result.error !== null) && this.blocked && this.task !== null) {
      this.blocked = false;
      this.k.sched.wake(this.task);
    }
  }

  /** fsync(2): a journal commit for a file on the filesystem; blkdev_fsync → a cache flush for a raw device. */
  private fsync(): void {
    this.syncing = true;
    const done = (st: BioStatus): void => {
      this.syncing = false;
      this.result.fsyncs++;
      // fsync returns the flush's error, or a write error recorded on the mapping since the last fsync.
      const err = st !== 0 ? st : this.mappingError;
      this.mappingError = null;
      if (err !== null && err !== 0 && this.result.error === null) this.result.error = err;
      this.wake();
    };
    const task = this.task!;
    if (this.target.isFile) {
      journalFor(this.k, this.target.dev).fsync(task, task.cgroup, 1, done);
    } else {
      this.k.block!.submitBio({
        dev: this.target.dev, op: 'flush', sector: 0, bytes: 0, flags: REQ_PREFLUSH | REQ_SYNC, cgroup: task.cgroup, task, submitNs: 0, onComplete: done,
      });
    }
  }
}
