import type { Mm } from './mm';
import { EV } from './stats';
import { HPAGE_PMD_NR } from './frames';

/** Frame-table marker of a frame inflated into the balloon (owned by the host, not on an LRU). */
export const FRAME_BALLOON = -4;

// drivers/virtio/virtio_balloon.c
/** VIRTIO_BALLOON_ARRAY_PFNS_MAX: pages per inflate/deflate request. */
export const BALLOON_BATCH = 256;
/** VIRTIO_BALLOON_OOM_NR_PAGES: pages the OOM notifier deflates per call. */
export const BALLOON_OOM_NR_PAGES = 256;
/** fill_balloon(): "Out of puff! Can't get %u pages" → msleep(200). */
const OUT_OF_PUFF_NS = 200_000_000;
/** Model parameter: one request's round trip to the host (virtqueue kick, host madvise of 1 MiB, used-buffer interrupt). */
export const BALLOON_REQUEST_NS = 100_000;

// mm/page_reporting.h, mm/page_reporting.c
/** PAGE_REPORTING_DELAY: 2 * HZ. */
export const PAGE_REPORTING_DELAY_NS = 2_000_000_000;
/** PAGE_REPORTING_CAPACITY: pages (of the reporting order) per report request. */
const PAGE_REPORTING_CAPACITY = 32;

/** The resolved machine.balloon: a virtio-balloon device and the guest driver's negotiated features. */
export interface BalloonSpec {
  /** The host's initial target (virtio config num_pages), in 4 KiB pages. */
  targetPages: number;
  /** VIRTIO_BALLOON_F_DEFLATE_ON_OOM. */
  deflateOnOom: boolean;
  /** VIRTIO_BALLOON_F_REPORTING (free page reporting, mm/page_reporting.c). */
  freePageReporting: boolean;
}

/**
 * A virtio-balloon device and its guest driver (drivers/virtio/virtio_balloon.c).
 * The host sets a target (num_pages); the driver's worker
 * (update_balloon_size_func) inflates by allocating guest pages in
 * requests of 256 (fill_balloon: GFP_HIGHUSER_MOVABLE | __GFP_NOMEMALLOC |
 * __GFP_NORETRY — kswapd is woken, one direct reclaim pass, never the OOM
 * killer, never below the min watermark) and gives them to the host, or
 * deflates by returning them (leak_balloon). Without DEFLATE_ON_OOM each
 * inflated page leaves the managed count (adjust_managed_page_count: MemTotal
 * drops); with it the pages only look used, and the OOM notifier deflates
 * 256 pages instead of killing. Free page reporting reports free 2 MiB
 * blocks (pageblock_order 9) to the host every 2 s.
 */
export class Balloon {
  /** Host side: num_pages in the config space. */
  target: number;
  readonly deflateOnOom: boolean;
  readonly freePageReporting: boolean;
  /** Frames in the balloon (vb->num_pages = length). */
  private readonly frames: number[] = [];
  private readonly frameNode: number[] = [];
  private workerQueued = false;
  // vm_event_item BALLOON_INFLATE / BALLOON_DEFLATE (per page).
  inflated = 0;
  deflated = 0;
  /** "Out of puff!" events (allocation failures that paused inflation 200 ms). */
  outOfPuff = 0;
  oomDeflated = 0;
  /** CPU time of the balloon worker's direct reclaim (a kworker, kept apart like kswapd's). */
  cpuNs = 0;
  // Free page reporting.
  private reported: Uint8Array;
  reportedTotal = 0;
  reportedNow = 0;

  constructor(
    private readonly mm: Mm,
    spec: BalloonSpec,
  ) {
    this.target = spec.targetPages;
    this.deflateOnOom = spec.deflateOnOom;
    this.freePageReporting = spec.freePageReporting;
    this.reported = new Uint8Array(mm.ft.blockFree.length);
    if (this.deflateOnOom) mm.oomNotify = () => this.oomNotify();
    if (this.target > 0) this.kick();
    if (this.freePageReporting) this.scheduleReporting();
  }

  /** vb->num_pages: pages in the balloon now (the config space's `actual`). */
  get actual(): number {
    return this.frames.length;
  }

  /** The host changed num_pages (virtballoon_changed → queue update_balloon_size_func). */
  setTarget(pages: number): void {
    this.target = pages;
    this.kick();
  }

  private kick(delayNs = 0): void {
    if (this.workerQueued) return;
    this.workerQueued = true;
    this.mm.k.engine.after(Math.max(1, delayNs), () => {
      this.workerQueued = false;
      this.update();
    });
  }

  /** update_balloon_size_func(): one request towards the target, then requeue while there is a difference. */
  private update(): void {
    const diff = this.target - this.actual;
    if (diff === 0) return;
    if (diff > 0) {
      const got = this.fill(Math.min(diff, BALLOON_BATCH));
      if (got < Math.min(diff, BALLOON_BATCH)) {
        this.outOfPuff++;
        this.kick(OUT_OF_PUFF_NS);
        return;
      }
    } else {
      this.leak(Math.min(-diff, BALLOON_BATCH));
    }
    this.kick(BALLOON_REQUEST_NS);
  }

  /** fill_balloon(): allocate up to `n` pages and hand them to the host; how many it got. */
  private fill(n: number): number {
    let got = 0;
    for (; got < n; got++) {
      const f = this.allocPage();
      if (f < 0) break;
      this.mm.ft.obj[f] = FRAME_BALLOON;
      this.frames.push(f);
      const node = this.mm.ft.nodeOf(f);
      this.frameNode.push(node);
      if (!this.deflateOnOom) this.mm.adjustManagedPages(node, -1);
      this.inflated++;
    }
    return got;
  }

  /** leak_balloon(): return up to `n` pages to the guest (most recently inflated first); how many. */
  private leak(n: number): number {
    let freed = 0;
    for (; freed < n && this.frames.length > 0; freed++) {
      const f = this.frames.pop()!;
      const node = this.frameNode.pop()!;
      this.mm.ft.release(f);
      if (!this.deflateOnOom) this.mm.adjustManagedPages(node, 1);
      this.deflated++;
    }
    return freed;
  }

  /**
   * balloon_page_alloc(): above the low watermark at once; else wake kswapd
   * and take it above min; else one direct reclaim pass (__GFP_NORETRY) and
   * a last try above min; -1 when that fails (no OOM).
   */
  private allocPage(): number {
    const mm = this.mm;
    const ft = mm.ft;
    if (ft.nrFree - 1 < mm.wlow) {
      for (const nd of mm.nodeIds) mm.wakeKswapd(nd);
      if (ft.nrFree - 1 < mm.wmin) {
        mm.rootMemcg.ev[EV.allocstall]!++;
        this.cpuNs += mm.reclaim.costNs(mm.reclaim.globalReclaim(BALLOON_BATCH, false));
        if (ft.nrFree - 1 < mm.wmin) return -1;
      }
    }
    let best = 0;
    for (const nd of mm.nodeIds) if (ft.nrFreeNode[nd]! > ft.nrFreeNode[best]!) best = nd;
    return ft.allocOn(best);
  }

  /** virtio_balloon_oom_notify(): deflate 256 pages instead of killing (global OOM only). */
  private oomNotify(): number {
    const freed = this.leak(BALLOON_OOM_NR_PAGES);
    this.oomDeflated += freed;
    return freed;
  }

  private scheduleReporting(): void {
    this.mm.k.engine.after(PAGE_REPORTING_DELAY_NS, () => {
      this.reportPass();
      this.scheduleReporting();
    });
  }

  /**
   * page_reporting_process() for pageblock_order: a reported block that
   * was allocated since is no longer reported; of the unreported free
   * blocks, page_reporting_cycle() reports a budget of
   * ⌈free blocks / (CAPACITY × 16)⌉ requests of CAPACITY blocks per pass.
   */
  private reportPass(): void {
    const ft = this.mm.ft;
    let free = 0;
    for (let b = 0; b < this.reported.length; b++) {
      const whole = ft.blockFree[b] === HPAGE_PMD_NR;
      if (whole) free++;
      else if (this.reported[b]) {
        this.reported[b] = 0;
        this.reportedNow -= HPAGE_PMD_NR;
      }
    }
    let budget = Math.ceil(free / (PAGE_REPORTING_CAPACITY * 16)) * PAGE_REPORTING_CAPACITY;
    for (let b = 0; b < this.reported.length && budget > 0; b++) {
      if (this.reported[b] || ft.blockFree[b] !== HPAGE_PMD_NR) continue;
      this.reported[b] = 1;
      this.reportedNow += HPAGE_PMD_NR;
      this.reportedTotal += HPAGE_PMD_NR;
      budget--;
    }
  }
}
