import { describe, expect, it } from 'vitest';
import { AccessPattern } from '../../../../src-sim/kernel/mm/access-pattern';
import type { Mm } from '../../../../src-sim/kernel/mm/mm';
import type { MemObject } from '../../../../src-sim/kernel/mm/objects';
import { Rng } from '../../../../src-sim/engine/rng';
import { baseScenario, flatMachine } from '../../../../src-sim/scenario/defaults';
import { bootMm } from './boot-mm';

const MiB = 1024 ** 2;

/** Fault `n` first touches into a fresh 4 MiB zipf object, by the general path or mapFreshAnon, then evict every third page. */
function fill(fast: boolean, n: number): { mm: Mm; o: MemObject } {
  const rig = bootMm(baseScenario({ machine: flatMachine(1, 64 * MiB), cgroups: [{ path: '/a', writes: [] }] }));
  const mm = rig.mm;
  const m = mm.memcgs[1]!;
  const o = mm.newObject(false, 1024, null);
  const pat = AccessPattern.zipf(1024, 0.9);
  o.setPattern(pat, 1000);
  const rng = new Rng(7, 0);
  for (let i = 0; i < n; i++) {
    const b = rng.int(0, pat.buckets - 1);
    if (o.nonres![b] === 0) continue;
    const p = o.pickNonResident(b, rng.next());
    expect(o.pickedNeverTouched(p)).toBe(true);
    if (fast) mm.mapFreshAnon(o, p, m);
    else mm.mapPage(o, p, m, true);
  }
  for (let p = 0; p < o.pages; p += 3) if (o.isResident(p)) mm.evictPage(o, p, o.frameOf(p), m);
  return { mm, o };
}

describe('first-touch anon fault fast path', () => {
  it('mapFreshAnon leaves the frame table, the object, the fault index and the counters as mapPage does', () => {
    const a = fill(false, 700);
    const b = fill(true, 700);
    expect(b.o.resident).toBe(a.o.resident);
    expect(b.o.resident).toBeGreaterThan(100);
    for (const k of ['obj', 'idx', 'prev', 'next', 'time', 'lv', 'list'] as const) {
      const bytes = (x: Mm): Buffer => Buffer.from(x.ft[k].buffer, x.ft[k].byteOffset, x.ft[k].byteLength);
      expect(bytes(b.mm).equals(bytes(a.mm)), k).toBe(true);
    }
    expect(Array.from(b.o.nonres!)).toEqual(Array.from(a.o.nonres!));
    expect(Array.from(b.o.nv!)).toEqual(Array.from(a.o.nv!));
    for (let p = 0; p < a.o.pages; p++) {
      expect(b.o.frameOf(p)).toBe(a.o.frameOf(p));
      expect(b.o.state[p]).toBe(a.o.state[p]);
      expect(b.o.posOf(p)).toBe(a.o.posOf(p));
    }
    const ma = a.mm.memcgs[1]!;
    const mb = b.mm.memcgs[1]!;
    expect([mb.anon, ...mb.ev]).toEqual([ma.anon, ...ma.ev]);
  });

  it('an evicted page remembers the memcg it left, and a resident one is charged to its frame lruvec', () => {
    const { mm, o } = fill(true, 400);
    let evicted = 0;
    for (let p = 0; p < o.pages; p++) {
      if (o.isResident(p)) expect(mm.ft.lv[o.frameOf(p)]).toBe(1);
      else if (o.state[p] !== 0) {
        evicted++;
        expect(o.evictedMemcg[p]).toBe(2);
      } else expect(o.evictedMemcg[p]).toBe(0);
    }
    expect(evicted).toBeGreaterThan(30);
  });
});
