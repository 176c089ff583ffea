/**
 * A NIC receive queue's descriptor ring as counters. Packets arrive at a
 * constant aggregate rate (the sum of the traffic sources mapped to this
 * queue by RSS); nothing is scheduled per packet. `sync(now)` adds the
 * arrivals since the last look, takes what fits in the free descriptors and
 * counts the rest as missed (the NIC has nowhere to DMA them: rx_missed_errors).
 * Packets are attributed to their sources by the sources' rate shares.
 */

/** One traffic source's share of a ring (one pktgen stream's flows hashed to this queue). */
export interface RingSource {
  ratePerSec: number;
  sizeBytes: number;
  /** Flows of this source on this queue (for GRO: segments of one flow merge). */
  flows: number;
  /** Their flow numbers within the source (the flow hash RPS steers by). */
  flowIds: number[];
  proto: 'udp' | 'tcp';
  port: number;
  /** Packets of this source in the ring now. */
  inRing: number;
  /** Fractional attribution carried between syncs. */
  carry: number;
  /** Packets of this source the ring had to drop. */
  missed: number;
  /** Packets of this source handed to the protocol layer (the receiver's ACK clock). */
  delivered: number;
  /** Packets of this source that reached the port (accepted or missed). */
  arrived: number;
}

/** A run of packets of one source (the unit moved through the receive path). */
export interface Chunk {
  src: RingSource;
  n: number;
  /** Frames already merged by GRO on the polling CPU (RPS moves GRO's output to another CPU's backlog). */
  merged?: boolean;
}

export class RxRing {
  occ = 0;
  /** Ring-full drops (rx_missed_errors). */
  missed = 0;
  readonly sources: RingSource[] = [];
  private rate = 0;
  private t0 = 0;
  /** Arrivals since t0 already accounted. */
  private counted = 0;
  /** Total arrivals at the port (for tests: offered = taken + missed + in ring). */
  arrived = 0;

  constructor(public size: number) {}

  get ratePerSec(): number {
    return this.rate;
  }

  private arrivalsUntil(now: number): number {
    if (this.rate <= 0 || now <= this.t0) return 0;
    // arrival j is at t0 + j/rate; small epsilon so an exact multiple counts at its instant
    return Math.floor(((now - this.t0) * this.rate) / 1e9 + 1e-9);
  }

  /** Bring the ring up to `now`: accept arrivals into free descriptors, count the rest as missed. */
  sync(now: number): void {
    const total = this.arrivalsUntil(now);
    const n = total - this.counted;
    if (n <= 0) return;
    this.counted = total;
    this.arrived += n;
    const room = this.size - this.occ;
    const acc = n < room ? n : room;
    this.occ += acc;
    this.missed += n - acc;
    this.attribute(n, acc);
  }

  /** Split `n` arrivals (of which `acc` were accepted) over the sources by rate share. */
  private attribute(n: number, acc: number): void {
    const srcs = this.sources;
    if (srcs.length === 1) {
      const s = srcs[0]!;
      s.inRing += acc;
      s.missed += n - acc;
      s.arrived += n;
      return;
    }
    let given = 0;
    let best: RingSource | null = null;
    for (const s of srcs) {
      const exact = (acc * s.ratePerSec) / this.rate + s.carry;
      const k = Math.floor(exact);
      s.carry = exact - k;
      s.inRing += k;
      s.arrived += k;
      given += k;
      if (!best || s.carry > best.carry) best = s;
    }
    if (best && given < acc) {
      best.inRing += acc - given;
      best.arrived += acc - given;
      best.carry -= acc - given;
    }
    if (n > acc) {
      const share = (n - acc) / this.rate;
      for (const s of srcs) {
        const m = Math.round(share * s.ratePerSec);
        s.missed += m;
        s.arrived += m;
      }
    }
  }

  /** Take up to `k` packets off the ring (a poll or an interrupt handler), by source. */
  take(k: number, out: Chunk[]): number {
    const n = k < this.occ ? k : this.occ;
    if (n <= 0) return 0;
    const srcs = this.sources;
    if (srcs.length === 1) {
      const s = srcs[0]!;
      s.inRing -= n;
      out.push({ src: s, n });
    } else {
      let left = n;
      const occ = this.occ;
      for (const s of srcs) {
        const m = Math.min(s.inRing, Math.floor((n * s.inRing) / occ));
        if (m > 0) {
          s.inRing -= m;
          left -= m;
          out.push({ src: s, n: m });
        }
      }
      for (const s of srcs) {
        if (left === 0) break;
        const m = Math.min(s.inRing, left);
        if (m > 0) {
          s.inRing -= m;
          left -= m;
          out.push({ src: s, n: m });
        }
      }
    }
    this.occ -= n;
    return n;
  }

  /** Time (ns, ≥ now+1) of the k-th arrival after those counted at `now`; Infinity without traffic. */
  arrivalTime(now: number, k: number): number {
    if (this.rate <= 0) return Infinity;
    const j = this.arrivalsUntil(now) + k;
    return Math.max(now + 1, this.t0 + Math.ceil((j * 1e9) / this.rate - 1e-6));
  }

  /** Change the sources or their rates from `now` on (sync first so the past keeps its rate). */
  retune(now: number, lineRatePps: number): void {
    this.sync(now);
    let sum = 0;
    for (const s of this.sources) sum += s.ratePerSec;
    // the link partner cannot send faster than the wire
    if (sum > lineRatePps) {
      const f = lineRatePps / sum;
      for (const s of this.sources) s.ratePerSec *= f;
      sum = lineRatePps;
    }
    this.rate = sum;
    this.t0 = now;
    this.counted = 0;
  }

  /** Surprise removal: everything in the ring is gone. */
  flush(): number {
    const n = this.occ;
    this.occ = 0;
    for (const s of this.sources) s.inRing = 0;
    return n;
  }
}
