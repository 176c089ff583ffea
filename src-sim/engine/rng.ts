import { xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/**
 * The simulation's only source of randomness. Seeded by (seed, run): the run
 * number selects an independent stream (ns-3's replication number) by
 * jumping the generator 2^64 steps per run. `fork(label)` derives a
 * sub-stream for one model so that adding draws in one model does not shift
 * the draws of another.
 */
export class Rng {
  private readonly gen: RandomGenerator;

  constructor(seed: number, run = 0) {
    this.gen = xoroshiro128plus(seed | 0);
    for (let i = 0; i < run; i++) this.gen.unsafeJump!();
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
    return this.gen.unsafeNext() >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  next(): number {
    const hi = this.gen.unsafeNext() >>> 5; // 27 bits
    const lo = this.gen.unsafeNext() >>> 6; // 26 bits
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
