import { xoroshiro128plus } from 'pure-rand';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-sim/engine/rng';

describe('Rng', () => {
  it("draws pure-rand's xoroshiro128+ stream exactly, for several seeds and run numbers", () => {
    for (const seed of [0, 1, 7, -5, 0x7fffffff, 123456789]) {
      for (const run of [0, 1, 3]) {
        const ref = xoroshiro128plus(seed);
        for (let i = 0; i < run; i++) ref.unsafeJump!();
        const rng = new Rng(seed, run);
        for (let i = 0; i < 2000; i++) {
          if (i % 3 === 0) expect(rng.uint32()).toBe(ref.unsafeNext() >>> 0);
          else {
            const hi = ref.unsafeNext() >>> 5;
            const lo = ref.unsafeNext() >>> 6;
            expect(rng.next()).toBe((hi * 67108864 + lo) / 9007199254740992);
          }
        }
      }
    }
  });
  it('forks the same sub-stream for the same label and a different one for another', () => {
    const a = new Rng(1).fork('block');
    const b = new Rng(1).fork('block');
    const c = new Rng(1).fork('mm');
    const draws = (r: Rng): number[] => Array.from({ length: 5 }, () => r.uint32());
    const da = draws(a);
    expect(draws(b)).toEqual(da);
    expect(draws(c)).not.toEqual(da);
  });
});
