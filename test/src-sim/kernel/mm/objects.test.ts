import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessPattern } from '../../../../src-sim/kernel/mm/access-pattern';
import { MemObject } from '../../../../src-sim/kernel/mm/objects';

describe('MemObject non-resident index', () => {
  it('keeps every bucket split into touched / never-touched / resident parts under any fault and eviction sequence', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 1 << 30 }), fc.double({ min: 0, max: 0.999999, noNaN: true })), { maxLength: 600 }), (pages, ops) => {
        const o = new MemObject(0, false, pages, null);
        const pat = AccessPattern.zipf(pages, 0.9);
        o.setPattern(pat, 1000);
        const resident = new Uint8Array(pages);
        const touched = new Uint8Array(pages);
        for (const [fault, r, u] of ops) {
          if (fault) {
            const b = r % pat.buckets;
            if (o.nonres![b] === 0) continue;
            const p = o.pickNonResident(b, u);
            expect(resident[p]).toBe(0);
            expect(pat.bucket(p)).toBe(b);
            o.frame[p] = 1;
            o.state[p] = 1;
            o.markResident(p);
            resident[p] = 1;
            touched[p] = 1;
          } else {
            const p = r % pages;
            if (!resident[p]) continue;
            o.frame[p] = -1;
            o.markNonResident(p);
            resident[p] = 0;
          }
        }
        for (let b = 0; b < pat.buckets; b++) {
          const lo = pat.lo[b]!;
          const hi = pat.lo[b + 1]!;
          for (let i = lo; i < hi; i++) {
            const p = o.perm![i]!;
            expect(o.pos![p]).toBe(i);
            expect(pat.bucket(p)).toBe(b);
            const part = i < lo + o.nv![b]! ? 'touched' : i < lo + o.nonres![b]! ? 'virgin' : 'resident';
            expect(part).toBe(resident[p] ? 'resident' : touched[p] ? 'touched' : 'virgin');
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
