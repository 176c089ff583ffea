import { describe, expect, it } from 'vitest';
import { installIocg } from '../../../../src-sim/kernel/iocg/install';
import { bio, fakeKernel } from './fake-block';

const MiB = 1024 * 1024;

function v2() {
  const f = fakeKernel(2);
  installIocg(f.k);
  f.k.cgroups.create('/backup');
  return f;
}

describe('io.max', () => {
  it('reads back what was written, with max for unset limits', () => {
    const { k } = v2();
    k.vfs.write('/sys/fs/cgroup/backup/io.max', '8:16 rbps=1048576 wiops=120');
    expect(k.vfs.read('/sys/fs/cgroup/backup/io.max')).toBe('8:16 rbps=1048576 wbps=max riops=max wiops=120\n');
    k.vfs.write('/sys/fs/cgroup/backup/io.max', '8:16 wiops=max');
    expect(k.vfs.read('/sys/fs/cgroup/backup/io.max')).toBe('8:16 rbps=1048576 wbps=max riops=max wiops=max\n');
    k.vfs.write('/sys/fs/cgroup/backup/io.max', '8:16 rbps=max');
    expect(k.vfs.read('/sys/fs/cgroup/backup/io.max')).toBe('');
  });

  it('refuses bad writes with the kernel’s errno', () => {
    const { k } = v2();
    const w = (v: string) => () => k.vfs.write('/sys/fs/cgroup/backup/io.max', v);
    expect(w('8:16 rbps=0')).toThrow('/sys/fs/cgroup/backup/io.max: Numerical result out of range (ERANGE): rbps=0 is not a limit (write "max" to remove one)');
    expect(w('8:16 rbsp=100')).toThrow('/sys/fs/cgroup/backup/io.max: Invalid argument (EINVAL): unknown key "rbsp" (expected rbps, wbps, riops or wiops)');
    expect(w('8:16 rbps=fast')).toThrow('(EINVAL)');
    expect(w('9:0 rbps=100')).toThrow('/sys/fs/cgroup/backup/io.max: No such device (ENODEV): no block device 9:0');
    expect(w('8:17 rbps=100')).toThrow('No such device (ENODEV): 8:17 is a partition; limits apply to whole disks');
    expect(w('8:16')).toThrow('(EINVAL): expected a space after 8:16');
    expect(w('sdb rbps=1')).toThrow('(EINVAL)');
  });

  it('the root group has no io.max (CFTYPE_NOT_ON_ROOT) but has io.stat', () => {
    const { k } = v2();
    expect(k.vfs.exists('/sys/fs/cgroup/io.max')).toBe(false);
    expect(k.vfs.exists('/sys/fs/cgroup/io.stat')).toBe(true);
  });

  it('throttles bios of the group through the block layer’s throttle hook (4 MiB at 1 MiB/s ≈ 4 s)', () => {
    const { k, block } = v2();
    k.vfs.write('/sys/fs/cgroup/backup/io.max', '8:16 rbps=1048576');
    let doneAt = -1;
    block.submitBio(bio(k, block.byName('sdb')!, 'read', 4 * MiB, '/backup', (now) => (doneAt = now)));
    // Another group on the same disk is not held.
    let otherAt = -1;
    block.submitBio(bio(k, block.byName('sdb')!, 'read', 4096, '/interactive', (now) => (otherAt = now)));
    k.engine.runUntil(10e9);
    expect(otherAt).toBeLessThan(0.1e9);
    expect(doneAt / 1e9).toBeCloseTo(4.0, 1);
  });
});

describe('io.weight and io.bfq.weight', () => {
  it('io.weight takes 1–10000, default and per-device, EINVAL outside', () => {
    const { k } = v2();
    const p = '/sys/fs/cgroup/backup/io.weight';
    expect(k.vfs.read(p)).toBe('default 100\n');
    k.vfs.write(p, 'default 200');
    k.vfs.write(p, '8:16 50');
    expect(k.vfs.read(p)).toBe('default 200\n8:16 50\n');
    k.vfs.write(p, '8:16 default');
    expect(k.vfs.read(p)).toBe('default 200\n');
    expect(() => k.vfs.write(p, '10001')).toThrow('Invalid argument (EINVAL): weight 10001 is outside 1-10000');
    expect(() => k.vfs.write(p, '0')).toThrow('(EINVAL)');
  });

  it('io.bfq.weight takes 1–1000 with ERANGE outside, and is what BFQ reads per device', () => {
    const { k, block } = v2();
    const p = '/sys/fs/cgroup/backup/io.bfq.weight';
    expect(() => k.vfs.write(p, '1001')).toThrow('Numerical result out of range (ERANGE): weight 1001 is outside 1-1000');
    k.vfs.write(p, '200');
    k.vfs.write(p, '8:0 300');
    const cg = k.cgroups.get('/backup')!;
    expect(block.weightSource!(cg, block.byName('sdb')!)).toBe(200);
    expect(block.weightSource!(cg, block.byName('sda')!)).toBe(300);
    expect(block.weightSource!(k.cgroups.create('/other'), block.byName('sda')!)).toBe(100);
  });
});

describe('io.stat', () => {
  it('counts bytes and IOs per device, recursively up to the root', () => {
    const { k, block } = v2();
    const sdb = block.byName('sdb')!;
    block.submitBio(bio(k, sdb, 'read', 8192, '/backup/db'));
    block.submitBio(bio(k, sdb, 'write', 4096, '/backup'));
    block.submitBio({ ...bio(k, sdb, 'write', 65536, '/backup'), op: 'discard' });
    k.engine.runUntil(1e9);
    expect(k.vfs.read('/sys/fs/cgroup/backup/db/io.stat')).toBe('8:16 rbytes=8192 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n');
    expect(k.vfs.read('/sys/fs/cgroup/backup/io.stat')).toBe('8:16 rbytes=8192 wbytes=4096 rios=1 wios=1 dbytes=65536 dios=1\n');
    expect(k.vfs.read('/sys/fs/cgroup/io.stat')).toBe('8:16 rbytes=8192 wbytes=4096 rios=1 wios=1 dbytes=65536 dios=1\n');
  });
});

describe('cgroup v1 blkio', () => {
  it('blkio.throttle.read_bps_device limits and 0 removes; io_service_bytes prints Read/Write/Sync/Async/Discard/Total', () => {
    const { k, block } = fakeKernel(1);
    installIocg(k);
    k.cgroups.create('/backup');
    const p = '/sys/fs/cgroup/blkio/backup/blkio.throttle.read_bps_device';
    k.vfs.write(p, '8:16 1048576');
    expect(k.vfs.read(p)).toBe('8:16 1048576\n');
    let doneAt = -1;
    block.submitBio(bio(k, block.byName('sdb')!, 'read', 2 * MiB, '/backup', (now) => (doneAt = now)));
    k.engine.runUntil(5e9);
    expect(doneAt / 1e9).toBeCloseTo(2.0, 1);
    expect(k.vfs.read('/sys/fs/cgroup/blkio/backup/blkio.throttle.io_service_bytes')).toBe(
      '8:16 Read 2097152\n8:16 Write 0\n8:16 Sync 2097152\n8:16 Async 0\n8:16 Discard 0\n8:16 Total 2097152\nTotal 2097152\n',
    );
    k.vfs.write(p, '8:16 0');
    expect(k.vfs.read(p)).toBe('');
  });

  it('v1 throttling is flat: a parent’s limit does not hold its children', () => {
    const { k, block } = fakeKernel(1);
    installIocg(k);
    k.cgroups.create('/p/child');
    k.vfs.write('/sys/fs/cgroup/blkio/p/blkio.throttle.read_bps_device', '8:16 1048576');
    let doneAt = -1;
    block.submitBio(bio(k, block.byName('sdb')!, 'read', 4 * MiB, '/p/child', (now) => (doneAt = now)));
    k.engine.runUntil(5e9);
    expect(doneAt).toBeLessThan(0.2e9);
  });

  it('blkio.weight takes 10–1000 (ERANGE outside)', () => {
    const { k } = fakeKernel(1);
    installIocg(k);
    k.cgroups.create('/a');
    expect(() => k.vfs.write('/sys/fs/cgroup/blkio/a/blkio.weight', '5')).toThrow('Numerical result out of range (ERANGE)');
    k.vfs.write('/sys/fs/cgroup/blkio/a/blkio.weight', '500');
    expect(k.vfs.read('/sys/fs/cgroup/blkio/a/blkio.weight')).toBe('500\n');
  });
});

describe('io.latency', () => {
  it('prints targets in µs and rejects unknown keys', () => {
    const { k } = v2();
    const p = '/sys/fs/cgroup/backup/io.latency';
    k.vfs.write(p, '8:0 target=10000');
    expect(k.vfs.read(p)).toBe('8:0 target=10000\n');
    expect(() => k.vfs.write(p, '8:0 latency=5')).toThrow('Invalid argument (EINVAL): unknown key in "latency=5" (expected target=<usec>)');
    k.vfs.write(p, '8:0 target=max');
    expect(k.vfs.read(p)).toBe('');
  });

  it('a group missing its target shrinks the queue depth of a sibling with a looser target', () => {
    // A slow disk: 5 ms per IO, so 32 queued IOs of the batch group blow a 10 ms target.
    const { k, block } = fakeKernel(2, 5e6);
    installIocg(k);
    k.cgroups.create('/web');
    k.cgroups.create('/batch');
    k.vfs.write('/sys/fs/cgroup/web/io.latency', '8:0 target=10000');
    k.vfs.write('/sys/fs/cgroup/batch/io.latency', '8:0 target=1000000');
    const sda = block.byName('sda')!;
    const inflight = { n: 0, max: 0 };
    const batch = (): void => {
      inflight.n++;
      block.submitBio(
        bio(k, sda, 'write', 4096, '/batch', () => {
          inflight.n--;
          batch();
        }),
      );
    };
    for (let i = 0; i < 32; i++) batch();
    const web = (): void => {
      block.submitBio(bio(k, sda, 'read', 4096, '/web', () => k.engine.after(20e6, web)));
    };
    web();
    k.engine.runUntil(3e9);
    const iocg = k.iocg!;
    expect(iocg).not.toBeNull();
    // Depth of batch was halved down toward 1; web's latency then approaches the per-IO time.
    const lat: number[] = [];
    const t0 = k.engine.now;
    block.submitBio(bio(k, sda, 'read', 4096, '/web', (now) => lat.push(now - t0)));
    k.engine.runUntil(4e9);
    expect(lat[0]!).toBeLessThan(5 * 5e6);
  });
});

describe('io.stat quirks', () => {
  it('an empty flush counts as a write IO of 0 bytes (blkdev_issue_flush submits REQ_OP_WRITE | REQ_PREFLUSH)', () => {
    const { k, block } = v2();
    block.submitBio({ ...bio(k, block.byName('sdb')!, 'write', 0, '/backup'), op: 'flush' });
    k.engine.runUntil(1e9);
    expect(k.vfs.read('/sys/fs/cgroup/backup/io.stat')).toBe('8:16 rbytes=0 wbytes=0 rios=0 wios=1 dbytes=0 dios=0\n');
  });
});
