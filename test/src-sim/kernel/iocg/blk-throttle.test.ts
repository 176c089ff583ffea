import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../../src-sim/engine/engine';
import { ThrotlData, type ThrotlNode, type Throttled } from '../../../../src-sim/kernel/iocg/blk-throttle';
import { READ, WRITE, type Rw } from '../../../../src-sim/kernel/iocg/throtl-grp';

const HZ = 1000;
const MiB = 1024 * 1024;

interface Item extends Throttled {
  issuedAt: number;
}

/** A device queue that completes instantly: what reaches it is what blk-throttle let through. */
function setup() {
  const engine = new Engine();
  const issued: Item[] = [];
  const td = new ThrotlData<Item>(engine, HZ, (it) => {
    it.issuedAt = engine.now;
    issued.push(it);
  });
  const submit = (node: ThrotlNode<Item>, rw: Rw, bytes: number): Item => {
    const it: Item = { bytes, rw, bpsCharged: false, issuedAt: -1 };
    if (td.submit(node, it)) {
      it.issuedAt = engine.now;
      issued.push(it);
    }
    return it;
  };
  return { engine, td, issued, submit };
}

/** A task that keeps one bio in flight: submits the next as soon as the previous one passes. */
function closedLoop(s: ReturnType<typeof setup>, node: ThrotlNode<Item>, rw: Rw, bytes: number | (() => number), untilNs: number): Item[] {
  const mine: Item[] = [];
  const next = (): void => {
    if (s.engine.now >= untilNs) return;
    const it = s.submit(node, rw, typeof bytes === 'number' ? bytes : bytes());
    mine.push(it);
    if (it.issuedAt >= 0) s.engine.after(0, next);
    else {
      const poll = (): void => {
        if (it.issuedAt >= 0) next();
        else s.engine.after(1e6, poll);
      };
      s.engine.after(1e6, poll);
    }
  };
  next();
  return mine;
}

describe('blk-throttle (io.max)', () => {
  it('a 4 MiB direct read under rbps=1048576 takes about 4 s', () => {
    const s = setup();
    const tg = s.td.newNode('/backup', null);
    s.td.configure(tg, (g) => (g.bps[READ] = MiB));
    const it = s.submit(tg, READ, 4 * MiB);
    s.engine.runUntil(10e9);
    expect(it.issuedAt / 1e9).toBeCloseTo(4.0, 1);
  });

  it('the first slice’s budget (≤100 ms worth) passes at once', () => {
    const s = setup();
    const tg = s.td.newNode('/backup', null);
    s.td.configure(tg, (g) => (g.bps[READ] = MiB));
    const first = s.submit(tg, READ, Math.floor(MiB / 10));
    const second = s.submit(tg, READ, 4096);
    expect(first.issuedAt).toBe(0);
    expect(second.issuedAt).toBe(-1);
  });

  it('4 MiB read as four 1 MiB bios also ends at about 4 s', () => {
    const s = setup();
    const tg = s.td.newNode('/backup', null);
    s.td.configure(tg, (g) => (g.bps[READ] = MiB));
    const items = closedLoop(s, tg, READ, MiB, 3.5e9);
    s.engine.runUntil(10e9);
    expect(items).toHaveLength(4);
    expect(items[3]!.issuedAt / 1e9).toBeCloseTo(4.0, 1);
  });

  it('wiops=120 keeps every 1 s window at or under 120 writes, 120/s over 10 s', () => {
    const s = setup();
    const tg = s.td.newNode('/db', null);
    s.td.configure(tg, (g) => (g.iops[WRITE] = 120));
    const items = closedLoop(s, tg, WRITE, 4096, 10e9);
    s.engine.runUntil(10e9);
    const done = items.filter((i) => i.issuedAt >= 0 && i.issuedAt < 10e9);
    for (let w = 0; w < 10; w++) {
      const n = done.filter((i) => i.issuedAt >= w * 1e9 && i.issuedAt < (w + 1) * 1e9).length;
      expect(n).toBeLessThanOrEqual(120);
    }
    expect(done.length / 10).toBeGreaterThan(120 * 0.97);
  });

  it('with rbps and riops both set the tighter one wins', () => {
    // 4 KiB reads: riops=10 binds (bps would allow 256/s).
    const a = setup();
    const ta = a.td.newNode('/a', null);
    a.td.configure(ta, (g) => {
      g.bps[READ] = MiB;
      g.iops[READ] = 10;
    });
    const ia = closedLoop(a, ta, READ, 4096, 10e9);
    a.engine.runUntil(10e9);
    expect(ia.filter((i) => i.issuedAt >= 0).length / 10).toBeCloseTo(10, 0);
    // 1 MiB reads: rbps binds (iops would allow 100/s).
    const b = setup();
    const tb = b.td.newNode('/b', null);
    b.td.configure(tb, (g) => {
      g.bps[READ] = MiB;
      g.iops[READ] = 100;
    });
    const ib = closedLoop(b, tb, READ, MiB, 10e9);
    b.engine.runUntil(10e9);
    const rate = ib.filter((i) => i.issuedAt >= 0 && i.issuedAt <= 10e9).length / 10;
    expect(rate).toBeGreaterThan(0.9);
    expect(rate).toBeLessThanOrEqual(1.1);
  });

  it('v2 limits are hierarchical: two children under a 2 MiB/s parent share 2 MiB/s', () => {
    const s = setup();
    const parent = s.td.newNode('/p', null);
    const c1 = s.td.newNode('/p/a', parent);
    const c2 = s.td.newNode('/p/b', parent);
    s.td.configure(parent, (g) => (g.bps[WRITE] = 2 * MiB));
    const i1 = closedLoop(s, c1, WRITE, 64 * 1024, 10e9);
    const i2 = closedLoop(s, c2, WRITE, 64 * 1024, 10e9);
    s.engine.runUntil(10e9);
    const bytes = [...i1, ...i2].filter((i) => i.issuedAt >= 0 && i.issuedAt <= 10e9).reduce((a, i) => a + i.bytes, 0);
    expect(bytes / 10 / MiB).toBeGreaterThan(1.9);
    expect(bytes / 10 / MiB).toBeLessThan(2.1);
  });

  it('long-run throughput converges on the limit for any bio size mix (property over seeds)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 256 * 1024, max: 8 * MiB }), (seed, bps) => {
        let x = seed;
        const size = (): number => {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          return 4096 * (1 + (x % 64));
        };
        const s = setup();
        const tg = s.td.newNode('/g', null);
        s.td.configure(tg, (g) => (g.bps[WRITE] = bps));
        const items = closedLoop(s, tg, WRITE, size, 8e9);
        s.engine.runUntil(8e9);
        const bytes = items.filter((i) => i.issuedAt >= 0 && i.issuedAt <= 8e9).reduce((a, i) => a + i.bytes, 0);
        // Over 8 s at most one extra slice's worth plus one bio; at least 97 % less the bio still waiting.
        expect(bytes).toBeLessThanOrEqual(bps * 8 + bps / 10 + 256 * 1024);
        expect(bytes).toBeGreaterThanOrEqual(bps * 8 * 0.97 - 256 * 1024);
      }),
      { numRuns: 25 },
    );
  });

  it('a raised limit takes effect for bios already waiting (carryover keeps earned budget)', () => {
    const s = setup();
    const tg = s.td.newNode('/g', null);
    s.td.configure(tg, (g) => (g.bps[READ] = MiB));
    const it = s.submit(tg, READ, 8 * MiB);
    s.engine.runUntil(1e9);
    s.td.configure(tg, (g) => (g.bps[READ] = 8 * MiB));
    s.engine.runUntil(10e9);
    // 1 s earned 1 MiB at the old rate; the remaining 7 MiB at 8 MiB/s take ≈0.875 s.
    expect(it.issuedAt / 1e9).toBeGreaterThan(1.7);
    expect(it.issuedAt / 1e9).toBeLessThan(2.1);
  });
});
