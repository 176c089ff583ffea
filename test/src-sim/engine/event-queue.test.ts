import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src-sim/engine/engine';
import { QuaternaryHeap } from '../../../src-sim/engine/event-queue';

describe('QuaternaryHeap', () => {
  it('pops in (time, seq) order for any insertion order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 500 }), (times) => {
        const h = new QuaternaryHeap(4);
        times.forEach((t, i) => h.push(t, i, i));
        const out: number[] = [];
        while (h.size) out.push(h.pop());
        const expected = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[1]);
        expect(out).toEqual(expected);
      }),
    );
  });
});

describe('Engine', () => {
  it('runs events in time order, same-time events in scheduling order', () => {
    const e = new Engine();
    const seen: string[] = [];
    e.schedule(20, () => seen.push('b'));
    e.schedule(10, () => seen.push('a'));
    e.schedule(20, () => seen.push('c'));
    e.runUntil(100);
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(e.now).toBe(100);
  });

  it('cancel removes a pending event and a stale id cancels nothing', () => {
    const e = new Engine();
    const seen: number[] = [];
    const a = e.schedule(5, () => seen.push(1));
    e.cancel(a);
    e.runUntil(10);
    const b = e.schedule(20, () => seen.push(2));
    e.cancel(a); // a's slot was reused by b; must not cancel b
    e.runUntil(30);
    expect(seen).toEqual([2]);
    expect(e.isPending(b)).toBe(false);
  });

  it('stops a chunk after maxEvents and resumes where it left off', () => {
    const e = new Engine();
    let n = 0;
    for (let i = 0; i < 10; i++) e.schedule(i, () => n++);
    expect(e.runUntil(100, 4)).toBe(false);
    expect(n).toBe(4);
    expect(e.runUntil(100)).toBe(true);
    expect(n).toBe(10);
  });

  it('counts only events that ran against maxEvents (cancelled entries are free)', () => {
    const e = new Engine();
    const ran: number[] = [];
    for (let i = 0; i < 10; i++) {
      const id = e.schedule(i, () => ran.push(i));
      if (i % 2 === 0) e.cancel(id);
    }
    expect(e.runUntil(100, 3)).toBe(false);
    expect(ran).toEqual([1, 3, 5]);
    expect(e.runUntil(100, 2)).toBe(true);
    expect(ran).toEqual([1, 3, 5, 7, 9]);
    expect(e.now).toBe(100);
  });

  it('hands each handler the time it was scheduled at, and a stopped chunk resumes at the next event', () => {
    const e = new Engine();
    const seen: [number, number][] = [];
    const big = 2 ** 40 + 7; // a time above V8's small-integer range, as every time past ~1 s is
    e.schedule(big, (now) => {
      seen.push([now, e.now]);
      e.stop();
    });
    e.schedule(big + 1, (now) => seen.push([now, e.now]));
    expect(e.runUntil(big + 10)).toBe(false);
    expect(seen).toEqual([[big, big]]);
    expect(e.runUntil(big + 10)).toBe(true);
    expect(seen).toEqual([[big, big], [big + 1, big + 1]]);
  });

  it('refuses to schedule in the past, naming the subsystem and time', () => {
    const e = new Engine();
    e.runUntil(50);
    expect(() => e.schedule(10, () => undefined)).toThrow(/engine at t=50ns/);
  });
});
