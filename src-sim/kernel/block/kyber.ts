import { fail } from '../../vfs/errors';
import { OP_DISCARD, OP_READ, OP_WRITE } from '../../hw/block/model';
import type { Elevator, ElevatorContext, Tunable } from './elevator';
import { parseUnsigned } from './elevator';
import type { Request } from './request';
import { RequestFifo } from './sorted-queue';

// block/kyber-iosched.c
const KYBER_READ = 0;
const KYBER_WRITE = 1;
const KYBER_DISCARD = 2;
const KYBER_OTHER = 3;
const KYBER_NUM_DOMAINS = 4;
/** kyber_depth[]: maximum tokens per domain. */
export const KYBER_DEPTH = [256, 128, 64, 16] as const;
/** kyber_batch_size[] */
export const KYBER_BATCH_SIZE = [16, 8, 1, 1] as const;
/** kyber_latency_targets[] default: read 2 ms, write 10 ms, discard 5 s. */
const DEFAULT_TARGETS = [2_000_000, 10_000_000, 5_000_000_000];
const KYBER_LATENCY_SHIFT = 2;
const KYBER_GOOD_BUCKETS = 1 << KYBER_LATENCY_SHIFT;
const KYBER_LATENCY_BUCKETS = 2 << KYBER_LATENCY_SHIFT;
const KYBER_TOTAL_LATENCY = 0;
const KYBER_IO_LATENCY = 1;
/** The timer runs HZ/10 after a completion. */
const TIMER_NS = 100_000_000;

/**
 * Kyber: per-domain token depths driven by latency histograms. Every 100 ms
 * (kyber_timer_fn) a domain whose p90 device latency is in the "bad" buckets
 * marks congestion; each domain's depth is then scaled by (p99 bucket + 1)/4
 * of its total latency: with congestion, domains with good latency are
 * throttled (depth shrinks) and domains with bad latency are eased.
 */
export class Kyber implements Elevator {
  readonly name = 'kyber' as const;
  readonly targets = [...DEFAULT_TARGETS];
  /** Current token depth per domain (kqd->domain_tokens[].sb.depth). */
  readonly depth = [...KYBER_DEPTH] as number[];
  readonly busy = [0, 0, 0, 0];
  private readonly fifo = [new RequestFifo(), new RequestFifo(), new RequestFifo(), new RequestFifo()];
  /** latency_buckets[domain][type][bucket] */
  private readonly buckets = new Float64Array(KYBER_NUM_DOMAINS * 2 * KYBER_LATENCY_BUCKETS);
  private readonly latencyTimeout = [0, 0, 0, 0];
  private readonly domainP99 = [-1, -1, -1, -1];
  private curDomain = 0;
  private batching = 0;
  private timer = 0;
  readonly tunables: Record<string, Tunable>;

  constructor(private readonly ctx: ElevatorContext) {
    const lat = (d: number): Tunable => ({
      read: () => `${this.targets[d]}`,
      write: (v) => {
        this.targets[d] = parseUnsigned(v, (m) => fail('EINVAL', m));
      },
    });
    this.tunables = { read_lat_nsec: lat(KYBER_READ), write_lat_nsec: lat(KYBER_WRITE) };
  }

  get queued(): number {
    return this.fifo[0]!.size + this.fifo[1]!.size + this.fifo[2]!.size + this.fifo[3]!.size;
  }

  insert(rq: Request): void {
    rq.domain = rq.op === OP_READ ? KYBER_READ : rq.op === OP_WRITE ? KYBER_WRITE : rq.op === OP_DISCARD ? KYBER_DISCARD : KYBER_OTHER;
    this.fifo[rq.domain]!.push(rq);
  }

  allowMerge(): boolean {
    return true;
  }

  merged(): void {}

  /** kyber_dispatch_request(): continue the current domain's batch, then round-robin, each needing a token. */
  dispatch(): Request | null {
    const d = this.curDomain;
    if (this.batching < KYBER_BATCH_SIZE[d]! && this.fifo[d]!.size > 0 && this.busy[d]! < this.depth[d]!) {
      return this.take(d);
    }
    this.batching = 0;
    for (let i = 1; i <= KYBER_NUM_DOMAINS; i++) {
      const nd = (d + i) % KYBER_NUM_DOMAINS;
      if (this.fifo[nd]!.size > 0 && this.busy[nd]! < this.depth[nd]!) {
        this.curDomain = nd;
        return this.take(nd);
      }
    }
    return null;
  }

  private take(d: number): Request {
    this.batching++;
    this.busy[d]!++;
    const rq = this.fifo[d]!.shift()!;
    rq.schedData = this;
    return rq;
  }

  completed(rq: Request, now: number): void {
    const d = rq.domain;
    // Only requests this instance dispatched hold one of its tokens (a scheduler switch may intervene).
    if (rq.schedData !== this) return;
    this.busy[d]!--;
    const target = this.targets[d]!;
    this.addLatency(d, KYBER_TOTAL_LATENCY, target, now - rq.allocNs);
    this.addLatency(d, KYBER_IO_LATENCY, target, now - rq.dispatchNs);
    if (this.timer === 0 || !this.ctx.engine.isPending(this.timer)) {
      this.timer = this.ctx.engine.after(TIMER_NS, (t) => this.timerFn(t));
    }
    this.ctx.kick();
  }

  private addLatency(d: number, type: number, target: number, latency: number): void {
    const divisor = Math.max(Math.floor(target / KYBER_GOOD_BUCKETS), 1);
    const bucket = Math.min(Math.floor(Math.max(0, latency - 1) / divisor), KYBER_LATENCY_BUCKETS - 1);
    this.buckets[(d * 2 + type) * KYBER_LATENCY_BUCKETS + bucket]!++;
  }

  /** calculate_percentile(): −1 until 500 samples or 1 s since the first one. */
  private percentile(d: number, type: number, pct: number, now: number): number {
    const base = (d * 2 + type) * KYBER_LATENCY_BUCKETS;
    let samples = 0;
    for (let b = 0; b < KYBER_LATENCY_BUCKETS; b++) samples += this.buckets[base + b]!;
    if (samples === 0) return -1;
    if (this.latencyTimeout[d] === 0) this.latencyTimeout[d] = now + 1e9;
    if (samples < 500 && now < this.latencyTimeout[d]!) return -1;
    this.latencyTimeout[d] = 0;
    let want = Math.ceil((samples * pct) / 100);
    let bucket = 0;
    for (; bucket < KYBER_LATENCY_BUCKETS - 1; bucket++) {
      if (this.buckets[base + bucket]! >= want) break;
      want -= this.buckets[base + bucket]!;
    }
    for (let b = 0; b < KYBER_LATENCY_BUCKETS; b++) this.buckets[base + b] = 0;
    return bucket;
  }

  private timerFn(now: number): void {
    let bad = false;
    for (let d = 0; d < KYBER_OTHER; d++) {
      if (this.percentile(d, KYBER_IO_LATENCY, 90, now) >= KYBER_GOOD_BUCKETS) bad = true;
    }
    for (let d = 0; d < KYBER_OTHER; d++) {
      let p99 = this.percentile(d, KYBER_TOTAL_LATENCY, 99, now);
      if (bad) {
        if (p99 < 0) p99 = this.domainP99[d]!;
        this.domainP99[d] = -1;
      } else if (p99 >= 0) {
        this.domainP99[d] = p99;
      }
      if (p99 < 0) continue;
      if (bad || p99 >= KYBER_GOOD_BUCKETS) {
        const depth = (this.depth[d]! * (p99 + 1)) >> KYBER_LATENCY_SHIFT;
        // kyber_resize_domain(): clamp(depth, 1, kyber_depth[domain])
        this.depth[d] = Math.max(1, Math.min(depth, KYBER_DEPTH[d]!));
      }
    }
    this.ctx.kick();
  }

  drain(): Request[] {
    const out: Request[] = [];
    for (const f of this.fifo) for (let r = f.shift(); r; r = f.shift()) out.push(r);
    return out;
  }
}
