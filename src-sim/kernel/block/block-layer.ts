import type { Engine } from '../../engine/engine';
import type { Rng } from '../../engine/rng';
import { createDeviceModel } from '../../hw/block/create';
import { FaultMap } from '../../hw/block/faults';
import { boolParam, type OpCode } from '../../hw/block/model';
import type { BlockDeviceSpec } from '../../scenario/types';
import type { Cgroup } from '../cgroup/cgroup';
import type { Kernel } from '../kernel';
import type {
  BfqWeightSource,
  Bio,
  BioStatus,
  BlockApi,
  BlockDeviceInfo,
  CompletionHook,
  DeviceChangeHook,
  ThrottleHook,
} from './bio';
import { Bfq } from './bfq';
import { Disk, defaultElevator, type DiskHost } from './disk';
import type { Elevator, ElevatorContext, ElevatorName } from './elevator';
import { Kyber } from './kyber';
import { MqDeadline } from './mq-deadline';
import type { Request } from './request';
import { NoneElevator } from './sched-none';

// include/linux/ratelimit_types.h: DEFAULT_RATELIMIT_INTERVAL (5 * HZ), DEFAULT_RATELIMIT_BURST (10)
const RATELIMIT_INTERVAL_NS = 5e9;
const RATELIMIT_BURST = 10;
// block/bfq-cgroup.c: BFQ_DEFAULT_GRP_WEIGHT
const BFQ_DEFAULT_GRP_WEIGHT = 100;

const OP_NAMES = ['READ', 'WRITE', 'FLUSH', 'DISCARD'] as const;

/**
 * The block layer: submit_bio() (remap, end-of-device check, split at
 * max_sectors_kb, throttle stage), the disks present, and the hooks the io
 * controller and writeback attach to.
 */
export class BlockLayer implements BlockApi, DiskHost {
  readonly engine: Engine;
  private readonly diskList: Disk[] = [];
  private readonly byNameMap = new Map<string, BlockDeviceInfo>();
  private readonly byDevtMap = new Map<string, BlockDeviceInfo>();
  private readonly throttles: ThrottleHook[] = [];
  private readonly releases: ((bio: Bio) => void)[] = [];
  private readonly completions: CompletionHook[] = [];
  private readonly changes: DeviceChangeHook[] = [];
  private weightSource: BfqWeightSource | null = null;
  private readonly plugged: Disk[] = [];
  private plugDepth = 0;
  /** Failed requests per disk name, kept after removal. */
  readonly ioErrorCounts = new Map<string, number>();
  private rlStart = -Infinity;
  private rlCount = 0;
  private rlMissed = 0;

  /** The block layer's own stream: plugging a disk mid-run draws from it, not from the kernel's. */
  private readonly rng: Rng;

  constructor(readonly k: Kernel) {
    this.engine = k.engine;
    this.rng = k.rng.fork('block');
  }

  // ---- BlockApi -----------------------------------------------------------

  submitBio(bio: Bio): void {
    const now = this.engine.now;
    bio.submitNs = now;
    const dev = bio.dev;
    const disk = dev.disk as Disk;
    const nr = bio.bytes >>> 9;
    if (!disk.alive) {
      this.failNow(disk, bio, 'EIO');
      return;
    }
    // bio_check_eod(): "attempt to access beyond end of device"
    if (bio.sector < 0 || bio.sector + nr > dev.sectors || bio.bytes % 512 !== 0) {
      this.k.log.add(now, 'io_error', { dev: dev.name, message: `attempt to access beyond end of device ${dev.name}: sector ${bio.sector}, nr ${nr}, limit ${dev.sectors}` });
      this.failNow(disk, bio, 'EIO');
      return;
    }
    const max = disk.maxSectorsKb * 2;
    if ((bio.op === 'read' || bio.op === 'write' || bio.op === 'discard') && nr > max) {
      this.split(bio, max);
      return;
    }
    this.stage(bio, 0);
  }

  /** bio_split_to_limits(): children of at most max_sectors; the parent ends when all have (first error wins). */
  private split(parent: Bio, max: number): void {
    let left = parent.bytes >>> 9;
    let sector = parent.sector;
    let pending = Math.ceil(left / max);
    let status: BioStatus = 0;
    const done = (st: BioStatus, now: number): void => {
      if (st !== 0 && status === 0) status = st;
      if (--pending === 0) parent.onComplete(status, now);
    };
    while (left > 0) {
      const n = Math.min(left, max);
      const child: Bio = { ...parent, sector, bytes: n * 512, onComplete: done };
      child.submitNs = parent.submitNs;
      this.stage(child, 0);
      sector += n;
      left -= n;
    }
  }

  private stage(bio: Bio, from: number): void {
    const hooks = this.throttles;
    for (let i = from; i < hooks.length; i++) {
      if (!hooks[i]!.admit(bio, this.releases[i]!)) return;
    }
    const dev = bio.dev;
    const disk = dev.disk as Disk;
    const part = dev.isPartition ? (dev as { index: number } & BlockDeviceInfo).index : 0;
    if (this.plugDepth > 0 && !disk.plugged) {
      disk.plugged = true;
      disk.startPlug();
      this.plugged.push(disk);
    }
    disk.queueBio(bio, dev.startSect + bio.sector, part);
  }

  byName(name: string): BlockDeviceInfo | null {
    return this.byNameMap.get(name) ?? null;
  }

  byDevt(major: number, minor: number): BlockDeviceInfo | null {
    return this.byDevtMap.get(`${major}:${minor}`) ?? null;
  }

  disks(): BlockDeviceInfo[] {
    return this.diskList.filter((d) => d.alive);
  }

  all(): BlockDeviceInfo[] {
    const out: BlockDeviceInfo[] = [];
    for (const d of this.diskList) {
      if (!d.alive) continue;
      out.push(d, ...d.parts);
    }
    return out;
  }

  addThrottle(hook: ThrottleHook): void {
    const i = this.throttles.length;
    this.throttles.push(hook);
    this.releases.push((bio) => this.stage(bio, i + 1));
  }

  onComplete(hook: CompletionHook): void {
    this.completions.push(hook);
  }

  setBfqWeightSource(fn: BfqWeightSource): void {
    this.weightSource = fn;
  }

  onDeviceChange(hook: DeviceChangeHook): void {
    this.changes.push(hook);
  }

  writeCache(disk: BlockDeviceInfo): boolean {
    return (disk.disk as Disk).writeBack;
  }

  /** blk_start_plug(): bios submitted until finishPlug() are batched per disk (merged in the plug). */
  startPlug(): void {
    this.plugDepth++;
  }

  /** blk_finish_plug() */
  finishPlug(): void {
    if (this.plugDepth === 0 || --this.plugDepth > 0) return;
    const disks = this.plugged;
    // Reused array: finishing a plug cannot open another one synchronously (completions are events).
    for (let i = 0; i < disks.length; i++) {
      const d = disks[i]!;
      d.plugged = false;
      d.finishPlug();
    }
    disks.length = 0;
  }

  // ---- DiskHost -----------------------------------------------------------

  endBio(bio: Bio, status: BioStatus, now: number): void {
    const hooks = this.completions;
    for (let i = 0; i < hooks.length; i++) hooks[i]!(bio, status, now);
    bio.onComplete(status, now);
  }

  makeElevator(name: ElevatorName, disk: Disk): Elevator {
    const ctx: ElevatorContext = {
      engine: this.engine,
      kick: () => disk.run(),
      groupWeight: (rq: Request) => this.groupWeight(rq.cgroup, disk),
      rotational: disk.rotational,
      deviceDepth: disk.deviceDepth,
    };
    switch (name) {
      case 'none':
        return new NoneElevator();
      case 'mq-deadline':
        return new MqDeadline(ctx, disk.nrRequests);
      case 'kyber':
        return new Kyber(ctx);
      case 'bfq':
        return new Bfq(ctx);
    }
  }

  private groupWeight(cg: Cgroup | null, disk: Disk): number {
    if (this.weightSource === null) return BFQ_DEFAULT_GRP_WEIGHT;
    return this.weightSource(cg ?? this.k.cgroups.root, disk);
  }

  /** blk_print_req_error(), rate-limited like printk_ratelimited. Every failure is counted. */
  ioError(disk: Disk, op: OpCode, sector: number, status: BioStatus): void {
    this.ioErrorCounts.set(disk.name, (this.ioErrorCounts.get(disk.name) ?? 0) + 1);
    const now = this.engine.now;
    if (now - this.rlStart >= RATELIMIT_INTERVAL_NS) {
      if (this.rlMissed > 0) this.k.log.add(now, 'io_error', { message: `blk_print_req_error: ${this.rlMissed} callbacks suppressed` });
      this.rlStart = now;
      this.rlCount = 0;
      this.rlMissed = 0;
    }
    if (this.rlCount++ >= RATELIMIT_BURST) {
      this.rlMissed++;
      return;
    }
    const sts = status === 'ENODEV' ? 'offline' : 'I/O';
    this.k.log.add(now, 'io_error', {
      dev: disk.name,
      op: OP_NAMES[op],
      sector,
      errno: status === 0 ? null : status,
      message: `${sts} error, dev ${disk.name}, sector ${sector} op 0x${op.toString(16)}:(${OP_NAMES[op]})`,
    });
  }

  private failNow(disk: Disk, bio: Bio, status: BioStatus): void {
    disk.ioErrors++;
    this.ioError(disk, bio.op === 'read' ? 0 : bio.op === 'write' ? 1 : bio.op === 'flush' ? 2 : 3, bio.dev.startSect + bio.sector, status);
    this.engine.schedule(this.engine.now, (t) => this.endBio(bio, status, t));
  }

  // ---- devices ------------------------------------------------------------

  /** add_disk(): create the disk and its partitions; the caller registers files and sends uevents. */
  addDisk(spec: BlockDeviceSpec): Disk {
    const present = this.byNameMap.get(spec.name);
    if (present && present.alive) throw new Error(`block: a disk named ${spec.name} is already present`);
    const clash = this.byDevtMap.get(`${spec.major}:${spec.minor}`);
    if (clash && clash.alive) throw new Error(`block: ${spec.major}:${spec.minor} is already used by ${clash.name}`);
    const model = createDeviceModel(spec, this.rng.fork(`block:${spec.name}`), this.k.scenario.machine.cpus);
    const disk = new Disk(spec, model, new FaultMap(spec), this, defaultElevator(model.limits.nrHwQueues));
    if (boolParam(spec, 'controller_failed', false)) disk.faults.controllerFailed = true;
    this.diskList.push(disk);
    for (const d of [disk, ...disk.parts]) {
      this.byNameMap.set(d.name, d);
      this.byDevtMap.set(d.devt, d);
    }
    for (const h of this.changes) h(disk, 'add');
    return disk;
  }

  /** del_gendisk() after a surprise removal: fail I/O, forget the names. */
  removeDisk(disk: Disk): void {
    disk.kill();
    for (const d of [disk, ...disk.parts]) {
      if (this.byNameMap.get(d.name) === d) this.byNameMap.delete(d.name);
      if (this.byDevtMap.get(d.devt) === d) this.byDevtMap.delete(d.devt);
    }
    const i = this.diskList.indexOf(disk);
    if (i >= 0) this.diskList.splice(i, 1);
    for (const h of this.changes) h(disk, 'remove');
  }

  diskByName(name: string): Disk | null {
    return this.diskList.find((d) => d.name === name) ?? null;
  }

  presentDisks(): readonly Disk[] {
    return this.diskList;
  }
}
