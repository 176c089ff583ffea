// A THP fault maps its 512 subpages in one pass (thp.ts mapCleanExtent):
// the fault index and the LRU must come out exactly as 512 single-page
// mappings leave them, or every later pick and reclaim would differ.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessPattern } from '../../../../src-sim/kernel/mm/access-pattern';
import { FrameTable } from '../../../../src-sim/kernel/mm/frames';
import { Lruvec } from '../../../../src-sim/kernel/mm/lruvec';
import { MemObject } from '../../../../src-sim/kernel/mm/objects';

function indexOf(o: MemObject, pat: AccessPattern): number[][] {
  const slots = Array.from({ length: o.pages }, (_, i) => o.permAt(i));
  const pos = Array.from({ length: o.pages }, (_, p) => o.posOf(p));
  return [slots, pos, Array.from(o.nonres!), Array.from(o.nv!), [pat.buckets]];
}

describe('MemObject.markResidentRun', () => {
  it('leaves the fault index as markResident page by page does, under any history of faults, runs and evictions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 1500 }),
        fc.integer({ min: 2, max: 24 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1 << 30 }), fc.double({ min: 0, max: 0.999999, noNaN: true })), { maxLength: 300 }),
        (pages, n, ops) => {
          const pat = AccessPattern.zipf(pages, 0.9);
          const a = new MemObject(0, false, pages, null);
          const b = new MemObject(1, false, pages, null);
          a.setPattern(pat, 1000);
          b.setPattern(pat, 1000);
          const resident = new Uint8Array(pages);
          for (const [op, r, u] of ops) {
            if (op === 2) {
              // Evict a resident page from both.
              const p = r % pages;
              if (!resident[p]) continue;
              a.markNonResident(p);
              b.markNonResident(p);
              resident[p] = 0;
              continue;
            }
            const bk = r % pat.buckets;
            if (a.nonres![bk] === 0) continue;
            const p = a.pickNonResident(bk, u);
            expect(b.pickNonResident(bk, u)).toBe(p);
            // op 1: a run of n pages ending at the pick (a huge fault's extent), when all are non-resident.
            const lo = p - n + 1;
            if (op === 1 && lo >= 0 && resident.subarray(lo, p + 1).every((x) => x === 0)) {
              for (let q = lo; q <= p; q++) a.markResident(q);
              b.markResidentRun(lo, n);
              resident.fill(1, lo, p + 1);
            } else {
              a.markResident(p);
              b.markResident(p);
              resident[p] = 1;
            }
          }
          expect(indexOf(b, pat)).toEqual(indexOf(a, pat));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reverses the run when it is the top of a bucket’s never-touched part (the THP first-touch case)', () => {
    const pat = AccessPattern.zipf(4096, 0.9);
    const o = new MemObject(0, false, 4096, null);
    o.setPattern(pat, 1000);
    const b = pat.buckets - 1;
    const top = pat.lo[b + 1]! - 1;
    expect(o.pickNonResident(b, 0.999)).toBe(top);
    o.markResidentRun(top - 7, 8);
    expect(Array.from({ length: 8 }, (_, k) => o.permAt(top - 7 + k))).toEqual([top, top - 1, top - 2, top - 3, top - 4, top - 5, top - 6, top - 7]);
    expect(o.nonres![b]).toBe(pat.lo[b + 1]! - pat.lo[b]! - 8);
  });
});

describe('Lruvec.addHeadBlock', () => {
  it('links a block of frames exactly as addHead frame by frame does, on one node and on two', () => {
    for (const managed of [[4096], [2048, 2048]]) {
      const fa = new FrameTable(managed);
      const fb = new FrameTable(managed);
      const la = new Lruvec(3, fa);
      const lb = new Lruvec(3, fb);
      const blocks = [512, 0, 1536, 2560, 1024];
      blocks.forEach((first, i) => {
        // A few single pages between the blocks, and one removal, so the lists are mixed.
        const single = 3584 + i;
        la.addHead(0, single, i);
        lb.addHead(0, single, i);
        for (let f = first; f < first + 512; f++) la.addHead(0, f, 10 + i);
        lb.addHeadBlock(0, first, 512, 10 + i);
        la.remove(first + 100);
        lb.remove(first + 100);
      });
      const walk = (l: Lruvec, ft: FrameTable, at: number): number[] => {
        const out: number[] = [];
        for (let f = l.head[at]!; f >= 0; f = ft.next[f]!) out.push(f, ft.prev[f]!, ft.lv[f]!, ft.list[f]!, ft.time[f]!);
        return out;
      };
      for (let at = 0; at < la.head.length; at++) {
        expect(walk(lb, fb, at)).toEqual(walk(la, fa, at));
        expect(lb.tail[at]).toBe(la.tail[at]);
      }
      expect(Array.from(lb.nodeSize)).toEqual(Array.from(la.nodeSize));
      expect(Array.from(lb.size)).toEqual(Array.from(la.size));
    }
  });
});

describe('Lruvec.moveBlock', () => {
  const walkAll = (l: Lruvec, ft: FrameTable): number[][] =>
    Array.from({ length: l.head.length }, (_, at) => {
      const out: number[] = [l.tail[at]!];
      for (let f = l.head[at]!; f >= 0; f = ft.next[f]!) out.push(f, ft.prev[f]!, ft.lv[f]!, ft.list[f]!, ft.time[f]!);
      return out;
    });

  it('moves a run of subpages to the other node as remove + addHead page by page does, and refuses a broken run', () => {
    const setup = (): [FrameTable, Lruvec] => {
      const ft = new FrameTable([2048, 2048]);
      const l = new Lruvec(2, ft);
      l.addHead(1, 1500, 1);
      l.addHeadBlock(1, 512, 512, 2);
      l.addHead(1, 1501, 3);
      l.addHead(1, 2100, 4);
      // Subpages aged differently by reclaim's reference checks.
      for (let f = 512; f < 1024; f += 7) ft.time[f] = 5 + f / 1000;
      return [ft, l];
    };
    const [fa, la] = setup();
    const [fb, lb] = setup();
    for (let i = 0; i < 512; i++) {
      const time = fa.time[512 + i]!;
      la.remove(512 + i);
      la.addHead(1, 2560 + i, time);
    }
    expect(lb.moveBlock(512, 2560, 512)).toBe(true);
    expect(walkAll(lb, fb)).toEqual(walkAll(la, fa));
    expect(Array.from(lb.nodeSize)).toEqual(Array.from(la.nodeSize));
    expect(Array.from(lb.size)).toEqual(Array.from(la.size));
    for (let f = 512; f < 1024; f++) expect(fb.list[f]).toBe(fa.list[f]);

    const [fc2, lc] = setup();
    lc.remove(700);
    lc.addHead(1, 700, 9);
    expect(lc.moveBlock(512, 2560, 512)).toBe(false);
    expect(fc2.list[2560]).not.toBe(1);
  });
});
