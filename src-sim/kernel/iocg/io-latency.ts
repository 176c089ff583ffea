import type { Engine } from '../../engine/engine';
import type { Cgroup } from '../cgroup/cgroup';

// block/blk-iolatency.c
export const BLKIOLATENCY_MIN_WIN_SIZE = 100e6;
export const BLKIOLATENCY_MAX_WIN_SIZE = 1e9;
const SCALE_UP_FACTOR = 4;

/** One group's io.latency state on one disk (struct iolatency_grp). */
export interface IolatGrp {
  cg: Cgroup;
  /** io.latency target, ns (min_lat_nsec); 0 = not configured. */
  targetNs: number;
  /** Queue depth this group may use (max_depth); starts at nr_requests. */
  maxDepth: number;
  inflight: number;
  /** Bios held because inflight reached maxDepth, FIFO. */
  readonly waiting: (() => void)[];
  // Samples of the current period.
  nrSamples: number;
  sumLatNs: number;
  nrMissed: number;
  /** Window events where this group missed its target / was scaled down. */
  missedWindows: number;
  scaleDowns: number;
}

/**
 * io.latency for one disk: each configured group's completion latencies are
 * checked once per period (target × 16, clamped to 100 ms – 1 s). A group
 * that misses its target (mean latency on rotational disks, more than 10 %
 * of IOs over target on SSDs) halves the queue depth of its siblings with a
 * looser target; while every sibling meets its target the depths grow back
 * by nr_requests/16 per period. Work conserving while targets are met.
 */
export class IoLatency {
  private readonly groups = new Map<Cgroup, IolatGrp>();
  private timer = 0;

  constructor(
    private readonly engine: Engine,
    readonly nrRequests: number,
    readonly rotational: boolean,
  ) {}

  get active(): boolean {
    return this.groups.size > 0;
  }

  grp(cg: Cgroup): IolatGrp | undefined {
    return this.groups.get(cg);
  }

  setTarget(cg: Cgroup, targetNs: number): void {
    let g = this.groups.get(cg);
    if (targetNs === 0) {
      if (g) {
        g.targetNs = 0;
        g.maxDepth = this.nrRequests;
        this.drain(g);
        this.groups.delete(cg);
      }
      return;
    }
    if (!g) {
      g = { cg, targetNs, maxDepth: this.nrRequests, inflight: 0, waiting: [], nrSamples: 0, sumLatNs: 0, nrMissed: 0, missedWindows: 0, scaleDowns: 0 };
      this.groups.set(cg, g);
    }
    g.targetNs = targetNs;
    this.arm();
  }

  /** The checking period: min target × 16, clamped (iolatency_set_min_lat_nsec). */
  windowNs(): number {
    let min = Infinity;
    for (const g of this.groups.values()) min = Math.min(min, g.targetNs);
    return Math.min(BLKIOLATENCY_MAX_WIN_SIZE, Math.max(BLKIOLATENCY_MIN_WIN_SIZE, min * 16));
  }

  private arm(): void {
    if (this.timer && this.engine.isPending(this.timer)) return;
    this.timer = this.engine.after(this.windowNs(), () => this.checkLatencies());
  }

  /** blkcg_iolatency_throttle(): true = may go now; else `go` is called when a slot frees. */
  admit(cg: Cgroup, go: () => void): boolean {
    const g = this.groups.get(cg);
    if (!g) return true;
    if (g.inflight < g.maxDepth && g.waiting.length === 0) {
      g.inflight++;
      return true;
    }
    g.waiting.push(go);
    return false;
  }

  /** blkcg_iolatency_done_bio(): one IO of `cg` ended after `latNs`. */
  done(cg: Cgroup, latNs: number): void {
    const g = this.groups.get(cg);
    if (!g) return;
    g.inflight = Math.max(0, g.inflight - 1);
    g.nrSamples++;
    g.sumLatNs += latNs;
    if (latNs > g.targetNs) g.nrMissed++;
    this.drain(g);
  }

  private drain(g: IolatGrp): void {
    while (g.waiting.length && (g.inflight < g.maxDepth || g.targetNs === 0)) {
      g.inflight++;
      g.waiting.shift()!();
    }
  }

  private missed(g: IolatGrp): boolean {
    if (g.nrSamples === 0) return false;
    if (this.rotational) return g.sumLatNs / g.nrSamples > g.targetNs;
    return g.nrMissed * 10 > g.nrSamples;
  }

  /** iolatency_check_latencies(), applied across siblings (scale_cookie_change + check_scale_change). */
  private checkLatencies(): void {
    this.timer = 0;
    const all = [...this.groups.values()];
    const missers = all.filter((g) => this.missed(g));
    for (const m of missers) m.missedWindows++;
    for (const g of all) {
      const tighterMissed = missers.some((m) => m !== g && m.cg.parent === g.cg.parent && m.targetNs < g.targetNs);
      if (tighterMissed) {
        // scale_change(down): the depth is halved, never below 1.
        g.maxDepth = Math.max(Math.min(g.maxDepth, this.nrRequests) >> 1, 1);
        g.scaleDowns++;
      } else if (missers.length === 0 && g.maxDepth < this.nrRequests) {
        // scale_amount(up): max(nr_requests >> SCALE_UP_FACTOR, 1) per period.
        g.maxDepth = Math.min(this.nrRequests, g.maxDepth + Math.max(this.nrRequests >> SCALE_UP_FACTOR, 1));
        this.drain(g);
      }
      g.nrSamples = 0;
      g.sumLatNs = 0;
      g.nrMissed = 0;
    }
    if (this.groups.size) this.arm();
  }
}
