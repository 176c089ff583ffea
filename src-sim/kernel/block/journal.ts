import type { Cgroup } from '../cgroup/cgroup';
import type { Kernel } from '../kernel';
import type { Task } from '../task';
import { REQ_FUA, REQ_META, REQ_PREFLUSH, REQ_SYNC, type Bio, type BioStatus, type BlockDeviceInfo } from './bio';

/** Journal area at the start of the device (after the 1 MiB partition alignment), as ext4's default 128 MiB journal. */
export const JOURNAL_START_SECTOR = 2048;
export const JOURNAL_SECTORS = (128 << 20) / 512;
const BLOCK = 4096;

type Waiter = (status: BioStatus, now: number) => void;

/**
 * A minimal jbd2: fsync() joins the running transaction; a commit writes the
 * transaction's descriptor + metadata blocks to the journal, waits for them,
 * then writes the commit record with REQ_PREFLUSH | REQ_FUA (jbd2 with
 * barriers: journal_submit_commit_record) — so the commit is ordered after
 * its journal blocks and pays the device's flush cost. Commits are serial;
 * fsyncs arriving during a commit are batched into the next (group commit).
 *
 * `beforeCommit` hooks run first and may delay the commit (data=ordered:
 * the transaction's data must reach the disk first); each calls `ready()`.
 */
export class Journal {
  private head = 0;
  private committing = false;
  private waiting: Waiter[] = [];
  private blocksPending = 0;
  commits = 0;
  readonly beforeCommit: ((ready: () => void) => void)[] = [];

  constructor(
    private readonly k: Kernel,
    readonly dev: BlockDeviceInfo,
  ) {}

  /** Make `blocks` metadata blocks durable (fsync of an inode that dirtied them); `done` runs after the commit. */
  fsync(task: Task | null, cgroup: Cgroup | null, blocks: number, done: Waiter): void {
    this.blocksPending += Math.max(1, blocks);
    this.waiting.push(done);
    if (!this.committing) this.commit(task, cgroup);
  }

  private commit(task: Task | null, cgroup: Cgroup | null): void {
    this.committing = true;
    const waiters = this.waiting;
    const blocks = this.blocksPending + 1; // + descriptor block
    this.waiting = [];
    this.blocksPending = 0;
    const finish = (st: BioStatus, now: number): void => {
      this.commits++;
      this.committing = false;
      for (const w of waiters) w(st, now);
      if (this.waiting.length > 0) this.commit(task, cgroup);
    };
    const writeBlocks = (): void => {
      let left = blocks;
      let status: BioStatus = 0;
      for (let i = 0; i < blocks; i++) {
        this.submit(BLOCK, REQ_SYNC | REQ_META, task, cgroup, (st) => {
          if (st !== 0 && status === 0) status = st;
          if (--left === 0) {
            if (status !== 0) finish(status, this.k.now);
            // The commit record: a flush before it orders it after the journal blocks; FUA makes it durable.
            else this.submit(BLOCK, REQ_SYNC | REQ_META | REQ_PREFLUSH | REQ_FUA, task, cgroup, finish);
          }
        });
      }
    };
    let hooks = this.beforeCommit.length;
    if (hooks === 0) writeBlocks();
    else for (const h of this.beforeCommit) h(() => --hooks === 0 && writeBlocks());
  }

  private submit(bytes: number, flags: number, task: Task | null, cgroup: Cgroup | null, cb: (st: BioStatus, now: number) => void): void {
    const nr = bytes / 512;
    if (this.head + nr > JOURNAL_SECTORS) this.head = 0;
    const bio: Bio = {
      dev: this.dev, op: 'write', sector: JOURNAL_START_SECTOR + this.head, bytes, flags, cgroup, task, submitNs: 0, onComplete: cb,
    };
    this.head += nr;
    this.k.block!.submitBio(bio);
  }
}

const journals = new WeakMap<Kernel, Map<BlockDeviceInfo, Journal>>();

/** The journal of the filesystem on `dev` (created on first use). */
export function journalFor(k: Kernel, dev: BlockDeviceInfo): Journal {
  let m = journals.get(k);
  if (!m) {
    m = new Map();
    journals.set(k, m);
  }
  let j = m.get(dev);
  if (!j) {
    j = new Journal(k, dev);
    m.set(dev, j);
  }
  return j;
}
