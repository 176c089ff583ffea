import { describe, expect, it } from 'vitest';
import { harness, writer } from './harness';

const MiB = 1024 * 1024;

describe('balance_dirty_pages on a real block layer', () => {
  it('a single writer is not paused below freerun (15 %) and background writeback starts above 10 %', () => {
    const h = harness({ dirtyablePages: 65536 });
    const f = h.pc.addFile('/data/big', 1024 * MiB, 'sda');
    let dirtyAtFirstWriteback = -1;
    const start = h.pc.startWriteback.bind(h.pc);
    h.pc.startWriteback = (file, r) => {
      if (dirtyAtFirstWriteback < 0) dirtyAtFirstWriteback = h.pc.nrFileDirty();
      return start(file, r);
    };
    const t = h.task('dd');
    const tr = writer(h, t, f, { bsPages: 16, cpuNs: 10_000, untilNs: 3e9 });
    h.k.engine.runUntil(3e9);
    expect(tr.pausesAt.length).toBeGreaterThan(0);
    const minDirtyAtPause = Math.min(...tr.pausesAt.map(([, d]) => d));
    expect(minDirtyAtPause / 65536).toBeGreaterThanOrEqual(0.15 - 0.002);
    expect(dirtyAtFirstWriteback / 65536).toBeGreaterThanOrEqual(0.1);
    expect(dirtyAtFirstWriteback / 65536).toBeLessThan(0.11);
  });

  it('dirty pages settle near the 17.5 % setpoint when a writer out-paces a USB stick; no pause exceeds 200 ms', () => {
    const h = harness({ dirtyablePages: 65536 });
    const f = h.pc.addFile('/media/stick/iso', 2048 * MiB, 'sdb');
    const t = h.task('cp');
    writer(h, t, f, { bsPages: 16, cpuNs: 10_000, untilNs: 90e9 });
    const samples: number[] = [];
    const sample = (): void => {
      if (h.k.now >= 60e9) samples.push((h.pc.nrFileDirty() + h.pc.nrWriteback()) / 65536);
      if (h.k.now < 90e9) h.k.engine.after(100e6, sample);
    };
    sample();
    h.k.engine.runUntil(90e9);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(mean).toBeGreaterThan(0.175 - 0.015);
    expect(mean).toBeLessThan(0.175 + 0.015);
    const st = h.wb.pauseStats(t);
    expect(st.pauses).toBeGreaterThan(100);
    expect(st.maxNs).toBeLessThanOrEqual(200e6);
  });
});

describe('flusher', () => {
  it('a page dirtied and left alone is written back within 30–35 s (expire 30 s + period 5 s)', () => {
    const h = harness();
    const f = h.pc.addFile('/etc/motd', 4096, 'sda');
    const t = h.task('editor');
    h.k.engine.schedule(1e9, () => writer(h, t, f, { bsPages: 1, cpuNs: 1000, untilNs: Infinity, totalPages: 1 }));
    let cleanAt = -1;
    const poll = (): void => {
      if (cleanAt < 0 && h.k.now > 1e9 && !h.pc.isDirty(f, 0) && !h.pc.isWriteback(f, 0)) cleanAt = h.k.now;
      else h.k.engine.after(10e6, poll);
    };
    poll();
    h.k.engine.runUntil(60e9);
    expect((cleanAt - 1e9) / 1e9).toBeGreaterThanOrEqual(30);
    expect((cleanAt - 1e9) / 1e9).toBeLessThanOrEqual(35);
  });

  it('dirty_writeback_centisecs 0 disables periodic writeback', () => {
    const h = harness();
    h.k.vfs.write('/proc/sys/vm/dirty_writeback_centisecs', '0');
    const f = h.pc.addFile('/etc/motd', 4096, 'sda');
    writer(h, h.task('editor'), f, { bsPages: 1, cpuNs: 1000, untilNs: Infinity, totalPages: 1 });
    h.k.engine.runUntil(60e9);
    expect(h.pc.isDirty(f, 0)).toBe(true);
  });
});

describe('stable pages', () => {
  it('with stable_writes=1 a write to a page under writeback blocks until that writeback completes', () => {
    const h = harness();
    h.k.vfs.write('/sys/block/sdb/queue/stable_writes', '1');
    expect(h.k.vfs.read('/sys/class/bdi/8:16/stable_pages_required')).toBe('1\n');
    const f = h.pc.addFile('/media/stick/log', 4 * MiB, 'sdb');
    const t = h.task('logger');
    h.pc.markDirty(f, { index: 0, pages: 1024 }, t, 0);
    let syncedAt = -1;
    h.wb.syncFile(f, null, (_ok, now) => (syncedAt = now));
    const step = h.wb.waitStable(t, f, { index: 0, pages: 1 }, 0);
    expect(step).toEqual({ kind: 'block', stall: 'io' });
    let wokeAt = -1;
    t.state = 'blocked';
    h.sched.waiters.set(t, () => (wokeAt = h.k.now));
    h.k.engine.runUntil(10e9);
    expect(wokeAt).toBeGreaterThan(0);
    expect(h.pc.isWriteback(f, 0)).toBe(false);
    expect(wokeAt).toBeLessThanOrEqual(syncedAt);
  });

  it('with stable_writes=0 the same write goes ahead', () => {
    const h = harness();
    expect(h.k.vfs.read('/sys/class/bdi/8:16/stable_pages_required')).toBe('0\n');
    const f = h.pc.addFile('/media/stick/log', 4 * MiB, 'sdb');
    const t = h.task('logger');
    h.pc.markDirty(f, { index: 0, pages: 1024 }, t, 0);
    h.wb.syncFile(f, null, () => undefined);
    expect(h.pc.isWriteback(f, 0)).toBe(true);
    expect(h.wb.waitStable(t, f, { index: 0, pages: 1 }, 0)).toBeNull();
  });
});

describe('who pays for buffered writes', () => {
  it('cgroup v2 writeback charges the writer’s group: io.stat wbytes and io.max apply', () => {
    const h = harness({ version: 2 });
    h.k.cgroups.create('/backup');
    h.k.vfs.write('/sys/fs/cgroup/backup/io.max', '8:0 wbps=1048576');
    const f = h.pc.addFile('/backup/tarball', 64 * MiB, 'sda');
    const t = h.task('tar', '/backup');
    h.pc.markDirty(f, { index: 0, pages: 1024 }, t, 0);
    let syncedAt = -1;
    h.wb.syncFile(f, t, (_ok, now) => (syncedAt = now));
    h.k.engine.runUntil(10e9);
    expect(h.k.vfs.read('/sys/fs/cgroup/backup/io.stat')).toMatch(/^8:0 rbytes=0 wbytes=4194304 /);
    expect(syncedAt / 1e9).toBeCloseTo(4, 0);
  });

  it('cgroup v1: the flusher writes as root, so the group’s blkio throttle and counters miss buffered writes', () => {
    const h = harness({ version: 1 });
    h.k.cgroups.create('/backup');
    h.k.vfs.write('/sys/fs/cgroup/blkio/backup/blkio.throttle.write_bps_device', '8:0 1048576');
    const f = h.pc.addFile('/backup/tarball', 64 * MiB, 'sda');
    const t = h.task('tar', '/backup');
    h.pc.markDirty(f, { index: 0, pages: 1024 }, t, 0);
    let syncedAt = -1;
    h.wb.syncFile(f, t, (_ok, now) => (syncedAt = now));
    h.k.engine.runUntil(10e9);
    expect(syncedAt).toBeGreaterThan(0);
    expect(syncedAt).toBeLessThan(0.5e9);
    expect(h.k.vfs.read('/sys/fs/cgroup/blkio/backup/blkio.throttle.io_service_bytes')).toBe('Total 0\n');
    expect(h.k.vfs.read('/sys/fs/cgroup/blkio/blkio.throttle.io_service_bytes')).toContain('8:0 Write 4194304\n');
  });
});

describe('vm.dirty_* sysctls', () => {
  it('writing dirty_bytes zeroes dirty_ratio and writing dirty_ratio zeroes dirty_bytes', () => {
    const { k } = harness();
    expect(k.vfs.read('/proc/sys/vm/dirty_ratio')).toBe('20\n');
    k.vfs.write('/proc/sys/vm/dirty_bytes', '67108864');
    expect(k.vfs.read('/proc/sys/vm/dirty_ratio')).toBe('0\n');
    k.vfs.write('/proc/sys/vm/dirty_ratio', '30');
    expect(k.vfs.read('/proc/sys/vm/dirty_bytes')).toBe('0\n');
    k.vfs.write('/proc/sys/vm/dirty_background_bytes', '1048576');
    expect(k.vfs.read('/proc/sys/vm/dirty_background_ratio')).toBe('0\n');
  });

  it('refuses out-of-range values with EINVAL', () => {
    const { k } = harness();
    expect(() => k.vfs.write('/proc/sys/vm/dirty_ratio', '101')).toThrow('/proc/sys/vm/dirty_ratio: Invalid argument (EINVAL): dirty_ratio must be between 0 and 100, got 101');
    expect(() => k.vfs.write('/proc/sys/vm/dirty_bytes', '4096')).toThrow('dirty_bytes must be between 8192');
    expect(() => k.vfs.write('/proc/sys/vm/dirty_background_bytes', '0')).toThrow('(EINVAL)');
    expect(() => k.vfs.write('/proc/sys/vm/dirty_expire_centisecs', 'soon')).toThrow('(EINVAL): expected an integer, got "soon"');
  });

  it('bdi min_ratio/max_ratio are bounded by each other and min_ratio sums stay below 100', () => {
    const { k } = harness();
    k.vfs.write('/sys/class/bdi/8:0/max_ratio', '50');
    expect(() => k.vfs.write('/sys/class/bdi/8:0/min_ratio', '60')).toThrow('min_ratio 60 is above max_ratio 50');
    k.vfs.write('/sys/class/bdi/8:0/min_ratio', '40');
    expect(() => k.vfs.write('/sys/class/bdi/8:16/min_ratio', '60')).toThrow('(EINVAL)');
    expect(k.vfs.read('/sys/class/bdi/8:0/min_ratio')).toBe('40\n');
  });
});

describe('per-memcg dirty limits (cgroup v2 writeback)', () => {
  it('a writer in a small memcg is throttled at its own freerun while the global pool is far below its own', () => {
    const h = harness({ version: 2, dirtyablePages: 65536 });
    const f = h.pc.addFile('/data/small', 256 * MiB, 'sda');
    const t = h.task('dd', '/small');
    h.pc.memcgDirtyable.set(t.cgroup, 4096);
    const tr = writer(h, t, f, { bsPages: 16, cpuNs: 10_000, untilNs: 2e9 });
    h.k.engine.runUntil(2e9);
    expect(tr.pausesAt.length).toBeGreaterThan(0);
    const [, dirtyAtFirst] = tr.pausesAt[0]!;
    // memcg: thresh 20 % of 4096 = 819, freerun 614 pages; global freerun is 9830.
    expect(dirtyAtFirst).toBeGreaterThanOrEqual(600);
    expect(dirtyAtFirst).toBeLessThan(9830 * 0.5);
  });

  it('the same writer in the root group is not paused at that level', () => {
    const h = harness({ version: 2, dirtyablePages: 65536 });
    const f = h.pc.addFile('/data/small', 256 * MiB, 'sda');
    const t = h.task('dd');
    const tr = writer(h, t, f, { bsPages: 16, cpuNs: 10_000, untilNs: 10e9, totalPages: 4096 });
    h.k.engine.runUntil(10e9);
    expect(tr.pausesAt).toHaveLength(0);
  });
});

describe('how throttled writers wait', () => {
  it('balance_dirty_pages sleeps are io stalls (io_schedule_timeout sets in_iowait)', () => {
    const h = harness({ dirtyablePages: 16384 });
    const f = h.pc.addFile('/media/stick/iso', 512 * MiB, 'sdb');
    const t = h.task('cp');
    const steps: unknown[] = [];
    const orig = h.pc.throttle!;
    h.pc.throttle = (task, file, pages, now) => {
      const s = orig(task, file, pages, now);
      if (s) steps.push(s);
      return s;
    };
    writer(h, t, f, { bsPages: 16, cpuNs: 10_000, untilNs: 5e9 });
    h.k.engine.runUntil(5e9);
    expect(steps.length).toBeGreaterThan(0);
    for (const s of steps) expect(s).toMatchObject({ kind: 'sleep', stall: 'io' });
  });

  it('completion distribution: a writer over its limit blocks and is released on a 100 ms distribution tick', () => {
    const h = harness({ dirtyablePages: 16384 });
    h.k.vfs.write('/sys/kernel/debug/kernel-lab/dirty_throttle', 'completion-distribution');
    expect(h.k.vfs.read('/sys/kernel/debug/kernel-lab/dirty_throttle')).toBe('io-less [completion-distribution]\n');
    const f = h.pc.addFile('/media/stick/iso', 512 * MiB, 'sdb');
    const t = h.task('cp');
    const wakes: number[] = [];
    const wake = h.sched.wake.bind(h.sched);
    h.sched.wake = (task) => {
      wakes.push(h.k.now);
      wake(task);
    };
    const tr = writer(h, t, f, { bsPages: 16, cpuNs: 10_000, untilNs: 20e9 });
    h.k.engine.runUntil(20e9);
    expect(tr.pausesAt.length).toBeGreaterThan(0);
    expect(wakes.length).toBeGreaterThan(0);
    // Releases happen on distribution ticks, every 100 ms of simulated time.
    for (const w of wakes) expect(w % 100e6).toBe(0);
    // Paced by the stick: what was dirtied over the run is what it wrote plus the dirty pool.
    const written = h.wb.wbs().find((w) => w.name === '8:16')!.written;
    expect(tr.pages).toBeLessThanOrEqual(written + 16384 * 0.25);
    expect(() => h.k.vfs.write('/sys/kernel/debug/kernel-lab/dirty_throttle', 'fast')).toThrow('(EINVAL): expected one of io-less, completion-distribution, got "fast"');
  });
});

describe('determinism', () => {
  it('the same writers on the same devices give identical pauses, counters and io.stat (two runs, both policies)', () => {
    const run = (policy: string) => {
      const h = harness({ dirtyablePages: 16384 });
      h.k.vfs.write('/sys/kernel/debug/kernel-lab/dirty_throttle', policy);
      const usb = h.pc.addFile('/media/stick/iso', 256 * MiB, 'sdb');
      const ssd = h.pc.addFile('/home/log', 256 * MiB, 'sda');
      const a = writer(h, h.task('cp'), usb, { bsPages: 64, cpuNs: 20_000, untilNs: 8e9 });
      const b = writer(h, h.task('app'), ssd, { bsPages: 4, cpuNs: 5_000, untilNs: 8e9 });
      h.k.engine.runUntil(8e9);
      return JSON.stringify([a, b, h.k.vfs.read('/sys/fs/cgroup/io.stat'), h.pc.nrFileDirty(), h.pc.nrWriteback()]);
    };
    for (const p of ['io-less', 'completion-distribution']) expect(run(p)).toBe(run(p));
  });
});

describe('/sys/kernel/debug/bdi/<bdi>/stats', () => {
  it('prints the bdi’s counters and thresholds in bdi_debug_stats_show’s layout', () => {
    const h = harness({ dirtyablePages: 65536 });
    const f = h.pc.addFile('/data/x', 64 * MiB, 'sda');
    h.pc.markDirty(f, { index: 0, pages: 100 }, h.task('w'), 0);
    const text = h.k.vfs.read('/sys/kernel/debug/bdi/8:0/stats');
    // "%-20s%10lu kB": label column of 20, value right-aligned in 10.
    const line = (label: string, v: number, unit = ' kB'): string => `${`${label}:`.padEnd(20)}${String(v).padStart(10)}${unit}\n`;
    expect(text.split('\n')[1]).toBe('BdiReclaimable:            400 kB');
    // floor(20·4096/100) = 819 per page → 819·65536/4096 = 13104 pages; 10 %: 409 → 6544 pages.
    expect(text).toContain(line('DirtyThresh', 52416));
    expect(text).toContain(line('BackgroundThresh', 26176));
    expect(text).toContain(line('b_dirty', 1, ''));
    expect(text.trimEnd().split('\n')).toHaveLength(14);
  });
});
