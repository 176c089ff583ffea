import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src-sim/engine/rng';
import { FaultMap } from '../../../../src-sim/hw/block/faults';
import { FlashModel } from '../../../../src-sim/hw/block/flash';
import { HddModel } from '../../../../src-sim/hw/block/hdd';
import { OP_FLUSH, OP_READ, OP_WRITE, type OpCode } from '../../../../src-sim/hw/block/model';
import { LatencyBandwidthModel } from '../../../../src-sim/hw/block/simple';
import { diskSpec } from '../../kernel/block/harness';

const TB = 1e12;

describe('hdd model', () => {
  it('averages seek + half a revolution for random 4 KiB reads (8.5 ms + 4.17 ms at 7200 rpm)', () => {
    const spec = diskSpec({ name: 'sda', type: 'hdd', sizeBytes: TB });
    const m = new HddModel(spec, new Rng(3));
    const rng = new Rng(4);
    const sectors = TB / 512;
    let now = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) now = m.service(OP_READ, Math.floor(rng.next() * sectors), 4096, false, now);
    expect(now / n / 1e6).toBeGreaterThan(12.67 * 0.95);
    expect(now / n / 1e6).toBeLessThan(12.67 * 1.05);
  });

  it('streams at the zoned rate: ≈200 MB/s on outer tracks, ≈100 MB/s on inner', () => {
    const spec = diskSpec({ name: 'sda', type: 'hdd', sizeBytes: TB });
    const rate = (start: number): number => {
      const m = new HddModel(spec, new Rng(1));
      let now = m.service(OP_READ, start, 4096, false, 0);
      const t0 = now;
      for (let i = 1; i <= 100; i++) now = m.service(OP_READ, start + 8 + (i - 1) * 2048, 1 << 20, false, now);
      return (100 * (1 << 20)) / ((now - t0) / 1e9) / 1e6;
    };
    expect(rate(0)).toBeCloseTo(200, -1);
    expect(rate(TB / 512 - 300_000)).toBeCloseTo(100, -1);
  });
});

describe('flash models', () => {
  it('serves a lone 4 KiB NVMe read in read latency + one page at channel speed (≈70 µs)', () => {
    const m = new FlashModel(diskSpec({ name: 'nvme0n1', type: 'nvme', params: { lat_cv: 0 } }), 'nvme', 8, new Rng(1));
    const done = m.service(OP_READ, 0, 4096, false, 0);
    expect(done / 1e3).toBeCloseTo(60 + 4096 / 400, 0);
  });

  it('varies a lone command\'s latency around its mean at queue depth 1 (lat_cv 0.15: NAND page types, firmware)', () => {
    for (const [type, lat, chanMBps] of [['nvme', 60e3, 400], ['ssd', 90e3, 200]] as const) {
      const m = new FlashModel(diskSpec({ name: 'd', type }), type, 8, new Rng(3));
      const xs: number[] = [];
      let now = 0;
      for (let i = 0; i < 20_000; i++) {
        const done = m.service(OP_READ, i * 997 * 8, 4096, false, now);
        xs.push(done - now);
        now = done + 1000;
      }
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
      // The latency part keeps its mean (the page transfer is fixed) and has a standard deviation of 15 % of it (±5 %).
      expect(Math.abs(mean - (lat + (4096 / (chanMBps * 1e6)) * 1e9))).toBeLessThan(lat * 0.01);
      expect(sd / lat).toBeGreaterThan(0.15 * 0.95);
      expect(sd / lat).toBeLessThan(0.15 * 1.05);
    }
    const fixed = new FlashModel(diskSpec({ name: 'd', type: 'nvme', params: { lat_cv: 0 } }), 'nvme', 8, new Rng(3));
    expect(fixed.service(OP_READ, 0, 4096, false, 0)).toBe(fixed.service(OP_READ, 8000, 4096, false, 1e6) - 1e6);
  });

  it('varies writes by write_lat_cv when set (reads keep lat_cv); without it, draws exactly as before', () => {
    const spread = (params: Record<string, number>, op: OpCode): number => {
      const m = new FlashModel(diskSpec({ name: 'd', type: 'nvme', params }), 'nvme', 8, new Rng(5));
      const xs: number[] = [];
      let now = 0;
      for (let i = 0; i < 20_000; i++) {
        const done = m.service(op, i * 997 * 8, 4096, false, now);
        xs.push(done - now);
        now = done + 1000;
      }
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    };
    // nvme write latency 20 µs: sd = cv × 20 µs (±5 %); reads at 60 µs keep lat_cv 0.1.
    expect(spread({ lat_cv: 0.1, write_lat_cv: 0.3 }, OP_WRITE) / 20e3).toBeGreaterThan(0.3 * 0.95);
    expect(spread({ lat_cv: 0.1, write_lat_cv: 0.3 }, OP_WRITE) / 20e3).toBeLessThan(0.3 * 1.05);
    expect(spread({ lat_cv: 0.1, write_lat_cv: 0.3 }, OP_READ) / 60e3).toBeCloseTo(0.1, 2);
    const a = new FlashModel(diskSpec({ name: 'd', type: 'nvme', params: { lat_cv: 0.3 } }), 'nvme', 8, new Rng(7));
    const b = new FlashModel(diskSpec({ name: 'd', type: 'nvme', params: { lat_cv: 0.3, write_lat_cv: 0.3 } }), 'nvme', 8, new Rng(7));
    for (let i = 0; i < 100; i++) expect(a.service(i % 2 ? OP_WRITE : OP_READ, i * 8, 4096, false, i * 1e6)).toBe(b.service(i % 2 ? OP_WRITE : OP_READ, i * 8, 4096, false, i * 1e6));
  });

  it('caps NVMe 4 KiB random-read IOPS near channels / latency and scales below it', () => {
    const m = new FlashModel(diskSpec({ name: 'nvme0n1', type: 'nvme', params: { lat_cv: 0 } }), 'nvme', 8, new Rng(1));
    const rng = new Rng(9);
    // 1M reads all issued at t=0: completion of the last bounds the IOPS.
    let end = 0;
    for (let i = 0; i < 200_000; i++) end = Math.max(end, m.service(OP_READ, Math.floor(rng.next() * 1e8) * 8, 4096, false, 0));
    const iops = 200_000 / (end / 1e9);
    expect(iops).toBeLessThanOrEqual(64 / 70.24e-6);
    expect(iops).toBeGreaterThan(0.9 * (64 / 70.24e-6));
  });

  it('writes to a USB stick at its write bandwidth (8 MB/s) and reads at 30 MB/s', () => {
    const m = new LatencyBandwidthModel(diskSpec({ name: 'sdc', type: 'usb' }), 'usb', new Rng(1));
    let now = 0;
    for (let i = 0; i < 64; i++) now = m.service(OP_WRITE, i * 2048, 1 << 20, false, now);
    expect((64 * (1 << 20)) / (now / 1e9) / 1e6).toBeGreaterThan(8 * 0.97);
    expect((64 * (1 << 20)) / (now / 1e9) / 1e6).toBeLessThan(8);
    const r = new LatencyBandwidthModel(diskSpec({ name: 'sdc', type: 'usb' }), 'usb', new Rng(1));
    now = 0;
    for (let i = 0; i < 64; i++) now = r.service(OP_READ, i * 2048, 1 << 20, false, now);
    expect((64 * (1 << 20)) / (now / 1e9) / 1e6).toBeGreaterThan(30 * 0.95);
  });

  it('makes a flush wait for every request in flight on the device', () => {
    const m = new LatencyBandwidthModel(diskSpec({ name: 'vda', type: 'virtio', params: { lat_cv: 0 } }), 'virtio', new Rng(1));
    const w = m.service(OP_WRITE, 0, 1 << 20, false, 0);
    expect(m.service(OP_FLUSH, 0, 0, false, 0)).toBe(w + 200_000);
  });

  it('rejects a non-numeric parameter naming the device and key', () => {
    expect(() => new FlashModel(diskSpec({ name: 'nvme0n1', type: 'nvme', params: { channels: 'many' } }), 'nvme', 4, new Rng(1))).toThrow(
      'machine.devices[nvme0n1].params.channels: expected a number in [1, 4096], got "many"',
    );
  });
});

describe('fault injection', () => {
  it('fails exactly the I/O of the faulty direction that touches a bad range (start and end inclusive)', () => {
    fc.assert(
      fc.property(
        fc.nat(10_000), fc.integer({ min: 1, max: 1000 }), fc.nat(12_000), fc.integer({ min: 1, max: 256 }), fc.constantFrom('read', 'write', 'both' as const),
        (start, len, sector, nr, op) => {
          const f = new FaultMap(diskSpec({ name: 'sda', type: 'hdd', badSectors: [{ start, end: start + len - 1, op }] }));
          const overlaps = sector < start + len && sector + nr > start;
          expect(f.fails(OP_READ, sector, nr)).toBe(overlaps && op !== 'write');
          expect(f.fails(OP_WRITE, sector, nr)).toBe(overlaps && op !== 'read');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takes a single-sector range (start == end) as that one sector', () => {
    const f = new FaultMap(diskSpec({ name: 'sda', type: 'hdd', badSectors: [{ start: 5, end: 5, op: 'both' }] }));
    expect([f.fails(OP_READ, 4, 1), f.fails(OP_READ, 5, 1), f.fails(OP_WRITE, 0, 6), f.fails(OP_WRITE, 6, 8)]).toEqual([false, true, true, false]);
  });

  it('fails everything once the controller has failed', () => {
    const f = new FaultMap(diskSpec({ name: 'sda', type: 'hdd' }));
    f.controllerFailed = true;
    expect(f.fails(OP_READ, 0, 8) && f.fails(OP_WRITE, 123, 8) && f.fails(OP_FLUSH, 0, 0)).toBe(true);
  });
});
