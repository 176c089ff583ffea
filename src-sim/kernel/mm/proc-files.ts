import { parseKernelInt } from '../cgroup/tree';
import { fail } from '../../vfs/errors';
import type { FieldSink } from '../../vfs/fields';
import type { Kernel } from '../kernel';
import type { Task } from '../task';
import { LRU_ACTIVE_ANON, LRU_ACTIVE_FILE, LRU_INACTIVE_ANON, LRU_INACTIVE_FILE, MAX_SWAPPINESS, OOM_SCORE_ADJ_MAX, OOM_SCORE_ADJ_MIN } from './constants';
import type { Mm } from './mm';
import { oomScore, pagetablePages } from './oom';
import { EV, EV_NAMES } from './stats';
import { taskMm } from './task-mm';
import { hugetlbMeminfoCounts, hugetlbMeminfoKb, registerHugetlbFiles } from './hugetlb-files';
import { registerThpFiles, thpVmstat } from './thp-files';
import { zswapMeminfo, zswapVmstat } from './zswap-files';
import { balloonVmstat } from './balloon-files';
import { zoneWatermarks, type Watermarks } from './watermarks';

function lru(mm: Mm, l: number): number {
  let s = 0;
  for (const m of mm.memcgs) s += m.lruvec.size[l]!;
  return s;
}

function ev(mm: Mm, i: number): number {
  let s = 0;
  for (const m of mm.memcgs) s += m.ev[i]!;
  return s;
}

function pagetablesAll(mm: Mm): number {
  let n = 0;
  for (const t of mm.k.tasks.values()) if (t.state !== 'exited') n += pagetablePages(t, mm);
  return n;
}

/** mm/page_alloc.c: si_mem_available(). */
export function memAvailable(mm: Mm): number {
  const file = lru(mm, LRU_ACTIVE_FILE) + lru(mm, LRU_INACTIVE_FILE);
  let avail = mm.nrFree() - mm.totalReserve;
  avail += file - Math.min(Math.floor(file / 2), mm.wlow);
  return Math.max(0, avail);
}

/** fs/proc/meminfo.c: show_val_kb(): 16-column label, 8-wide value, " kB". */
function kb(label: string, pages: number): string {
  return `${`${label}:`.padEnd(16)}${String(pages * 4).padStart(8)} kB\n`;
}

export function meminfo(mm: Mm): string {
  return meminfoRows(mm, kb, hugetlbMeminfoCounts).join('');
}

/**
 * /proc/meminfo's rows through `kb` (a value in pages) and `hugetlbCounts`
 * (the HugePages_* lines): the text's lines, or the recorder's fields.
 */
function meminfoRows<T>(mm: Mm, kb: (label: string, pages: number) => T, hugetlbCounts: (mm: Mm) => T): T[] {
  const ia = lru(mm, LRU_INACTIVE_ANON);
  const aa = lru(mm, LRU_ACTIVE_ANON);
  const inf = lru(mm, LRU_INACTIVE_FILE);
  const af = lru(mm, LRU_ACTIVE_FILE);
  const pc = mm.pageCache;
  const commitLimit = mm.commitLimit();
  return [
    kb('MemTotal', mm.totalPages),
    kb('MemFree', mm.nrFree()),
    kb('MemAvailable', memAvailable(mm)),
    kb('Buffers', 0),
    kb('Cached', inf + af),
    kb('SwapCached', 0),
    kb('Active', aa + af),
    kb('Inactive', ia + inf),
    kb('Active(anon)', aa),
    kb('Inactive(anon)', ia),
    kb('Active(file)', af),
    kb('Inactive(file)', inf),
    kb('Unevictable', 0),
    kb('Mlocked', 0),
    kb('SwapTotal', mm.swapTotal),
    kb('SwapFree', mm.swapTotal - mm.swapUsed),
    ...zswapMeminfo(mm, kb),
    kb('Dirty', pc.nrFileDirty()),
    kb('Writeback', pc.nrWriteback()),
    kb('AnonPages', ia + aa),
    kb('Mapped', 0),
    kb('Shmem', 0),
    kb('KReclaimable', 0),
    kb('Slab', 0),
    kb('SReclaimable', 0),
    kb('SUnreclaim', 0),
    kb('KernelStack', 0),
    kb('PageTables', pagetablesAll(mm)),
    kb('CommitLimit', commitLimit),
    kb('Committed_AS', mm.committedPages),
    kb('AnonHugePages', mm.thp.mapped * 512),
    hugetlbCounts(mm),
    kb('Hugepagesize', 512),
    kb('Hugetlb', hugetlbMeminfoKb(mm) / 4),
  ];
}

/**
 * meminfo()'s numbers as the recorder parses them (VirtualFile.sample): "Label"
 * for the kB lines, "HugePages_Total:" (colon kept) for the unit-less ones.
 */
function meminfoFields(mm: Mm, o: FieldSink): void {
  meminfoRows(
    mm,
    (label, pages) => o.field(label, pages * 4),
    () => {
      const h = mm.hugetlb;
      o.field('HugePages_Total:', h.total);
      o.field('HugePages_Free:', h.free);
      o.field('HugePages_Rsvd:', h.resv);
      o.field('HugePages_Surp:', h.surplus);
    },
  );
}

/** /proc/vmstat: the counters the model produces, kernel names and order. */
export function vmstat(mm: Mm): string {
  const pc = mm.pageCache;
  const ia = lru(mm, LRU_INACTIVE_ANON);
  const aa = lru(mm, LRU_ACTIVE_ANON);
  const inf = lru(mm, LRU_INACTIVE_FILE);
  const af = lru(mm, LRU_ACTIVE_FILE);
  const rows: [string, number][] = [
    ['nr_free_pages', mm.nrFree()],
    ['nr_zone_inactive_anon', ia],
    ['nr_zone_active_anon', aa],
    ['nr_zone_inactive_file', inf],
    ['nr_zone_active_file', af],
    ['nr_zone_unevictable', 0],
    ['nr_zone_write_pending', pc.nrFileDirty() + pc.nrWriteback()],
    ['nr_inactive_anon', ia],
    ['nr_active_anon', aa],
    ['nr_inactive_file', inf],
    ['nr_active_file', af],
    ['nr_unevictable', 0],
    ['nr_anon_pages', ia + aa],
    ['nr_mapped', 0],
    ['nr_file_pages', inf + af],
    ['nr_dirty', pc.nrFileDirty()],
    ['nr_writeback', pc.nrWriteback()],
    ['nr_shmem', 0],
    ['nr_page_table_pages', pagetablesAll(mm)],
    ['nr_swapcached', 0],
  ];
  const evRows: [string, number][] = [
    ['workingset_refault_anon', EV.workingset_refault_anon],
    ['workingset_refault_file', EV.workingset_refault_file],
    ['workingset_activate_anon', EV.workingset_activate_anon],
    ['workingset_activate_file', EV.workingset_activate_file],
    ['workingset_restore_anon', EV.workingset_restore_anon],
    ['workingset_restore_file', EV.workingset_restore_file],
    ['pgpgin', EV.pgpgin],
    ['pgpgout', EV.pgpgout],
    ['pswpin', EV.pswpin],
    ['pswpout', EV.pswpout],
    ['pgalloc_normal', EV.pgalloc],
    ['allocstall_normal', EV.allocstall],
    ['pgfree', EV.pgfree],
    ['pgactivate', EV.pgactivate],
    ['pgdeactivate', EV.pgdeactivate],
    ['pgfault', EV.pgfault],
    ['pgmajfault', EV.pgmajfault],
    ['pgrefill', EV.pgrefill],
    ['pgsteal_kswapd', EV.pgsteal_kswapd],
    ['pgsteal_direct', EV.pgsteal_direct],
    ['pgscan_kswapd', EV.pgscan_kswapd],
    ['pgscan_direct', EV.pgscan_direct],
    ['pgscan_anon', EV.pgscan_anon],
    ['pgscan_file', EV.pgscan_file],
    ['pgsteal_anon', EV.pgsteal_anon],
    ['pgsteal_file', EV.pgsteal_file],
  ].map(([name, i]) => [name as string, ev(mm, i as number)]);
  const tail: [string, number][] = [
    ['pageoutrun', mm.pageoutrun],
    ['oom_kill', ev(mm, EV.oom_kill)],
  ];
  void EV_NAMES;
  return [...rows, ...evRows, ...tail].map(([k, v]) => `${k} ${v}\n`).join('') + thpVmstat(mm) + balloonVmstat(mm) + zswapVmstat(mm);
}

/** mm/vmstat.c: zoneinfo_show_print(), the watermark part: Normal per node, and Movable once memory hot-plug onlined a block there. */
export function zoneinfo(mm: Mm): string {
  const mb = mm.memoryBlocks;
  const zone = (node: number, name: string, free: number, wm: Watermarks, present: number, managed: number): string =>
    `Node ${node}, zone ${name.padStart(8)}\n` +
    `  pages free     ${free}\n` +
    `        boost    0\n` +
    `        min      ${wm.min}\n` +
    `        low      ${wm.low}\n` +
    `        high     ${wm.high}\n` +
    `        promo    ${wm.promo}\n` +
    `        spanned  ${present}\n` +
    `        present  ${present}\n` +
    `        managed  ${managed}\n` +
    `        cma      0\n` +
    `        protection: (0, 0, 0, 0, 0)\n`;
  return mm.zones
    .map((z) => {
      const zfree = mm.ft.nrFreeNode[z.node]!;
      if (mb === null || !mb.movableSpanned[z.node]) return zone(z.node, 'Normal', zfree, z.wm, z.present, z.managed);
      // The allocator checks the node's summed watermarks; each zone's share is shown here.
      const mvPresent = mb.movablePresent[z.node]!;
      const mvManaged = mb.movableManaged[z.node]!;
      const mvFree = mb.movableFree(z.node);
      const wmOf = (managed: number): Watermarks => zoneWatermarks(managed, mm.totalPages, mm.minFreeKbytes, mm.watermarkScaleFactor);
      return (
        zone(z.node, 'Normal', zfree - mvFree, wmOf(z.managed - mvManaged), z.present - mvPresent, z.managed - mvManaged) +
        zone(z.node, 'Movable', mvFree, wmOf(mvManaged), mvPresent, mvManaged)
      );
    })
    .join('');
}

/** An integer sysctl: proc_dointvec_minmax (EINVAL outside [lo, hi] or on non-integers). */
function intSysctl(get: () => number, set: (v: number) => void, lo: number, hi: number) {
  return {
    read: () => `${get()}\n`,
    write: (d: string) => {
      const v = parseKernelInt(d);
      if (v < lo || v > hi) fail('EINVAL', `value must be in [${lo}, ${hi}]`);
      set(v);
    },
  };
}

export function registerProcFiles(k: Kernel, mm: Mm): void {
  const vfs = k.vfs;
  vfs.register('/proc/meminfo', { read: () => meminfo(mm), sample: (o) => meminfoFields(mm, o), observable: true });
  vfs.register('/proc/vmstat', { read: () => vmstat(mm), observable: true });
  vfs.register('/proc/zoneinfo', { read: () => zoneinfo(mm) });
  registerThpFiles(k, mm);
  registerHugetlbFiles(k, mm);
  const vm = (name: string, f: ReturnType<typeof intSysctl>): void => vfs.register(`/proc/sys/vm/${name}`, f);
  vm('swappiness', intSysctl(() => mm.swappiness, (v) => (mm.swappiness = v), 0, MAX_SWAPPINESS));
  vm(
    'min_free_kbytes',
    intSysctl(
      () => mm.minFreeKbytes,
      (v) => {
        mm.minFreeKbytes = v;
        mm.setupWatermarks();
      },
      0,
      2 ** 31 - 1,
    ),
  );
  vm(
    'watermark_scale_factor',
    intSysctl(
      () => mm.watermarkScaleFactor,
      (v) => {
        mm.watermarkScaleFactor = v;
        mm.setupWatermarks();
      },
      1,
      3000,
    ),
  );
  vm('watermark_boost_factor', intSysctl(() => 15000, () => undefined, 0, 2 ** 31 - 1));
  vm('vfs_cache_pressure', intSysctl(() => mm.vfsCachePressure, (v) => (mm.vfsCachePressure = v), 0, 2 ** 31 - 1));
  vm('overcommit_memory', intSysctl(() => mm.overcommitMemory, (v) => (mm.overcommitMemory = v), 0, 2));
  vm('overcommit_ratio', intSysctl(() => mm.overcommitRatio, (v) => (mm.overcommitRatio = v), 0, 2 ** 31 - 1));
  vm('panic_on_oom', intSysctl(() => mm.panicOnOom, (v) => (mm.panicOnOom = v), 0, 2));
  vm('oom_kill_allocating_task', intSysctl(() => mm.oomKillAllocatingTask, (v) => (mm.oomKillAllocatingTask = v), 0, 2 ** 31 - 1));
  vm('oom_dump_tasks', intSysctl(() => mm.oomDumpTasks, (v) => (mm.oomDumpTasks = v), 0, 2 ** 31 - 1));
  vm('page-cluster', intSysctl(() => mm.pageCluster, (v) => (mm.pageCluster = v), 0, 31));
  const stored: [string, string][] = [
    ['watermark_boost_factor', 'watermark boosting after fragmentation events is not modelled (no page orders)'],
    ['vfs_cache_pressure', 'dentry and inode caches are not modelled'],
    ['panic_on_oom', 'a kernel panic would end the run; the OOM killer runs instead'],
    ['page-cluster', 'swap-in reads one page per fault (no swap readahead)'],
    ['oom_dump_tasks', 'the OOM report is the oom_kill event'],
  ];
  for (const [name, why] of stored) vfs.markNotSimulated(`/proc/sys/vm/${name}`, why);
  vfs.register('/proc/sys/vm/drop_caches', {
    read: () => '0\n',
    write: (d) => {
      const v = parseKernelInt(d);
      if (v < 1 || v > 4) fail('EINVAL', 'drop_caches takes 1..4');
      if (v & 1) for (const f of mm.pageCache.files()) mm.pageCache.dropClean(f);
    },
  });
  // Simulator knob (not a kernel sysctl): which v1 soft-limit reclaim variant runs.
  vfs.register('/proc/sys/vm/lab_soft_limit_policy', {
    read: () => `${mm.softLimitPolicy}\n`,
    write: (d) => {
      const v = d.trim();
      if (v !== 'largest-excess' && v !== 'round-robin') fail('EINVAL', `expected "largest-excess" or "round-robin", got "${d}"`);
      mm.softLimitPolicy = v;
    },
  });
}

/** /proc/<pid>/oom_score and oom_score_adj for every task not yet given them. */
export function registerTaskFiles(k: Kernel, mm: Mm): void {
  for (const t of k.tasks.values()) registerTaskOomFiles(k, mm, t);
}

export function registerTaskOomFiles(k: Kernel, mm: Mm, t: Task): void {
  const tm = taskMm(t);
  if (tm.procFiles || t.state === 'exited') return;
  tm.procFiles = true;
  k.vfs.register(`/proc/${t.pid}/oom_score`, { read: () => `${oomScore(mm, t)}\n` });
  k.vfs.register(`/proc/${t.pid}/oom_score_adj`, {
    read: () => `${t.oomScoreAdj}\n`,
    write: (d) => {
      const v = parseKernelInt(d);
      if (v < OOM_SCORE_ADJ_MIN || v > OOM_SCORE_ADJ_MAX) fail('EINVAL', `oom_score_adj must be in [${OOM_SCORE_ADJ_MIN}, ${OOM_SCORE_ADJ_MAX}]`);
      t.oomScoreAdj = v;
    },
  });
}
