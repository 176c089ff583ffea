import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessPattern } from '../../../../src-sim/kernel/mm/access-pattern';
import { MemObject, PageArrayArena } from '../../../../src-sim/kernel/mm/objects';

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
            // The fault path skips reading the state of a never-touched pick: it must be all zeros.
            expect(o.pickedNeverTouched(p)).toBe(touched[p] === 0);
            if (o.pickedNeverTouched(p)) expect([o.state[p], o.evictedMemcg[p], o.frameOf(p)]).toEqual([0, 0, -1]);
            o.setFrame(p, 1);
            o.state[p] = 1;
            o.markResident(p);
            resident[p] = 1;
            touched[p] = 1;
          } else {
            const p = r % pages;
            if (!resident[p]) continue;
            o.clearFrame(p);
            o.markNonResident(p);
            resident[p] = 0;
          }
        }
        for (let b = 0; b < pat.buckets; b++) {
          const lo = pat.lo[b]!;
          const hi = pat.lo[b + 1]!;
          for (let i = lo; i < hi; i++) {
            const p = o.permAt(i);
            expect(o.posOf(p)).toBe(i);
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

describe('MemObject page state is lazy', () => {
  it('attaching a pattern after pages were mapped and evicted splits them into resident / touched / never-touched parts', () => {
    const pages = 300;
    const o = new MemObject(0, false, pages, null);
    for (let p = 0; p < 40; p++) o.setFrame(p, 1000 + p);
    for (let p = 20; p < 40; p++) {
      o.clearFrame(p);
      o.state[p] = 32; // PG_SHADOW: evicted, touched before
    }
    const pat = AccessPattern.zipf(pages, 0.9);
    o.setPattern(pat, 1000);
    expect(o.frameOf(5)).toBe(1005);
    expect(o.frameOf(25)).toBe(-1);
    expect(o.frameOf(200)).toBe(-1);
    for (let b = 0; b < pat.buckets; b++) {
      const lo = pat.lo[b]!;
      for (let i = lo; i < pat.lo[b + 1]!; i++) {
        const p = o.permAt(i);
        expect(o.posOf(p)).toBe(i);
        const part = i < lo + o.nv![b]! ? 'touched' : i < lo + o.nonres![b]! ? 'virgin' : 'resident';
        expect(part).toBe(p < 20 ? 'resident' : p < 40 ? 'touched' : 'virgin');
      }
    }
  });

  it('a 64 GiB object with a pattern adds no resident memory until pages are used (the filled arrays took 192 MiB)', () => {
    const pages = 16 * 1024 * 1024;
    const before = process.memoryUsage().rss;
    const o = new MemObject(0, false, pages, null);
    o.setPattern(AccessPattern.uniform(pages), 1000);
    o.setFrame(pages - 1, 7);
    o.markResident(pages - 1);
    expect(o.frameOf(pages - 1)).toBe(7);
    expect(o.frameOf(0)).toBe(-1);
    expect(o.pickNonResident(0, 0.5)).toBe(pages - 2);
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * 1024);
  });
});

describe('PageArrayArena', () => {
  it('carves zeroed, disjoint per-page arrays for small objects and gives large ones a buffer of their own', () => {
    const arena = new PageArrayArena();
    const objs = [5, 1000, 3, 77_777].map((pages, i) => new MemObject(i, false, pages, null, arena));
    for (const o of objs) {
      for (let p = 0; p < o.pages; p++) expect([o.frameOf(p), o.evictedMemcg[p], o.state[p]]).toEqual([-1, 0, 0]);
      for (let p = 0; p < o.pages; p++) {
        o.setFrame(p, o.id * 100_000 + p);
        o.evictedMemcg[p] = o.id + 1;
        o.state[p] = o.id + 10;
      }
    }
    for (const o of objs) for (let p = 0; p < o.pages; p += 7) expect([o.frameOf(p), o.evictedMemcg[p], o.state[p]]).toEqual([o.id * 100_000 + p, o.id + 1, o.id + 10]);
    expect(objs[1]!.state.buffer).toBe(objs[0]!.state.buffer);
    const big = new MemObject(9, false, Math.ceil(PageArrayArena.MAX_PIECE / 7) + 1, null, arena);
    expect(big.state.buffer).not.toBe(objs[0]!.state.buffer);
    expect(big.state.byteOffset).toBe(big.pages * 6);
  });
});
