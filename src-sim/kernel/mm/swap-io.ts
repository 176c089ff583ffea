import type { Cgroup } from '../cgroup/cgroup';
import type { Task } from '../task';
import type { FixedLatencyStore } from './backing-store';

/**
 * Where swapped pages go. Without machine.swap.device: a fixed-speed store
 * (swap-in pays latency per page; swap-out costs nothing, as before). With
 * a device, writeback/install.ts plugs in bios on that disk (swap-device-io.ts).
 */
export interface SwapIo {
  /** `pages` dependent major faults (one after another); `done` when the last page is in. */
  swapIn(pages: number, task: Task | null, cgroup: Cgroup | null, done: () => void): void;
  /** Pages written out by reclaim (pageout), charged to `cgroup`; reclaim does not wait. */
  swapOut(pages: number, cgroup: Cgroup | null): void;
}

export class FixedSwapIo implements SwapIo {
  constructor(private readonly store: FixedLatencyStore) {}

  swapIn(pages: number, _task: Task | null, _cgroup: Cgroup | null, done: () => void): void {
    this.store.submit('swap', pages, done, pages);
  }

  swapOut(): void {}
}
