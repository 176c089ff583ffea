import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameTable } from '../../../../src-sim/kernel/mm/frames';

/** The original design: each node's frames pre-linked base → base+1 → … on its free list, released frames pushed at the head. */
class LinkedReference {
  private readonly next: Int32Array;
  private readonly head: number[] = [];
  private readonly bases: number[] = [];
  constructor(per: readonly number[]) {
    const size = per.reduce((a, b) => a + b, 0);
    this.next = new Int32Array(size);
    let b = 0;
    for (const n of per) {
      for (let i = b; i < b + n; i++) this.next[i] = i + 1 < b + n ? i + 1 : -1;
      this.head.push(n > 0 ? b : -1);
      this.bases.push(b);
      b += n;
    }
    this.bases.push(size);
  }
  allocOn(node: number): number {
    const f = this.head[node]!;
    if (f < 0) return -1;
    this.head[node] = this.next[f]!;
    return f;
  }
  release(f: number): void {
    let node = 0;
    while (f >= this.bases[node + 1]!) node++;
    this.next[f] = this.head[node]!;
    this.head[node] = f;
  }
}

describe('FrameTable free frames', () => {
  it('hands out frames in the order of fully pre-linked per-node free lists, over random alloc/release sequences', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 300 }),
        (per, ops) => {
          const ft = new FrameTable(per);
          const ref = new LinkedReference(per);
          const held: number[] = [];
          for (const [alloc, pick] of ops) {
            if (alloc || held.length === 0) {
              const node = pick % per.length;
              const f = ft.allocOn(node);
              expect(f).toBe(ref.allocOn(node));
              if (f >= 0) held.push(f);
            } else {
              const [f] = held.splice(pick % held.length, 1);
              ft.release(f!);
              ref.release(f!);
            }
            expect(ft.nrFree).toBe(per.reduce((a, b) => a + b, 0) - held.length);
          }
        },
      ),
    );
  });
  it('returns -1 when every frame of the node is taken', () => {
    const ft = new FrameTable(2);
    expect([ft.alloc(), ft.alloc(), ft.alloc()]).toEqual([0, 1, -1]);
    ft.release(0);
    expect([ft.alloc(), ft.alloc()]).toEqual([0, -1]);
    const two = new FrameTable([1, 2]);
    expect([two.allocOn(0), two.allocOn(0), two.allocOn(1), two.allocOn(1), two.allocOn(1)]).toEqual([0, -1, 1, 2, -1]);
  });
});
