import type { Cgroup } from '../cgroup/cgroup';
import { parseKernelInt } from '../cgroup/tree';
import { fail } from '../../vfs/errors';
import type { VirtualFile } from '../../vfs/vfs';
import type { Kernel } from '../kernel';
import { LRU_ACTIVE_ANON, LRU_ACTIVE_FILE, LRU_INACTIVE_ANON, LRU_INACTIVE_FILE, MAX_RECLAIM_RETRIES, MAX_SWAPPINESS, PAGE_COUNTER_MAX } from '../mm/constants';
import type { Mm } from '../mm/mm';
import { pagetablePages } from '../mm/oom';
import { EV } from '../mm/stats';
import { MEMCG_EVENTS } from '../mm/stats';
import type { Memcg } from './memcg';
import { memparse, pageCounterMemparse, printPages, printPagesV1 } from './parse';

const P = 4096;

function lruSum(m: Memcg, lru: number): number {
  return m.sum((g) => g.lruvec.size[lru]!);
}

function pagetables(mm: Mm, m: Memcg): number {
  let n = 0;
  for (const g of m.walk()) for (const t of g.cg.tasks) if (t.state !== 'exited') n += pagetablePages(t, mm);
  return n;
}

/** memory.stat (v2), keys in the kernel's memory_stats[] order; bytes, then event counts. */
export function memoryStatV2(mm: Mm, m: Memcg): string {
  return memoryStatV2Rows(mm, m).map(([k, v]) => `${k} ${v}\n`).join('');
}

/** memory.stat (v2)'s rows, for its text and the recorder's numeric path (VirtualFile.sample). */
export function memoryStatV2Rows(mm: Mm, m: Memcg): [string, number][] {
  const ev = (i: number): number => m.evTotal(i);
  const rows: [string, number][] = [
    ['anon', m.sum((g) => g.anon) * P],
    ['file', m.sum((g) => g.file) * P],
    ['kernel', pagetables(mm, m) * P],
    ['kernel_stack', 0],
    ['pagetables', pagetables(mm, m) * P],
    ['sec_pagetables', 0],
    ['percpu', 0],
    ['sock', 0],
    ['vmalloc', 0],
    ['shmem', 0],
    ['zswap', mm.zswap ? mm.zswap.subtree(m, (z) => z.bytes) : 0],
    ['zswapped', mm.zswap ? mm.zswap.subtree(m, (z) => z.stored) * P : 0],
    ['file_mapped', 0],
    ['file_dirty', m.sum((g) => g.fileDirty) * P],
    ['file_writeback', m.sum((g) => g.fileWriteback) * P],
    ['swapcached', 0],
    ['anon_thp', 0],
    ['file_thp', 0],
    ['shmem_thp', 0],
    ['inactive_anon', lruSum(m, LRU_INACTIVE_ANON) * P],
    ['active_anon', lruSum(m, LRU_ACTIVE_ANON) * P],
    ['inactive_file', lruSum(m, LRU_INACTIVE_FILE) * P],
    ['active_file', lruSum(m, LRU_ACTIVE_FILE) * P],
    ['unevictable', 0],
    ['slab_reclaimable', 0],
    ['slab_unreclaimable', 0],
    ['slab', 0],
    ['workingset_refault_anon', ev(EV.workingset_refault_anon)],
    ['workingset_refault_file', ev(EV.workingset_refault_file)],
    ['workingset_activate_anon', ev(EV.workingset_activate_anon)],
    ['workingset_activate_file', ev(EV.workingset_activate_file)],
    ['workingset_restore_anon', ev(EV.workingset_restore_anon)],
    ['workingset_restore_file', ev(EV.workingset_restore_file)],
    ['workingset_nodereclaim', 0],
    ['pswpin', ev(EV.pswpin)],
    ['pswpout', ev(EV.pswpout)],
    ['pgscan', ev(EV.pgscan_kswapd) + ev(EV.pgscan_direct)],
    ['pgsteal', ev(EV.pgsteal_kswapd) + ev(EV.pgsteal_direct)],
    ['pgscan_kswapd', ev(EV.pgscan_kswapd)],
    ['pgscan_direct', ev(EV.pgscan_direct)],
    ['pgscan_khugepaged', 0],
    ['pgsteal_kswapd', ev(EV.pgsteal_kswapd)],
    ['pgsteal_direct', ev(EV.pgsteal_direct)],
    ['pgsteal_khugepaged', 0],
    ['pgfault', ev(EV.pgfault)],
    ['pgmajfault', ev(EV.pgmajfault)],
    ['pgrefill', ev(EV.pgrefill)],
    ['pgactivate', ev(EV.pgactivate)],
    ['pgdeactivate', ev(EV.pgdeactivate)],
    ['pglazyfree', 0],
    ['pglazyfreed', 0],
    ['thp_fault_alloc', 0],
    ['thp_collapse_alloc', 0],
  ];
  // memcg_vm_event_stat[]: ZSWPIN, ZSWPOUT (5.19+), ZSWPWB (6.8+), with CONFIG_ZSWAP.
  const z = mm.zswap;
  if (z !== null && z.countersShown) {
    rows.push(['zswpin', z.subtree(m, (x) => x.zswpin)], ['zswpout', z.subtree(m, (x) => x.zswpout)]);
    if (z.writebackControl) rows.push(['zswpwb', z.subtree(m, (x) => x.zswpwb)]);
  }
  return rows;
}

/** memory.stat (v1): local then total_ (hierarchical) keys (Documentation/admin-guide/cgroup-v1/memory.rst 5.2). */
export function memoryStatV1(mm: Mm, m: Memcg): string {
  const local = (g: Memcg): [string, number][] => [
    ['cache', g.file * P],
    ['rss', g.anon * P],
    ['rss_huge', 0],
    ['shmem', 0],
    ['mapped_file', 0],
    ['dirty', g.fileDirty * P],
    ['writeback', g.fileWriteback * P],
    ['swap', g.swap * P],
    ['pgpgin', g.ev[EV.pgalloc]!],
    ['pgpgout', g.ev[EV.pgfree]!],
    ['pgfault', g.ev[EV.pgfault]!],
    ['pgmajfault', g.ev[EV.pgmajfault]!],
    ['inactive_anon', g.lruvec.size[LRU_INACTIVE_ANON]! * P],
    ['active_anon', g.lruvec.size[LRU_ACTIVE_ANON]! * P],
    ['inactive_file', g.lruvec.size[LRU_INACTIVE_FILE]! * P],
    ['active_file', g.lruvec.size[LRU_ACTIVE_FILE]! * P],
    ['unevictable', 0],
  ];
  const own = local(m);
  let limit = PAGE_COUNTER_MAX;
  for (let g: Memcg | null = m; g !== null; g = g.parent) limit = Math.min(limit, g.max);
  const lines = own.map(([k, v]) => `${k} ${v}\n`);
  lines.push(`hierarchical_memory_limit ${printPagesV1(limit)}\n`);
  lines.push(`hierarchical_memsw_limit ${printPagesV1(PAGE_COUNTER_MAX)}\n`);
  const totals = own.map(([k]) => [k, 0] as [string, number]);
  for (const g of m.walk()) local(g).forEach(([, v], i) => (totals[i]![1] += v));
  for (const [k, v] of totals) lines.push(`total_${k} ${v}\n`);
  void mm;
  return lines.join('');
}

/** memory.max / memory.limit_in_bytes write: set, then reclaim and OOM until usage fits (memory_max_write). */
function setMax(mm: Mm, m: Memcg, pages: number): void {
  m.max = pages;
  let retries = MAX_RECLAIM_RETRIES;
  for (let guard = 0; guard < 1000 && m.usage > m.max; guard++) {
    if (retries > 0) {
      const r = mm.reclaim.memcgReclaim(m, m.usage - m.max, true);
      if (r.reclaimed > 0) continue;
      retries--;
      continue;
    }
    m.event('oom');
    if (mm.outOfMemory({ memcg: m }, null, 'memcg') === 'none') break;
  }
}

/** memory.reclaim: "<bytes> [swappiness=<0-200|max>]"; EAGAIN when reclaim falls short. */
function proactiveReclaim(mm: Mm, m: Memcg, data: string): void {
  const parts = data.trim().split(/\s+/);
  const bytes = memparse(parts[0] ?? '');
  if (bytes === null) fail('EINVAL', `expected "<bytes> [swappiness=N]", got "${data}"`);
  let mayswap = true;
  for (const opt of parts.slice(1)) {
    const mt = /^swappiness=(max|\d+)$/.exec(opt);
    if (!mt) fail('EINVAL', `unknown option "${opt}"`);
    if (mt[1] !== 'max' && Number(mt[1]) > MAX_SWAPPINESS) fail('EINVAL', `swappiness ${mt[1]} above ${MAX_SWAPPINESS}`);
    if (mt[1] === '0') mayswap = false;
  }
  const want = Number(bytes / 4096n);
  let got = 0;
  let retries = MAX_RECLAIM_RETRIES;
  while (got < want && retries > 0) {
    const r = mm.reclaim.memcgReclaim(m, want - got, mayswap);
    got += r.reclaimed;
    if (r.reclaimed === 0) retries--;
  }
  if (got < want) fail('EAGAIN', `reclaimed ${got * 4096} of ${want * 4096} bytes`);
}

function limitFile(get: () => number, set: (v: number) => void, v1 = false): VirtualFile {
  return {
    read: () => `${v1 ? printPagesV1(get()) : printPages(get())}\n`,
    write: (d) => {
      set(pageCounterMemparse(d, v1 ? '-1' : 'max'));
    },
  };
}

function eventsText(m: Memcg, local: boolean): string {
  return MEMCG_EVENTS.map((e) => `${e} ${m.eventCount(e, local)}\n`).join('');
}

/** cgroup v2 memory controller files of one group. */
export function registerV2(k: Kernel, mm: Mm, cg: Cgroup, m: Memcg): void {
  const reg = (name: string, vf: VirtualFile): void => k.cgroups.registerFile(cg, 'memory', name, vf);
  reg('memory.stat', { read: () => memoryStatV2(mm, m), sample: (o) => memoryStatV2Rows(mm, m).forEach(([k, v]) => o.field(k, v)), observable: true });
  reg('memory.reclaim', { write: (d) => proactiveReclaim(mm, m, d) });
  if (cg.isRoot) return;
  reg('memory.current', { read: () => `${m.usage * P}\n`, observable: true });
  reg('memory.peak', {
    read: () => `${m.peak * P}\n`,
    write: () => {
      m.peak = m.usage;
    },
  });
  reg('memory.min', limitFile(() => m.min, (v) => (m.min = v)));
  reg('memory.low', limitFile(() => m.low, (v) => (m.low = v)));
  reg(
    'memory.high',
    limitFile(() => m.high, (v) => {
      m.high = v;
      if (m.usage > v) mm.reclaim.memcgReclaim(m, m.usage - v, true);
    }),
  );
  reg('memory.max', limitFile(() => m.max, (v) => setMax(mm, m, v)));
  reg('memory.events', { read: () => eventsText(m, false), observable: true });
  reg('memory.events.local', { read: () => eventsText(m, true) });
  reg('memory.swap.current', { read: () => `${m.swap * P}\n`, observable: true });
  reg('memory.swap.peak', { read: () => `${m.swapPeak * P}\n` });
  reg('memory.swap.max', limitFile(() => m.swapMax, (v) => (m.swapMax = v)));
  reg('memory.oom.group', {
    read: () => `${m.oomGroup ? 1 : 0}\n`,
    write: (d) => {
      const v = parseKernelInt(d);
      if (v !== 0 && v !== 1) fail('EINVAL', `memory.oom.group takes 0 or 1, got ${d}`);
      m.oomGroup = v === 1;
    },
  });
}

/** cgroup v1 memory controller files of one group (/sys/fs/cgroup/memory/...). */
export function registerV1(k: Kernel, mm: Mm, cg: Cgroup, m: Memcg): void {
  const reg = (name: string, vf: VirtualFile): void => k.cgroups.registerFile(cg, 'memory', name, vf);
  const rootRefuses = (): void => {
    if (cg.isRoot) fail('EINVAL', 'the root group has no limit');
  };
  reg('memory.usage_in_bytes', { read: () => `${m.usage * P}\n`, observable: true });
  reg('memory.max_usage_in_bytes', {
    read: () => `${m.peak * P}\n`,
    write: () => {
      m.peak = m.usage;
    },
  });
  reg('memory.limit_in_bytes', limitFile(() => m.max, (v) => (rootRefuses(), setMax(mm, m, v)), true));
  reg('memory.soft_limit_in_bytes', limitFile(() => m.softLimit, (v) => (rootRefuses(), (m.softLimit = v)), true));
  reg('memory.failcnt', {
    read: () => `${m.failcnt}\n`,
    write: () => {
      m.failcnt = 0;
    },
  });
  reg('memory.stat', { read: () => memoryStatV1(mm, m), observable: true });
  reg('memory.oom_control', {
    read: () => `oom_kill_disable 0\nunder_oom 0\noom_kill ${m.eventCount('oom_kill', true)}\n`,
    write: (d) => {
      const v = parseKernelInt(d);
      if (v !== 0) fail('EOPNOTSUPP', 'oom_kill_disable is not modelled');
    },
  });
  reg('memory.swappiness', {
    read: () => `${mm.swappinessOf(m)}\n`,
    write: (d) => {
      const v = parseKernelInt(d);
      if (v < 0 || v > MAX_SWAPPINESS) fail('EINVAL', `swappiness must be 0..${MAX_SWAPPINESS}`);
      m.swappiness = v;
    },
  });
  reg('memory.force_empty', {
    write: () => {
      rootRefuses();
      mm.reclaim.memcgReclaim(m, m.usage, true);
    },
  });
}
