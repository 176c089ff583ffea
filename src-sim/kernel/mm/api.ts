import type { SwapIo } from './swap-io';
import type { Cgroup } from '../cgroup/cgroup';
import type { Task } from '../task';
import type { PageCacheApi } from './page-cache-api';

/** What the memory subsystem offers the rest of the kernel: `k.mm`. */
export interface MemoryApi {
  readonly pageCache: PageCacheApi;
  /** Swap-in/out I/O (absent in a memory model without swap); the writeback installer replaces it with bios when machine.swap.device names a disk. */
  swapIo?: SwapIo;
  /** Page frames of RAM (MemTotal / PAGE_SIZE). */
  readonly totalPages: number;
  /** Free page frames now (NR_FREE_PAGES). */
  nrFree(): number;
  /** memory.current of a group, in pages (hierarchical). */
  memcgUsage(cg: Cgroup): number;
  /** Resident anon + file pages mapped/charged by a task (its rss for oom_badness). */
  taskRss(task: Task): number;
}
