import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameTable, HPAGE_PMD_NR } from '../../../../src-sim/kernel/mm/frames';

/** Two nodes of 4 blocks each; every frame of node 0 and the first 700 of node 1 handed out, then `freed` released one by one. */
function table(freed: readonly number[]): { ft: FrameTable; held: Set<number> } {
  const ft = new FrameTable([4 * HPAGE_PMD_NR, 4 * HPAGE_PMD_NR]);
  const held = new Set<number>();
  for (let i = 0; i < 4 * HPAGE_PMD_NR; i++) held.add(ft.allocOn(0));
  for (let i = 0; i < 700; i++) held.add(ft.allocOn(1));
  for (const f of freed) {
    if (!held.has(f)) continue;
    ft.release(f);
    held.delete(f);
  }
  return { ft, held };
}

/** Every field a release or a block take writes, and the order the frames are handed out in from here (drains the table). */
function snapshot(ft: FrameTable): unknown {
  const links = { prev: [...ft.prev], next: [...ft.next] };
  const order: number[][] = [0, 1].map((n) => {
    const out: number[] = [];
    for (let f = ft.allocOn(n); f >= 0; f = ft.allocOn(n)) out.push(f);
    return out;
  });
  return { ...links, obj: [...ft.obj], list: [...ft.list], blockFree: [...ft.blockFree], freeBlocks: [...ft.freeBlocks], nrFreeNode: [...ft.nrFreeNode], nrFree: ft.nrFree, order };
}

const someFrames = fc.array(fc.integer({ min: 0, max: 4 * HPAGE_PMD_NR + 699 }), { maxLength: 60 });

describe('FrameTable runs (a migrated huge page: its source block freed as a run, its target block taken as a run)', () => {
  it('releaseRun(lo, n) leaves the table as release(lo) … release(lo + n − 1) does, blocks and node boundary included', () => {
    fc.assert(
      fc.property(someFrames, fc.integer({ min: 0, max: 4 * HPAGE_PMD_NR + 699 }), fc.integer({ min: 1, max: 1200 }), (freed, lo0, len) => {
        const a = table(freed);
        const b = table(freed);
        // The longest run from lo0 of frames still held (release() of a free frame is not a thing callers do).
        let n = 0;
        while (n < len && a.held.has(lo0 + n)) n++;
        a.ft.releaseRun(lo0, n);
        for (let f = lo0; f < lo0 + n; f++) b.ft.release(f);
        expect(snapshot(a.ft)).toEqual(snapshot(b.ft));
      }),
      { numRuns: 60 },
    );
  });

  it('a wholly free block taken by allocBlock leaves the free order without exactly its frames, however it was freed', () => {
    fc.assert(
      fc.property(someFrames, fc.integer({ min: 0, max: 3 }), fc.boolean(), (freed, block, asRun) => {
        const make = (): FrameTable => {
          const { ft } = table(freed.filter((f) => f >> 9 !== block));
          const lo = block * HPAGE_PMD_NR;
          // The block freed as the run a huge page's migration leaves, or frame by frame from its end (not one run on the list).
          if (asRun) ft.releaseRun(lo, HPAGE_PMD_NR);
          else for (let f = lo + HPAGE_PMD_NR - 1; f >= lo; f--) ft.release(f);
          return ft;
        };
        const before = make();
        const order: number[] = [];
        for (let f = before.allocOn(0); f >= 0; f = before.allocOn(0)) order.push(f);
        const ft = make();
        expect(ft.freeBlocks[0]).toBe(1);
        const first = ft.allocBlock(0);
        expect(first).toBe(block * HPAGE_PMD_NR);
        for (let f = first; f < first + HPAGE_PMD_NR; f++) {
          expect(ft.obj[f]).toBe(-2);
          expect([ft.prev[f], ft.next[f]]).toEqual([-1, -1]);
        }
        expect(ft.nrFreeNode[0]).toBe(order.length - HPAGE_PMD_NR);
        // The list stays doubly linked: each free frame's successor and predecessor point back to it.
        for (let f = 0; f < 4 * HPAGE_PMD_NR; f++) {
          if (ft.obj[f] !== -1) continue;
          if (ft.next[f]! >= 0) expect(ft.prev[ft.next[f]!]).toBe(f);
          if (ft.prev[f]! >= 0) expect(ft.next[ft.prev[f]!]).toBe(f);
        }
        const after: number[] = [];
        for (let f = ft.allocOn(0); f >= 0; f = ft.allocOn(0)) after.push(f);
        expect(after).toEqual(order.filter((f) => f < first || f >= first + HPAGE_PMD_NR));
      }),
      { numRuns: 40 },
    );
  });
});
