/**
 * The files of the hugetlbfs pool (mm/hugetlb.c, mm/hugetlb_sysfs.c):
 * vm.nr_hugepages, /sys/kernel/mm/hugepages/hugepages-2048kB/*, the
 * per-node hugepages directories and the HugePages_* lines of meminfo.
 */
import { fail } from '../../vfs/errors';
import type { Kernel } from '../kernel';
import { HPAGE_PMD_NR } from './frames';
import type { Mm } from './mm';

/** kstrtoul / proc_doulongvec_minmax: an unsigned decimal, anything else (a sign, letters) is EINVAL. */
export function parseHugePages(d: string): number {
  const t = d.trim();
  if (!/^\+?\d+$/.test(t)) fail('EINVAL', `expected a non-negative integer number of huge pages, got "${t}"`);
  return Number(t);
}

/** mm/hugetlb.c: hugetlb_report_meminfo() (one hstate): the lines after AnonHugePages… and before DirectMap. */
export function hugetlbMeminfoCounts(mm: Mm): string {
  const h = mm.hugetlb;
  // "HugePages_Total:   %5lu": the label padded to 16, three spaces, the count 5 wide.
  const n = (label: string, v: number): string => `${`${label}:`.padEnd(16)}   ${String(v).padStart(5)}\n`;
  return n('HugePages_Total', h.total) + n('HugePages_Free', h.free) + n('HugePages_Rsvd', h.resv) + n('HugePages_Surp', h.surplus);
}

/** The Hugetlb line: every pool page of every size (nr_huge_pages, surplus included), in kB. */
export function hugetlbMeminfoKb(mm: Mm): number {
  return mm.hugetlb.total * HPAGE_PMD_NR * 4;
}

/** drivers/base/node.c: node_read_meminfo(), the hugetlb tail: "Node N HugePages_Total: %5u". */
export function nodeHugetlbMeminfo(mm: Mm, n: number): string {
  const h = mm.hugetlb;
  return `Node ${n} HugePages_Total: ${String(h.nrNode(n)).padStart(5)}\nNode ${n} HugePages_Free:  ${String(h.freeNode(n)).padStart(5)}\nNode ${n} HugePages_Surp:  ${String(h.surplusNode(n)).padStart(5)}\n`;
}

export function registerHugetlbFiles(k: Kernel, mm: Mm): void {
  const vfs = k.vfs;
  const h = mm.hugetlb;
  const write = (d: string): void => void h.setTotal(parseHugePages(d));
  // hugetlb_sysctl_handler_common() reads max_huge_pages (the persistent pool); nr_hugepages_show_common() reads nr_huge_pages.
  vfs.register('/proc/sys/vm/nr_hugepages', { read: () => `${h.persistent}\n`, write });
  const dir = '/sys/kernel/mm/hugepages/hugepages-2048kB';
  vfs.register(`${dir}/nr_hugepages`, { read: () => `${h.total}\n`, write });
  vfs.register(`${dir}/free_hugepages`, { read: () => `${h.free}\n` });
  vfs.register(`${dir}/resv_hugepages`, { read: () => `${h.resv}\n` });
  vfs.register(`${dir}/surplus_hugepages`, { read: () => `${h.surplus}\n` });
  const overcommit = { read: () => `${h.nrOvercommit}\n`, write: (d: string) => void (h.nrOvercommit = parseHugePages(d)) };
  vfs.register(`${dir}/nr_overcommit_hugepages`, overcommit);
  vfs.register('/proc/sys/vm/nr_overcommit_hugepages', overcommit);
  vfs.markNotSimulated('/proc/sys/vm/nr_overcommit_hugepages', 'surplus huge pages are not allocated on demand: an mmap(MAP_HUGETLB) beyond the free pool fails with ENOMEM as with 0');
  vfs.markNotSimulated(`${dir}/nr_overcommit_hugepages`, 'surplus huge pages are not allocated on demand: an mmap(MAP_HUGETLB) beyond the free pool fails with ENOMEM as with 0');
}

/** /sys/devices/system/node/nodeN/hugepages/hugepages-2048kB/* (multi-node machines, next to the node's meminfo). */
export function registerNodeHugetlbFiles(k: Kernel, mm: Mm, n: number): void {
  const h = mm.hugetlb;
  const dir = `/sys/devices/system/node/node${n}/hugepages/hugepages-2048kB`;
  k.vfs.register(`${dir}/nr_hugepages`, { read: () => `${h.nrNode(n)}\n`, write: (d) => void h.setNodeTotal(n, parseHugePages(d)) });
  k.vfs.register(`${dir}/free_hugepages`, { read: () => `${h.freeNode(n)}\n` });
  k.vfs.register(`${dir}/surplus_hugepages`, { read: () => `${h.surplusNode(n)}\n` });
}
