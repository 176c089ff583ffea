import { describe, expect, it } from 'vitest';
import { Engine } from '../../../../src-sim/engine/engine';
import { OP_READ, OP_WRITE } from '../../../../src-sim/hw/block/model';
import type { ElevatorContext } from '../../../../src-sim/kernel/block/elevator';
import { MqDeadline } from '../../../../src-sim/kernel/block/mq-deadline';
import { Request } from '../../../../src-sim/kernel/block/request';

function ctx(): ElevatorContext {
  return { engine: new Engine(), kick: () => undefined, groupWeight: () => 100, rotational: true, deviceDepth: 1 };
}

function rq(op: 0 | 1, sector: number, nr = 8): Request {
  const r = new Request();
  r.op = op;
  r.sector = sector;
  r.nrSectors = nr;
  return r;
}

describe('mq-deadline (block/mq-deadline.c)', () => {
  it('has the kernel defaults in queue/iosched', () => {
    const dd = new MqDeadline(ctx(), 64);
    const t = dd.tunables;
    expect([t.read_expire!.read(), t.write_expire!.read(), t.writes_starved!.read(), t.fifo_batch!.read(), t.front_merges!.read()]).toEqual(['500', '5000', '2', '16', '1']);
    expect(t.async_depth!.read()).toBe('48');
  });

  it('dispatches a queued write after exactly writes_starved read batches under continuous reads (behaviour 31)', () => {
    const dd = new MqDeadline(ctx(), 1024);
    let now = 0;
    let next = 0;
    for (let i = 0; i < 64; i++) dd.insert(rq(OP_READ, (next += 8)), now);
    // One full read batch, then a write arrives at the batch boundary.
    for (let i = 0; i < 16; i++) {
      expect(dd.dispatch(now)!.op).toBe(OP_READ);
      dd.insert(rq(OP_READ, (next += 8)), now);
    }
    dd.insert(rq(OP_WRITE, 1_000_000), now);
    let readsBefore = 0;
    for (;;) {
      const r = dd.dispatch(now)!;
      now += 1e5;
      // Keep the read queue busy: every dispatched read is replaced by a new one ahead of the head.
      if (r.op === OP_READ) {
        readsBefore++;
        dd.insert(rq(OP_READ, (next += 8)), now);
      } else break;
    }
    expect(readsBefore).toBe(2 * 16);
  });

  it('serves a read older than read_expire at the next batch boundary, even behind the head (behaviour 31)', () => {
    const dd = new MqDeadline(ctx(), 1024);
    let now = 0;
    let next = 500_000;
    dd.insert(rq(OP_READ, next), now);
    expect(dd.dispatch(now)!.sector).toBe(500_000); // head is now at 500 008
    dd.insert(rq(OP_READ, 100), now); // behind the head: sector order never reaches it
    for (let i = 0; i < 40; i++) dd.insert(rq(OP_READ, (next += 8)), now);
    let servedAt = -1;
    let dispatches = 0;
    while (servedAt < 0 && dispatches < 10_000) {
      now += 20e6; // 20 ms per request
      const r = dd.dispatch(now)!;
      dispatches++;
      if (r.sector === 100) servedAt = now;
      else dd.insert(rq(OP_READ, (next += 8)), now);
    }
    // Expired at 500 ms; the batch in progress may finish (≤ fifo_batch more requests of 20 ms).
    expect(servedAt).toBeGreaterThan(500e6);
    expect(servedAt).toBeLessThanOrEqual(500e6 + 16 * 20e6);
  });

  it('clamps tunables like STORE_INT and refuses non-numbers with EINVAL', () => {
    const dd = new MqDeadline(ctx(), 64);
    dd.tunables.front_merges!.write('7');
    expect(dd.tunables.front_merges!.read()).toBe('1');
    expect(() => dd.tunables.fifo_batch!.write('lots')).toThrow(/Invalid argument/);
  });
});
