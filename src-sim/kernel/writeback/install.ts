import { fail } from '../../vfs/errors';
import type { BlockDeviceInfo } from '../block/bio';
import { journalFor } from '../block/journal';
import type { Kernel } from '../kernel';
import type { CachedFile, PageRange } from '../mm/page-cache-api';
import type { Task } from '../task';
import type { WritebackApi } from './api';
import { SwapDeviceIo } from './swap-device-io';
import { BlockBackingStore } from './block-store';
import { DirtyBalancer, emptyPauseStats, pauseTable, type PauseStats, type ThrottlePolicy } from './balance';
import { defaultSysctls, domainDirtyLimits } from './dirty-limits';
import { Flusher } from './flusher';
import { registerDirtySysctls } from './sysctl-files';
import { Wb, wbCalcThresh, type Waiter } from './wb';
import { wakeWhenBlocked } from './wake';

/** Simulator-only switch between the kernel's throttling and the 2011 proposal (debugfs: not a kernel ABI). */
export const DIRTY_THROTTLE_PATH = '/sys/kernel/debug/kernel-lab/dirty_throttle';
const POLICIES: ThrottlePolicy[] = ['io-less', 'completion-distribution'];

/** The writeback API plus what experiments read. */
export interface WritebackState extends WritebackApi {
  pauseStats(task: Task): PauseStats;
  readonly balancer: DirtyBalancer;
  /** The bdi_writeback of each device, for traces and tests. */
  wbs(): Wb[];
}

/**
 * Writeback: the vm.dirty_* sysctls, one flusher per backing device,
 * balance_dirty_pages for buffered writers (installed into the page cache),
 * stable pages, and /sys/class/bdi/<MAJ:MIN>/ files. Needs the memory
 * subsystem's page cache; uses the block layer when present (without it,
 * pages go to the page cache's fixed-latency store through the same path).
 */
export function installWriteback(k: Kernel): void {
  const mm = k.mm;
  // Without a page cache there is nothing to write back (a kernel built without the memory model).
  if (!mm) return;
  const pc = mm.pageCache;
  // Page I/O of files on block devices becomes bios from here on (the page cache starts with a fixed-latency store).
  if (k.block) pc.setBackingStore(new BlockBackingStore(k.block, pc.backingStore));
  // Swap on a declared disk: swap I/O becomes bios on it (the fixed-speed store has no speed for it).
  const swap = k.scenario.machine.swap;
  const swapDev = swap?.device && k.block ? k.block.byName(swap.device) : null;
  if (swap && swapDev && k.block && mm.swapIo) mm.swapIo = new SwapDeviceIo(k.block, swapDev, swap.sizeBytes);
  const s = defaultSysctls(k.scenario.kernel.version);
  const hz = k.scenario.kernel.hz;
  const jiffyNs = 1e9 / hz;
  const jiffies = (): number => Math.floor(k.now / jiffyNs + 1e-9);
  const wbs = new Map<string, Wb>();
  const byFileId: (Wb | undefined)[] = [];

  const diskOf = (device: string | null): BlockDeviceInfo | null => (device && k.block ? (k.block.byName(device)?.disk ?? null) : null);

  const queueInt = (disk: BlockDeviceInfo, file: string, dflt: number): number => {
    const p = `/sys/block/${disk.name}/queue/${file}`;
    if (!k.vfs.exists(p)) return dflt;
    const n = Number(k.vfs.read(p).trim());
    return Number.isFinite(n) && n > 0 ? n : dflt;
  };

  const wbFor = (disk: BlockDeviceInfo | null): Wb => {
    const key = disk ? disk.name : '';
    let wb = wbs.get(key);
    if (!wb) {
      // Outstanding writeback is bounded by the request queue: nr_requests requests of up to max_sectors_kb.
      const maxInflight = disk ? queueInt(disk, 'nr_requests', 64) : 64;
      const maxRange = disk ? Math.max(1, Math.floor(queueInt(disk, 'max_sectors_kb', 1280) / 4)) : 256;
      wb = new Wb(disk ? disk.devt : 'fixed', disk ? disk.name : null, disk, maxInflight, maxRange, jiffies());
      wbs.set(key, wb);
    }
    return wb;
  };

  const wbOfFile = (file: CachedFile): Wb => {
    let wb = byFileId[file.id];
    if (!wb) {
      wb = wbFor(diskOf(file.device));
      byFileId[file.id] = wb;
    }
    return wb;
  };

  const v2 = k.cgroups.version === 2;
  const flusher = new Flusher(k, pc, s, wbs, wbOfFile, v2, jiffies);
  const balancer = new DirtyBalancer(k, pc, s, flusher, wbOfFile, v2);
  pc.setDirtyThrottle(balancer.throttle);

  // wakeup_flusher_threads(WB_REASON_VMSCAN): reclaim met dirty pages.
  pc.onReclaimDirty(() => {
    for (const f of pc.dirtyFiles()) {
      const wb = wbOfFile(f);
      wb.background = true;
      flusher.pump(wb);
    }
  });

  registerDirtySysctls(k.vfs, s, () => {
    for (const wb of wbs.values()) {
      if (flusher.overBgThresh(wb)) flusher.startBackground(wb);
      if (flusher.wbReclaimable(wb) > 0) flusher.armPeriodic(wb);
    }
  });

  k.vfs.register(DIRTY_THROTTLE_PATH, {
    read: () => `${POLICIES.map((p) => (p === balancer.policy ? `[${p}]` : p)).join(' ')}\n`,
    write: (v) => {
      const p = v.trim() as ThrottlePolicy;
      if (!POLICIES.includes(p)) fail('EINVAL', `expected one of ${POLICIES.join(', ')}, got "${v}"`);
      balancer.policy = p;
    },
  });

  // ---- stable pages ----
  const stableWrites = (wb: Wb): boolean => {
    if (!wb.disk) return false;
    const p = `/sys/block/${wb.disk.name}/queue/stable_writes`;
    return k.vfs.exists(p) && k.vfs.read(p).trim() === '1';
  };
  const underWriteback = (file: CachedFile, range: PageRange): boolean => {
    if (file.nrWriteback === 0) return false;
    const end = Math.min(file.pages, range.index + range.pages);
    for (let i = range.index; i < end; i++) if (pc.isWriteback(file, i)) return true;
    return false;
  };
  flusher.onWriteoutDone((wb, file) => {
    if (wb.stableWaiters.length === 0) return;
    const keep: Waiter[] = [];
    for (const w of wb.stableWaiters) {
      if (w.file === file && !underWriteback(w.file, w.range)) wakeWhenBlocked(k, w.task);
      else keep.push(w);
    }
    wb.stableWaiters.length = 0;
    wb.stableWaiters.push(...keep);
  });

  // ---- /sys/class/bdi/<MAJ:MIN>/ ----
  const registerBdi = (disk: BlockDeviceInfo): void => {
    const wb = wbFor(disk);
    const base = `/sys/class/bdi/${disk.devt}`;
    const parsePct = (v: string): number => {
      const t = v.trim();
      if (!/^\d+$/.test(t)) fail('EINVAL', `expected a percentage, got "${v}"`);
      return Number(t);
    };
    k.vfs.register(`${base}/min_ratio`, {
      read: () => `${wb.minRatio}\n`,
      write: (v) => {
        // bdi_set_min_ratio(): not above max_ratio, and the sum over all bdis stays below 100.
        const n = parsePct(v);
        if (n > wb.maxRatio) fail('EINVAL', `min_ratio ${n} is above max_ratio ${wb.maxRatio}`);
        let others = 0;
        for (const w of wbs.values()) if (w !== wb) others += w.minRatio;
        if (others + n >= 100) fail('EINVAL', `the min_ratio of all bdis would reach ${others + n} (must stay below 100)`);
        wb.minRatio = n;
      },
    });
    k.vfs.register(`${base}/max_ratio`, {
      read: () => `${wb.maxRatio}\n`,
      write: (v) => {
        const n = parsePct(v);
        if (n > 100) fail('EINVAL', `max_ratio ${n} is above 100`);
        if (n < wb.minRatio) fail('EINVAL', `max_ratio ${n} is below min_ratio ${wb.minRatio}`);
        wb.maxRatio = n;
      },
    });
    k.vfs.register(`${base}/stable_pages_required`, { read: () => (stableWrites(wb) ? '1\n' : '0\n') });
    k.vfs.register(`/sys/kernel/debug/bdi/${disk.devt}/stats`, { read: () => bdiStats(wb) });
  };

  /** mm/backing-dev.c: bdi_debug_stats_show(). b_io/b_more_io lists are not kept (0). */
  const bdiStats = (wb: Wb): string => {
    const K = (pages: number): number => pages * 4;
    const { thresh, bgThresh } = domainDirtyLimits(pc.dirtyableMemory(), s);
    let writeback = 0;
    let reclaimable = 0;
    let dirtyInodes = 0;
    for (const f of pc.files()) {
      if (wbOfFile(f) !== wb) continue;
      writeback += f.nrWriteback;
      reclaimable += f.nrDirty;
      if (f.nrDirty > 0) dirtyInodes++;
    }
    const wbThresh = wbCalcThresh(wb, [...wbs.values()], thresh, k.now);
    // WB_registered | WB_writeback_running | WB_has_dirty_io
    const state = 1 | (wb.inflight > 0 ? 2 : 0) | (reclaimable + writeback > 0 ? 4 : 0);
    const row = (name: string, v: number, unit = ''): string => `${`${name}:`.padEnd(20)}${String(v).padStart(10)}${unit}\n`;
    return (
      row('BdiWriteback', K(writeback), ' kB') +
      row('BdiReclaimable', K(reclaimable), ' kB') +
      row('BdiDirtyThresh', K(wbThresh), ' kB') +
      row('DirtyThresh', K(thresh), ' kB') +
      row('BackgroundThresh', K(bgThresh), ' kB') +
      row('BdiDirtied', K(wb.dirtied), ' kB') +
      row('BdiWritten', K(wb.written), ' kB') +
      row('BdiWriteBandwidth', K(wb.rates.writeBw), ' kBps') +
      row('b_dirty', dirtyInodes) +
      row('b_io', 0) +
      row('b_more_io', 0) +
      row('b_dirty_time', 0) +
      row('bdi_list', 1) +
      `${'state:'.padEnd(20)}${state.toString(16).padStart(10)}\n`
    );
  };
  // ---- data=ordered: a journal commit first writes the data of the files it covers ----
  const orderedData = (dev: BlockDeviceInfo): void => {
    journalFor(k, dev).beforeCommit.push((ready) => {
      // ext3-style ordered mode (no delayed allocation): every dirty file of
      // this filesystem is in the running transaction; wait for all of it.
      // The writes are attributed like the flusher's (v2: to the owning memcg,
      // so its io.max applies — the 2011 priority inversion).
      const files = pc.files().filter((f) => f.nrDirty + f.nrWriteback > 0 && f.device !== null && k.block?.byName(f.device) === dev);
      let left = files.length;
      if (left === 0) return ready();
      for (const f of files) flusher.sync(f, () => --left === 0 && ready());
    });
  };
  if (k.block) {
    for (const d of k.block.disks()) registerBdi(d);
    for (const d of k.block.all()) orderedData(d);
    k.block.onDeviceChange((dev, action) => {
      if (action === 'add') orderedData(dev);
      if (dev.isPartition) return;
      if (action === 'add') registerBdi(dev);
      else {
        k.vfs.unregisterTree(`/sys/class/bdi/${dev.devt}`);
        k.vfs.unregisterTree(`/sys/kernel/debug/bdi/${dev.devt}`);
      }
    });
  }

  const state: WritebackState = {
    balancer,
    waitStable(task, file, range) {
      const wb = wbOfFile(file);
      if (!stableWrites(wb) || !underWriteback(file, range)) return null;
      wb.stableWaiters.push({ task, file, range });
      // folio_wait_stable() → folio_wait_writeback(): io_schedule, an io stall.
      return { kind: 'block', stall: 'io' };
    },
    syncFile(file, _task, done) {
      flusher.sync(file, done);
    },
    wbDirty(device) {
      const wb = wbs.get(diskOf(device)?.name ?? '');
      return wb ? flusher.wbDirty(wb) : 0;
    },
    wbs: () => [...wbs.values()],
    globalDirtyLimits: () => domainDirtyLimits(pc.dirtyableMemory(), s),
    pauseStats(task) {
      return balancer.stats.get(task.pid) ?? emptyPauseStats(task.name);
    },
  };
  k.vfs.register('/sys/kernel/debug/kernel-lab/writeback/pauses', { read: () => pauseTable(balancer.stats) });
  k.writeback = state;
}
