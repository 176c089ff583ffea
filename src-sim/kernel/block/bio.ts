import type { BlockDeviceType } from '../../scenario/types';
import type { Cgroup } from '../cgroup/cgroup';
import type { Task } from '../task';

/**
 * The block layer's contract with the rest of the kernel (writeback, io
 * cgroups, filesystems, fio). Everything here is a shape; the implementation
 * lives in ./block-layer.ts and fills `k.block` at install time.
 */

/** Operation of a bio (include/linux/blk_types.h: REQ_OP_*). */
export type BioOp = 'read' | 'write' | 'flush' | 'discard';

/** Completion status as the submitter sees it: 0 ok, -EIO, or -ENODEV (BLK_STS_OFFLINE, 6.x). */
export type BioStatus = 0 | 'EIO' | 'ENODEV';

// include/linux/blk_types.h: request flags, kept as a bit mask so the hot path does not allocate.
export const REQ_SYNC = 1 << 0;
export const REQ_META = 1 << 1;
export const REQ_FUA = 1 << 2;
export const REQ_PREFLUSH = 1 << 3;
/** Readahead / background: lowest priority for schedulers that care (bfq, kyber). */
export const REQ_RAHEAD = 1 << 4;
/** Internal: the bio has already passed the throttle stage (blk-throttle's BIO_BPS_THROTTLED). */
export const BIO_THROTTLED = 1 << 8;

export const SECTOR_SHIFT = 9;
export const SECTOR_SIZE = 512;

/** A block I/O as submit_bio() receives it. Sector and bytes are in 512-byte sectors and bytes. */
export interface Bio {
  /** Target device (whole disk or partition; partitions are remapped to the disk). */
  dev: BlockDeviceInfo;
  op: BioOp;
  /** Start sector relative to `dev` (partition-relative when `dev` is a partition). */
  sector: number;
  /** Length in bytes (0 for an empty flush). */
  bytes: number;
  /** REQ_* bits. */
  flags: number;
  /** The cgroup the I/O is charged to (blkcg); null = root. */
  cgroup: Cgroup | null;
  /** The issuing task, null for kernel threads (flusher, journal). */
  task: Task | null;
  /** Set by submitBio(): simulated time of submission, ns. */
  submitNs: number;
  /** Called exactly once when the bio ends. */
  onComplete: (status: BioStatus, now: number) => void;
}

/** What other subsystems may know about a block device (read-only view). */
export interface BlockDeviceInfo {
  readonly name: string;
  readonly type: BlockDeviceType;
  readonly major: number;
  readonly minor: number;
  /** "MAJ:MIN" as io.max and /sys/block/<dev>/dev print it. */
  readonly devt: string;
  /** Size in 512-byte sectors. */
  readonly sectors: number;
  /** Whole disk this is (itself for a disk). */
  readonly disk: BlockDeviceInfo;
  /** First sector of a partition within its disk (0 for a disk). */
  readonly startSect: number;
  readonly isPartition: boolean;
  /** queue/rotational */
  readonly rotational: boolean;
  /** False once surprise-removed (GD_DEAD). */
  readonly alive: boolean;
}

/**
 * blk-throttle and io.latency sit here: before the elevator. `admit` returns
 * true to let the bio pass now, or false to hold it; a held bio must later
 * be handed to `release` (once), which sends it on to the next stage.
 */
export interface ThrottleHook {
  readonly name: string;
  admit(bio: Bio, release: (bio: Bio) => void): boolean;
}

/** Observers of every completion (io.stat, write-bandwidth estimation, PSI). */
export type CompletionHook = (bio: Bio, status: BioStatus, now: number) => void;

/**
 * BFQ asks for a group's weight on a device (io.bfq.weight, io.weight or
 * blkio.weight, per the cgroup version) through this; default 100
 * (block/bfq-cgroup.c: BFQ_DEFAULT_GRP_WEIGHT).
 */
export type BfqWeightSource = (cgroup: Cgroup, disk: BlockDeviceInfo) => number;

/** Device added (after its partitions exist) or removed. */
export type DeviceChangeHook = (dev: BlockDeviceInfo, action: 'add' | 'remove') => void;

/** The block layer as other subsystems see it: `k.block`. */
export interface BlockApi {
  /** submit_bio(): split, throttle, plug/merge, elevator, device. Sets bio.submitNs. */
  submitBio(bio: Bio): void;
  /** Disk or partition by name ("sda", "sda1", "nvme0n1p2"). */
  byName(name: string): BlockDeviceInfo | null;
  /** Disk or partition by numbers. */
  byDevt(major: number, minor: number): BlockDeviceInfo | null;
  /** Present whole disks, in plug order. */
  disks(): BlockDeviceInfo[];
  /** Present disks and partitions. */
  all(): BlockDeviceInfo[];
  addThrottle(hook: ThrottleHook): void;
  onComplete(hook: CompletionHook): void;
  setBfqWeightSource(fn: BfqWeightSource): void;
  onDeviceChange(hook: DeviceChangeHook): void;
  /** queue/write_cache is "write back" (volatile cache present and enabled). */
  writeCache(disk: BlockDeviceInfo): boolean;
  /** blk_start_plug(): bios submitted until finishPlug() are batched (and merged) per disk. */
  startPlug?(): void;
  /** blk_finish_plug(): hand the batched requests to the elevators. */
  finishPlug?(): void;
}
