import { xoroshiro128plus } from 'pure-rand';

/**
 * The simulation's only source of randomness. Seeded by (seed, run): the run
 * number selects an independent stream (ns-3's replication number) by
 * jumping the generator 2^64 steps per run. `fork(label)` derives a
 * sub-stream for one model so that adding draws in one model does not shift
 * the draws of another.
 */
export class Rng {
  // xoroshiro128+ state as pure-rand's XoroShiro128Plus keeps it (s01, s00, s11, s10).
  // pure-rand seeds and jumps; the draws run here on the Rng's own fields, so a
  // draw (per periodic job, per fault…) does not chase a second object.
  private s01: number;
  private s00: number;
  private s11: number;
  private s10: number;

  constructor(seed: number, run = 0) {
    const gen = xoroshiro128plus(seed | 0);
    for (let i = 0; i < run; i++) gen.unsafeJump!();
    const st = gen.getState();
    this.s01 = st[0]!;
    this.s00 = st[1]!;
    this.s11 = st[2]!;
    this.s10 = st[3]!;
  }

  /** pure-rand's XoroShiro128Plus.unsafeNext, the same 32-bit output stream. */
  private step(): number {
    const out = (this.s00 + this.s10) | 0;
    const a0 = this.s10 ^ this.s00;
    const a1 = this.s11 ^ this.s01;
    const s00 = this.s00;
    const s01 = this.s01;
    this.s00 = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
    this.s01 = (s01 << 24) ^ (s00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
    this.s10 = (a1 << 5) ^ (a0 >>> 27);
    this.s11 = (a0 << 5) ^ (a1 >>> 27);
    return out;
  }

  /** Independent stream for one model, keyed by a label (deterministic). */
  fork(label: string): Rng {
    let h = 0x811c9dc5;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    const child = new Rng(this.uint32() ^ h);
    return child;
  }

  /** 32 random bits as an unsigned integer. */
  uint32(): number {
    return this.step() >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  next(): number {
    const hi = this.step() >>> 5; // 27 bits
    const lo = this.step() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Exponentially distributed with the given mean (Poisson inter-arrival times). */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}
