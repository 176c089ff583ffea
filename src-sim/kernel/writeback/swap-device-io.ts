import { REQ_SYNC, type BlockApi, type BlockDeviceInfo } from '../block/bio';
import type { Cgroup } from '../cgroup/cgroup';
import type { SwapIo } from '../mm/swap-io';
import type { Task } from '../task';

/** Pages per swap-out bio: SWAP_CLUSTER_MAX, the batch shrink_folio_list() writes (mm/vmscan.c). */
const SWAP_CLUSTER_MAX = 32;
const SECTORS_PER_PAGE = 8;

/**
 * Swap on a declared disk (machine.swap.device): the swap area is the last
 * `sizeBytes` of the device, and swap I/O becomes bios on it. Swap-out:
 * reclaim's pageouts as async writes in SWAP_CLUSTER_MAX-page bios, slots
 * allocated sequentially through the area (scan_swap_map_slots() hands out
 * clusters in order). Swap-in: each major fault is one synchronous 4 KiB
 * read (no swap readahead, see mm/README.md), issued one after another from
 * a read cursor that walks the written slots. Page-to-slot identity is not
 * tracked. An unplugged device fails the bios; the fault still completes
 * (the kernel would SIGBUS; documented in writeback/README.md).
 */
export class SwapDeviceIo implements SwapIo {
  private readonly areaStart: number;
  private readonly areaPages: number;
  private writeSlot = 0;
  private readSlot = 0;

  constructor(
    private readonly block: BlockApi,
    private readonly dev: BlockDeviceInfo,
    sizeBytes: number,
  ) {
    this.areaPages = Math.max(1, Math.min(Math.floor(sizeBytes / 4096), Math.floor(dev.sectors / SECTORS_PER_PAGE)));
    this.areaStart = dev.sectors - this.areaPages * SECTORS_PER_PAGE;
  }

  private sector(slot: number): number {
    return this.areaStart + (slot % this.areaPages) * SECTORS_PER_PAGE;
  }

  swapIn(pages: number, task: Task | null, cgroup: Cgroup | null, done: () => void): void {
    let left = pages;
    const next = (): void => {
      if (left-- <= 0) return done();
      const slot = this.readSlot++;
      this.block.submitBio({
        dev: this.dev,
        op: 'read',
        sector: this.sector(slot),
        bytes: 4096,
        flags: REQ_SYNC,
        cgroup,
        task,
        submitNs: 0,
        onComplete: () => next(),
      });
    };
    next();
  }

  swapOut(pages: number, cgroup: Cgroup | null): void {
    while (pages > 0) {
      // One bio never wraps the end of the area.
      const slot = this.writeSlot % this.areaPages;
      const n = Math.min(pages, SWAP_CLUSTER_MAX, this.areaPages - slot);
      this.writeSlot += n;
      pages -= n;
      this.block.submitBio({ dev: this.dev, op: 'write', sector: this.sector(slot), bytes: n * 4096, flags: 0, cgroup, task: null, submitNs: 0, onComplete: () => undefined });
    }
  }
}
