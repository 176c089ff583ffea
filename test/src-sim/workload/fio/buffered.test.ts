// Buffered fio (direct=0) through the page cache and writeback (issue 14),
// checked against what the kernel does: mm/page-writeback.c (dirty limits,
// balance_dirty_pages), fs/fs-writeback.c (dirty_expire_centisecs), fio's
// invalidate (POSIX_FADV_DONTNEED) and fsync=N.
import { describe, expect, it } from 'vitest';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import { Simulation } from '../../../../src-sim/simulation';
import { diskSpec, GiB } from '../../kernel/block/harness';

interface DirJson { total_ios: number; bw_bytes: number; io_bytes: number }
interface JobJson { error: number | string; write: DirJson; read: DirJson; sync?: { total_ios: number }; warnings: string[] }

const MiB = 1024 ** 2;
const SSD = diskSpec({ name: 'sda', type: 'ssd', sizeBytes: 256 * GiB });

function sim(text: string, durationNs: number, memoryBytes = 2 * GiB): Simulation {
  return new Simulation(
    baseScenario({
      durationNs,
      machine: { ...flatMachine(4, memoryBytes), devices: [SSD] },
      tasks: [taskSpec({ name: 'fio', run: { type: 'fio', jobPath: 'job.fio', jobText: text } })],
    }),
  );
}
const result = (s: Simulation, job: string): JobJson => JSON.parse(s.kernel.vfs.read(`/sys/kernel/debug/kernel-lab/fio/fio/${job}.json`)) as JobJson;
const meminfoKb = (s: Simulation, field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(s.kernel.vfs.read('/proc/meminfo'))![1]);
/** /proc/diskstats sectors read and written of sda (fields 6 and 10). */
function sectors(s: Simulation): { read: number; written: number } {
  const f = s.kernel.vfs.read('/proc/diskstats').split('\n').find((l) => l.trim().split(/\s+/)[2] === 'sda')!.trim().split(/\s+/);
  return { read: Number(f[5]), written: Number(f[9]) };
}

describe('buffered fio (direct=0) through the page cache', () => {
  it('a write below the background threshold returns at memory speed, shows as Dirty, and is written back after dirty_expire_centisecs', () => {
    const s = sim('[w]\nfilename=/srv/f\nsize=64M\nrw=write\nbs=1M\nioengine=psync\n', 36e9, 2 * GiB);
    s.advance(0.5e9);
    const w = result(s, 'w');
    expect(w.error).toBe(0);
    expect(w.write.io_bytes).toBe(64 * MiB);
    expect(w.warnings.some((x) => x.startsWith('direct=0'))).toBe(false);
    // The copy only: far above the SSD's 550 MB/s link.
    expect(w.write.bw_bytes).toBeGreaterThan(4 * 550e6);
    // 64 MiB dirty (16384 pages), nothing on the disk yet: below dirty_background (10 % of ~2 GiB) the flusher waits for expiry.
    expect(meminfoKb(s, 'Dirty')).toBeGreaterThan(64 * 1024 * 0.98);
    expect(sectors(s).written).toBeLessThan(1024);
    s.advance(29e9);
    expect(meminfoKb(s, 'Dirty')).toBeGreaterThan(64 * 1024 * 0.98);
    s.advance(36e9);
    // fs-writeback.c: an inode dirtied more than dirty_expire_centisecs (30 s) ago is written at the next periodic wakeup (every 5 s).
    expect(meminfoKb(s, 'Dirty')).toBe(0);
    expect(meminfoKb(s, 'Writeback')).toBe(0);
    expect(sectors(s).written).toBeGreaterThanOrEqual((64 * MiB) / 512);
  });

  it('a write larger than the dirty limit is throttled to the device rate, dirty + writeback held at the setpoint', () => {
    const s = sim('[w]\nfilename=/srv/big\nsize=1536M\nrw=write\nbs=1M\nioengine=libaio\niodepth=4\n', 4e9, 1 * GiB);
    const held: number[] = [];
    let { thresh, bgThresh } = s.kernel.writeback!.globalDirtyLimits();
    for (let t = 0.25e9; t <= 2.5e9; t += 0.25e9) {
      s.advance(t);
      ({ thresh, bgThresh } = s.kernel.writeback!.globalDirtyLimits());
      // mm/page-writeback.c: balance_dirty_pages throttles on NR_FILE_DIRTY + NR_WRITEBACK (/proc/meminfo Dirty + Writeback).
      const pages = (meminfoKb(s, 'Dirty') + meminfoKb(s, 'Writeback')) / 4;
      expect(pages).toBeLessThan(thresh);
      held.push(pages);
    }
    // pos_ratio is 1 at the setpoint (dirty_background + dirty limit) / 2: the writer is held there (±10 %).
    const setpoint = (thresh + bgThresh) / 2;
    const mean = held.reduce((a, b) => a + b, 0) / held.length;
    expect(Math.abs(mean - setpoint) / setpoint).toBeLessThan(0.1);
    s.advance(4e9);
    const w = result(s, 'w');
    expect(w.write.io_bytes).toBe(1536 * MiB);
    // Throttled, the writer runs at the disk's rate (550 MB/s SATA link); the first ~150 MB went at memory speed: within 20 %.
    expect(w.write.bw_bytes).toBeGreaterThan(550e6 * 0.95);
    expect(w.write.bw_bytes).toBeLessThan(550e6 * 1.2);
  });

  it('reads of a cached file do not touch the device; invalidate=1 (fio\'s default) drops the cache first', () => {
    const job = (invalidate: number): string =>
      `[w]\nfilename=/srv/f\nsize=32M\nrw=write\nbs=1M\nend_fsync=1\n[r]\nstonewall\nfilename=/srv/f\nsize=32M\nrw=read\nbs=1M\ninvalidate=${invalidate}\n`;
    const warm = sim(job(0), 1e9);
    warm.runToEnd();
    expect(result(warm, 'r').read.io_bytes).toBe(32 * MiB);
    expect(sectors(warm).read).toBe(0);
    expect(result(warm, 'r').read.bw_bytes).toBeGreaterThan(4 * 550e6);
    const cold = sim(job(1), 1e9);
    cold.runToEnd();
    expect(sectors(cold).read).toBeGreaterThanOrEqual((32 * MiB) / 512);
    expect(result(cold, 'r').read.bw_bytes).toBeLessThan(550e6 * 1.05);
  });

  it('fsync=1 writes each write back before the next: no dirty pages pile up, one fsync per write', () => {
    const s = sim('[w]\nfilename=/srv/db\nsize=4M\nrw=randwrite\nbs=4k\nfsync=1\nnumber_ios=200\n', 2e9);
    let maxDirty = 0;
    for (let t = 1e6; t <= 2e9 && !(result(s, 'w').write.total_ios >= 200); t += 1e6) {
      s.advance(t);
      maxDirty = Math.max(maxDirty, meminfoKb(s, 'Dirty') / 4);
    }
    const w = result(s, 'w');
    expect(w.write.total_ios).toBe(200);
    expect(maxDirty).toBeLessThanOrEqual(1);
    expect(sectors(s).written).toBeGreaterThanOrEqual(200 * 8);
  });

  it('is deterministic: the same scenario and seed give the same results', () => {
    const text = '[w]\nfilename=/srv/f\nsize=16M\nrw=randwrite\nbs=4k\nsync_file_range=write:64\n[r]\nstonewall\nfilename=/srv/f\nsize=16M\nrw=randread\nbs=4k\ninvalidate=0\n';
    const run = (): string => {
      const s = sim(text, 1e9);
      s.runToEnd();
      return JSON.stringify([result(s, 'w'), result(s, 'r'), s.kernel.vfs.read('/proc/vmstat')]);
    };
    expect(run()).toBe(run());
  });
});
