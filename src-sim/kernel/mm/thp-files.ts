/**
 * The files of THP, compaction and the buddy allocator: transparent_hugepage
 * sysfs, /proc/buddyinfo, vm.compact_memory, the thp_* and compact_* lines
 * of /proc/vmstat.
 */
import { fail } from '../../vfs/errors';
import type { Kernel } from '../kernel';
import { HPAGE_PMD_NR } from './frames';
import type { Mm } from './mm';
import { THP_DEFRAG, THP_ENABLED, THP_EV } from './thp';

/** include/linux/mmzone.h: MAX_PAGE_ORDER 10 (x86-64): /proc/buddyinfo has orders 0..10. */
export const MAX_PAGE_ORDER = 10;

/** "always [madvise] never": every choice, the current one in brackets (mm/huge_memory.c: enabled_show). */
function choices(all: readonly string[], cur: string): string {
  return `${all.map((c) => (c === cur ? `[${c}]` : c)).join(' ')}\n`;
}

/**
 * Free blocks of each order on node `n`, as the buddy allocator would hold
 * them fully merged: every aligned 2^MAX_PAGE_ORDER block of free frames is
 * one top-order page, and a block with used frames splits into its halves.
 * Walks the node's frames (O(frames) per read).
 */
export function buddyCounts(mm: Mm, n: number): number[] {
  const ft = mm.ft;
  const lo = ft.base[n]!;
  const hi = ft.base[n + 1]!;
  const counts = new Array<number>(MAX_PAGE_ORDER + 1).fill(0);
  const free = new Uint8Array(hi - lo);
  for (let f = lo; f < hi; f++) free[f - lo] = ft.isFree(f) ? 1 : 0;
  // Buddies are aligned on physical frame numbers, not on the node's first frame.
  const count = (start: number, order: number): void => {
    const size = 1 << order;
    let all = true;
    for (let f = start; f < start + size; f++) {
      if (f < lo || f >= hi || free[f - lo] === 0) {
        all = false;
        break;
      }
    }
    if (all) {
      counts[order]!++;
      return;
    }
    if (order === 0) return;
    count(start, order - 1);
    count(start + (size >> 1), order - 1);
  };
  const top = 1 << MAX_PAGE_ORDER;
  for (let start = Math.floor(lo / top) * top; start < hi; start += top) count(start, MAX_PAGE_ORDER);
  return counts;
}

/** mm/vmstat.c: frag_show_print(): "Node N, zone   Normal" then one %6lu column per order. */
export function buddyinfo(mm: Mm): string {
  return mm.zones.map((z) => `Node ${z.node}, zone ${'Normal'.padStart(8)} ${buddyCounts(mm, z.node).map((c) => `${String(c).padStart(6)} `).join('')}\n`).join('');
}

/** The compact_* and thp_* lines of /proc/vmstat (kernel order). */
export function thpVmstat(mm: Mm): string {
  return THP_EV.map((e, i) => `${e} ${mm.thp.ev[i]!}\n`).join('');
}

/** mm/compaction.c: compact_nodes(): compact every node until no block can be freed. */
export function compactAll(mm: Mm): number {
  let ns = 0;
  for (const nd of mm.nodeIds) {
    for (let i = 0; i < mm.ft.blockFree.length; i++) {
      const r = mm.thp.compact([nd], true);
      ns += r.ns;
      if (r.first < 0) break;
      for (let f = r.first; f < r.first + HPAGE_PMD_NR; f++) mm.ft.release(f);
    }
  }
  return ns;
}

export function registerThpFiles(k: Kernel, mm: Mm): void {
  const vfs = k.vfs;
  const thp = mm.thp;
  const dir = '/sys/kernel/mm/transparent_hugepage';
  vfs.register(`${dir}/enabled`, {
    read: () => choices(THP_ENABLED, thp.enabled),
    write: (d) => {
      const v = THP_ENABLED.find((c) => c === d.trim());
      if (v === undefined) fail('EINVAL', `expected one of ${THP_ENABLED.join(', ')}`);
      thp.enabled = v;
      // start_stop_khugepaged(): regions that became eligible are scanned from now on.
      if (mm.objects.some((o) => o !== null && o.owner !== null && thp.eligible(o))) thp.enterKhugepaged();
    },
  });
  vfs.register(`${dir}/defrag`, {
    read: () => choices(THP_DEFRAG, thp.defrag),
    write: (d) => {
      const v = THP_DEFRAG.find((c) => c === d.trim());
      if (v === undefined) fail('EINVAL', `expected one of ${THP_DEFRAG.join(', ')}`);
      thp.defrag = v;
    },
  });
  vfs.register(`${dir}/hpage_pmd_size`, { read: () => `${HPAGE_PMD_NR * 4096}\n` });
  const kh = `${dir}/khugepaged`;
  const knob = (name: string, get: () => number, set: (v: number) => void, lo: number, hi: number): void =>
    vfs.register(`${kh}/${name}`, {
      read: () => `${get()}\n`,
      write: (d) => {
        const v = Number(d.trim());
        if (!Number.isInteger(v) || v < lo || v > hi) fail('EINVAL', `expected an integer from ${lo} to ${hi}, got "${d.trim()}"`);
        set(v);
      },
    });
  knob('pages_to_scan', () => thp.khugepagedPagesToScan, (v) => (thp.khugepagedPagesToScan = v), 1, 2 ** 31 - 1);
  knob('scan_sleep_millisecs', () => thp.khugepagedSleepMs, (v) => (thp.khugepagedSleepMs = v), 0, 2 ** 31 - 1);
  knob('alloc_sleep_millisecs', () => thp.khugepagedAllocSleepMs, (v) => (thp.khugepagedAllocSleepMs = v), 0, 2 ** 31 - 1);
  knob('defrag', () => thp.khugepagedDefrag, (v) => (thp.khugepagedDefrag = v), 0, 1);
  knob('max_ptes_none', () => thp.maxPtesNone, (v) => (thp.maxPtesNone = v), 0, HPAGE_PMD_NR - 1);
  vfs.register(`${kh}/pages_collapsed`, { read: () => `${thp.pagesCollapsed}\n` });
  vfs.register(`${kh}/full_scans`, { read: () => `${thp.fullScans}\n` });
  vfs.register('/proc/buddyinfo', { read: () => buddyinfo(mm) });
  vfs.register('/proc/sys/vm/compact_memory', {
    read: () => '0\n',
    write: (d) => {
      if (d.trim() !== '1') fail('EINVAL', 'compact_memory takes 1');
      mm.kswapdCpuNs += compactAll(mm);
    },
  });
  // Simulator knob (not a kernel sysctl): the TLB miss cost of the huge-page speed-up model.
  vfs.register('/proc/sys/vm/lab_tlb_walk_pct', {
    read: () => `${thp.tlbWalkPct}\n`,
    write: (d) => {
      const v = Number(d.trim());
      if (!Number.isInteger(v) || v < 0 || v > 1000) fail('EINVAL', `expected an integer from 0 to 1000, got "${d.trim()}"`);
      thp.tlbWalkPct = v;
    },
  });
}
