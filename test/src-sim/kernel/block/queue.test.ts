import { describe, expect, it } from 'vitest';
import { REQ_FUA, REQ_PREFLUSH } from '../../../../src-sim/kernel/block/bio';
import { blockKernel, diskSpec, submit } from './harness';

const diskstats = (text: string, name: string): number[] => {
  const line = text.split('\n').find((l) => l.trim().split(/\s+/)[2] === name)!;
  return line.trim().split(/\s+/).slice(3).map(Number);
};

describe('nr_requests (block/blk-mq-sched.c, behaviour 32)', () => {
  it('is 2 × min(queue_depth, 128) with a scheduler and the tag depth without one', () => {
    const { k } = blockKernel([
      diskSpec({ name: 'sda', type: 'hdd', params: { queue_depth: 32 } }),
      diskSpec({ name: 'sdb', type: 'ssd', minor: 16, params: { queue_depth: 128 } }),
      diskSpec({ name: 'sdc', type: 'ssd', minor: 32, params: { queue_depth: 254 } }),
      diskSpec({ name: 'nvme0n1', type: 'nvme', major: 259 }),
    ]);
    const nr = (d: string): string => k.vfs.read(`/sys/block/${d}/queue/nr_requests`);
    expect([nr('sda'), nr('sdb'), nr('sdc'), nr('nvme0n1')]).toEqual(['64\n', '256\n', '256\n', '1023\n']);
    k.vfs.write('/sys/block/sda/queue/scheduler', 'none');
    expect(nr('sda')).toBe('32\n');
    k.vfs.write('/sys/block/nvme0n1/queue/scheduler', 'mq-deadline');
    expect(nr('nvme0n1')).toBe('256\n');
  });

  it('lets device/queue_depth lower the SCSI device depth (NCQ off) without changing nr_requests', () => {
    const { k } = blockKernel([diskSpec({ name: 'sda', type: 'hdd' })]);
    k.vfs.write('/sys/block/sda/device/queue_depth', '1');
    expect(k.vfs.read('/sys/block/sda/device/queue_depth')).toBe('1\n');
    expect(k.vfs.read('/sys/block/sda/queue/nr_requests')).toBe('64\n');
    expect(() => k.vfs.write('/sys/block/sda/device/queue_depth', '64')).toThrow(/EINVAL/);
    const sda = k.block!.byName('sda')!;
    for (let i = 0; i < 4; i++) submit(k, sda, 'read', i * 100_000, 4096);
    k.engine.runUntil(0);
    expect(k.vfs.read('/sys/block/sda/inflight')).toBe('       1        0\n');
  });

  it('keeps 2 × AHCI_MAX_CMDS = 64 scheduler requests on a SATA disk declared with NCQ off (params.queue_depth 1), dispatching one at a time', () => {
    const { k, block } = blockKernel([diskSpec({ name: 'sda', type: 'hdd', params: { queue_depth: 1 } }), diskSpec({ name: 'sdb', type: 'ssd', minor: 16, params: { queue_depth: 1 } })]);
    expect(k.vfs.read('/sys/block/sda/queue/nr_requests')).toBe('64\n');
    expect(k.vfs.read('/sys/block/sdb/queue/nr_requests')).toBe('64\n');
    expect(k.vfs.read('/sys/block/sda/device/queue_depth')).toBe('1\n');
    const sda = k.block!.byName('sda')!;
    for (let i = 0; i < 40; i++) submit(k, sda, 'read', i * 100_000, 4096);
    k.engine.runUntil(0);
    expect(k.vfs.read('/sys/block/sda/inflight')).toBe('       1        0\n');
    expect(block.diskByName('sda')!.queuedInElevator).toBe(39);
  });

  it('raises writes below BLKDEV_MIN_RQ to 4 and refuses depths beyond the tags with EINVAL', () => {
    const { k } = blockKernel([diskSpec({ name: 'sda', type: 'hdd' }), diskSpec({ name: 'nvme0n1', type: 'nvme', major: 259 })]);
    k.vfs.write('/sys/block/sda/queue/nr_requests', '1');
    expect(k.vfs.read('/sys/block/sda/queue/nr_requests')).toBe('4\n');
    expect(() => k.vfs.write('/sys/block/sda/queue/nr_requests', '4096')).toThrow('/sys/block/sda/queue/nr_requests: Invalid argument (EINVAL)');
    expect(() => k.vfs.write('/sys/block/nvme0n1/queue/nr_requests', '2000')).toThrow(/Invalid argument \(EINVAL\)/);
  });
});

describe('queue/scheduler', () => {
  it('prints the 6.x elv_iosched_show format and defaults to mq-deadline for single-queue and none for NVMe', () => {
    const { k } = blockKernel([diskSpec({ name: 'sda', type: 'hdd' }), diskSpec({ name: 'nvme0n1', type: 'nvme', major: 259 })]);
    expect(k.vfs.read('/sys/block/sda/queue/scheduler')).toBe('none [mq-deadline] kyber bfq \n');
    expect(k.vfs.read('/sys/block/nvme0n1/queue/scheduler')).toBe('[none] mq-deadline kyber bfq \n');
    k.vfs.write('/sys/block/sda/queue/scheduler', 'bfq\n');
    expect(k.vfs.read('/sys/block/sda/queue/scheduler')).toBe('none mq-deadline kyber [bfq] \n');
    expect(k.vfs.read('/sys/block/sda/queue/iosched/slice_idle')).toBe('8\n');
    expect(k.vfs.read('/sys/block/sda/queue/iosched/low_latency')).toBe('1\n');
    expect(k.vfs.read('/sys/block/sda/queue/iosched/timeout_sync')).toBe('125\n');
    expect(k.vfs.exists('/sys/block/sda/queue/iosched/read_expire')).toBe(false);
    k.vfs.write('/sys/block/sda/queue/scheduler', 'kyber');
    expect(k.vfs.read('/sys/block/sda/queue/iosched/read_lat_nsec')).toBe('2000000\n');
    expect(k.vfs.read('/sys/block/sda/queue/iosched/write_lat_nsec')).toBe('10000000\n');
    expect(() => k.vfs.write('/sys/block/sda/queue/scheduler', 'cfq')).toThrow(
      '/sys/block/sda/queue/scheduler: Invalid argument (EINVAL): elevator "cfq" not found',
    );
  });
});

describe('merging, splitting, plugging', () => {
  it('merges sequential bios in a plug into one request and counts the merges', () => {
    const { k } = blockKernel([diskSpec({ name: 'sda', type: 'hdd' })]);
    const sda = k.block!.byName('sda')!;
    k.block!.startPlug!();
    const recs = Array.from({ length: 8 }, (_, i) => submit(k, sda, 'write', 1000 + i * 8, 4096));
    k.block!.finishPlug!();
    k.engine.runUntil(1e9);
    expect(recs.every((r) => r.done && r.status === 0)).toBe(true);
    const f = diskstats(k.vfs.read('/proc/diskstats'), 'sda');
    expect([f[4], f[5], f[6]]).toEqual([1, 7, 64]); // writes completed, merged, sectors
  });

  it('back-merges bios queued behind a busy device in the elevator', () => {
    const { k } = blockKernel([diskSpec({ name: 'sda', type: 'hdd', params: { queue_depth: 1 } })]);
    k.vfs.write('/sys/block/sda/queue/nr_requests', '64');
    const sda = k.block!.byName('sda')!;
    for (let i = 0; i < 16; i++) submit(k, sda, 'read', 5000 + i * 8, 4096);
    k.engine.runUntil(1e9);
    const f = diskstats(k.vfs.read('/proc/diskstats'), 'sda');
    expect([f[0], f[1], f[2]]).toEqual([2, 14, 128]);
  });

  it('front-merges only while front_merges=1, and merges nothing with nomerges=2', () => {
    const merged = (setup: (w: (p: string, v: string) => void) => void): number => {
      const { k } = blockKernel([diskSpec({ name: 'sda', type: 'hdd', params: { queue_depth: 1 } })]);
      k.vfs.write('/sys/block/sda/queue/nr_requests', '64');
      setup((p, v) => k.vfs.write(`/sys/block/sda/queue/${p}`, v));
      const sda = k.block!.byName('sda')!;
      submit(k, sda, 'read', 0, 4096); // occupies the disk
      for (let i = 15; i >= 1; i--) submit(k, sda, 'read', 100_000 + i * 8, 4096); // descending: front merges
      k.engine.runUntil(1e9);
      return diskstats(k.vfs.read('/proc/diskstats'), 'sda')[1]!;
    };
    expect(merged(() => undefined)).toBe(14);
    expect(merged((w) => w('iosched/front_merges', '0'))).toBe(0);
    expect(merged((w) => w('nomerges', '2'))).toBe(0);
  });

  it('splits a bio larger than max_sectors_kb and completes the bio once', () => {
    const { k } = blockKernel([diskSpec({ name: 'nvme0n1', type: 'nvme', major: 259 })]);
    expect(k.vfs.read('/sys/block/nvme0n1/queue/max_sectors_kb')).toBe('128\n');
    let completions = 0;
    submit(k, k.block!.byName('nvme0n1')!, 'read', 0, 4 << 20, { onDone: () => completions++ });
    k.engine.runUntil(1e9);
    expect(completions).toBe(1);
    expect(diskstats(k.vfs.read('/proc/diskstats'), 'nvme0n1').slice(0, 3)).toEqual([32, 0, 8192]);
  });

  it('refuses max_sectors_kb above max_hw_sectors_kb', () => {
    const { k } = blockKernel([diskSpec({ name: 'nvme0n1', type: 'nvme', major: 259 })]);
    expect(() => k.vfs.write('/sys/block/nvme0n1/queue/max_sectors_kb', '256')).toThrow(/EINVAL/);
    k.vfs.write('/sys/block/nvme0n1/queue/max_sectors_kb', '64');
    expect(k.vfs.read('/sys/block/nvme0n1/queue/max_sectors_kb')).toBe('64\n');
  });
});

describe('flush and FUA (block/blk-flush.c)', () => {
  it('completes an empty flush at once and strips FUA on a write-through device', () => {
    const { k } = blockKernel([diskSpec({ name: 'sda', type: 'hdd' })]);
    k.vfs.write('/sys/block/sda/queue/write_cache', 'write through');
    const sda = k.block!.byName('sda')!;
    const fl = submit(k, sda, 'flush', 0, 0, { flags: REQ_PREFLUSH });
    k.engine.runUntil(0);
    expect(fl.done && fl.at === 0).toBe(true);
    submit(k, sda, 'write', 0, 4096, { flags: REQ_FUA | REQ_PREFLUSH });
    k.engine.runUntil(1e9);
    const f = diskstats(k.vfs.read('/proc/diskstats'), 'sda');
    expect([f[4], f[15]]).toEqual([1, 0]); // one write, no flush requests
  });

  it('turns PREFLUSH+FUA into flush → write → flush when the device lacks FUA (SATA, fua 0)', () => {
    const { k } = blockKernel([diskSpec({ name: 'sdb', type: 'ssd', minor: 16 })]);
    expect(k.vfs.read('/sys/block/sdb/queue/fua')).toBe('0\n');
    const r = submit(k, k.block!.byName('sdb')!, 'write', 0, 4096, { flags: REQ_FUA | REQ_PREFLUSH });
    k.engine.runUntil(1e9);
    const f = diskstats(k.vfs.read('/proc/diskstats'), 'sdb');
    expect([f[4], f[15]]).toEqual([1, 2]);
    // Two flushes of flush_us = 2 ms each are on the critical path.
    expect(r.at).toBeGreaterThanOrEqual(4e6);
  });

  it('sends FUA to an NVMe device that supports it: only the preflush is a separate request', () => {
    const { k } = blockKernel([diskSpec({ name: 'nvme0n1', type: 'nvme', major: 259 })]);
    submit(k, k.block!.byName('nvme0n1')!, 'write', 0, 4096, { flags: REQ_FUA | REQ_PREFLUSH });
    k.engine.runUntil(1e9);
    const f = diskstats(k.vfs.read('/proc/diskstats'), 'nvme0n1');
    expect([f[4], f[15]]).toEqual([1, 1]);
  });

  it('makes a flush on an HDD pay for every cached write', () => {
    const { k } = blockKernel([diskSpec({ name: 'sda', type: 'hdd', sizeBytes: 1000 * 1024 ** 3 })]);
    const sda = k.block!.byName('sda')!;
    const rng = k.rng.fork('t');
    const writes = Array.from({ length: 50 }, () => submit(k, sda, 'write', Math.floor(rng.next() * (sda.sectors / 8 - 1)) * 8, 4096));
    k.engine.runUntil(1e6);
    expect(writes.every((w) => w.done && w.status === 0)).toBe(true); // all absorbed by the cache within 1 ms
    const lastWrite = k.now;
    const fl = submit(k, sda, 'flush', 0, 0, { flags: REQ_PREFLUSH });
    k.engine.runUntil(10e9);
    // ≈ 50 × (8.5 ms seek + 4.17 ms rotation)
    expect(fl.at - lastWrite).toBeGreaterThan(50 * 10e6);
    expect(fl.at - lastWrite).toBeLessThan(50 * 16e6);
  });
});

describe('/proc/diskstats and /sys/block/<dev>/stat', () => {
  it('print the kernel formats for the disk and its partitions', () => {
    const { k } = blockKernel([diskSpec({ name: 'sda', type: 'ssd', partitions: [10 * 1024 ** 3, 20 * 1024 ** 3] })]);
    submit(k, k.block!.byName('sda2')!, 'read', 0, 8192);
    k.engine.runUntil(1e9);
    const lines = k.vfs.read('/proc/diskstats').split('\n');
    expect(lines[0]).toMatch(/^ {3}8 {7}0 sda 1 0 16 \d+ 0 0 0 0 0 \d+ \d+ 0 0 0 0 0 0$/);
    expect(lines[1]).toBe('   8       1 sda1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0');
    expect(lines[2]).toMatch(/^ {3}8 {7}2 sda2 1 0 16 /);
    expect(k.vfs.read('/sys/block/sda/sda2/start')).toBe(`${2048 + 20971520}\n`);
    expect(k.vfs.read('/sys/block/sda/stat')).toMatch(/^ {7}1 {8}0 {7}16 /);
    expect(k.vfs.read('/sys/block/sda/inflight')).toBe('       0        0\n');
    expect(k.vfs.read('/proc/partitions').split('\n').slice(0, 3)).toEqual(['major minor  #blocks  name', '', '   8        0  104857600 sda']);
  });
});

describe('per-layer latency histograms', () => {
  it('split each request\'s time into queue, dispatch (elevator) and device, in /sys/kernel/debug/kernel-lab/block/<dev>/latency', () => {
    const { k } = blockKernel([diskSpec({ name: 'sda', type: 'hdd', params: { queue_depth: 1 } })]);
    k.vfs.write('/sys/block/sda/queue/nr_requests', '64');
    const sda = k.block!.byName('sda')!;
    const rng = k.rng.fork('lat');
    for (let i = 0; i < 20; i++) submit(k, sda, 'read', Math.floor(rng.next() * (sda.sectors / 8 - 1)) * 8, 4096);
    k.engine.runUntil(10e9);
    const text = k.vfs.read('/sys/kernel/debug/kernel-lab/block/sda/latency');
    const field = (layer: string, key: string): number => Number(new RegExp(`^${layer} .*\\b${key}=([\\d.]+)`, 'm').exec(text)![1]);
    expect(['queue', 'dispatch', 'device'].map((l) => field(l, 'count'))).toEqual([20, 20, 20]);
    // One request at a time on the disk: the other 19 wait in the elevator, ≈ 9.5 device times on average.
    expect(field('dispatch', 'mean_us') / field('device', 'mean_us')).toBeGreaterThan(6);
    expect(field('dispatch', 'mean_us') / field('device', 'mean_us')).toBeLessThan(13);
    expect(field('queue', 'max_us')).toBe(0);
  });
});
