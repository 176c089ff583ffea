import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarQueue } from '../../../src-sim/engine/calendar-queue';
import { Engine } from '../../../src-sim/engine/engine';
import { QuaternaryHeap } from '../../../src-sim/engine/event-queue';

type Op = { push: number } | { pop: true };

/** Apply ops to a queue; return the popped slots in order. Pushes get seq = slot = op index. */
function replay(q: { push(t: number, s: number, sl: number): void; pop(): number; peekTime(): number; peekSlot(): number; readonly headTime: number; size: number }, ops: Op[]): [number, number][] {
  const out: [number, number][] = [];
  // peekSlot names the entry pop() removes next and its time (the engine's loop uses both).
  const popChecked = (): void => {
    const t = q.peekTime();
    const s = q.peekSlot();
    const sl = q.pop();
    if (s !== sl || q.headTime !== t) throw new Error(`peekSlot ${s} (headTime ${q.headTime}) but pop ${sl} at time ${t}`);
    out.push([t, sl]);
  };
  ops.forEach((op, i) => {
    if ('push' in op) q.push(op.push, i, i);
    else if (q.size) popChecked();
  });
  while (q.size) popChecked();
  if (q.peekSlot() !== -1) throw new Error('peekSlot of an empty queue is not -1');
  return out;
}

// Times from several regimes: clumps at one instant, dense small values,
// huge values near 2^53, so every bucket-width regime is crossed.
const time = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 100 }),
  fc.integer({ min: 0, max: 1e9 }),
  fc.integer({ min: 2 ** 50, max: 2 ** 52 }),
);
const ops = fc.array(fc.oneof({ weight: 3, arbitrary: time.map((t) => ({ push: t })) }, { weight: 2, arbitrary: fc.constant({ pop: true as const }) }), {
  maxLength: 3000,
});

describe('CalendarQueue', () => {
  it('pops in exactly the (time, seq) order of a binary heap for any push/pop sequence', () => {
    fc.assert(
      fc.property(ops, (o) => {
        expect(replay(new CalendarQueue(4), o)).toEqual(replay(new QuaternaryHeap(4), o));
      }),
      { numRuns: 150 },
    );
  });

  it('keeps the order through a hold model whose delay distribution shifts by 10^6', () => {
    const q = new CalendarQueue();
    const h = new QuaternaryHeap();
    let x = 12345;
    const rand = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let seq = 0;
    for (let i = 0; i < 2000; i++) {
      const t = Math.floor(rand() * 1000);
      q.push(t, seq, seq);
      h.push(t, seq, seq);
      seq++;
    }
    let mismatches = 0;
    for (let i = 0; i < 200_000; i++) {
      const scale = i < 100_000 ? 1000 : 1e9;
      if (q.peekTime() !== h.peekTime()) mismatches++;
      const now = q.peekTime();
      if (q.pop() !== h.pop()) mismatches++;
      const t = now + Math.floor(rand() * scale);
      q.push(t, seq, seq);
      h.push(t, seq, seq);
      seq++;
    }
    expect(mismatches).toBe(0);
  });

  it('is the Engine default and runs same-time events in scheduling order', () => {
    const e = new Engine();
    expect(e['queue']).toBeInstanceOf(CalendarQueue);
    const seen: number[] = [];
    for (let i = 0; i < 5000; i++) e.schedule(1000 * (i % 7), () => seen.push(i));
    e.runUntil(1e6);
    const expected = Array.from({ length: 5000 }, (_, i) => i).sort((a, b) => (a % 7) - (b % 7) || a - b);
    expect(seen).toEqual(expected);
  });
});
