import type { Kernel } from '../../kernel/kernel';
import { HPAGE_PMD_NR } from '../../kernel/mm/frames';
import type { HugetlbMapping } from '../../kernel/mm/hugetlb';
import type { Mm } from '../../kernel/mm/mm';
import { EV } from '../../kernel/mm/stats';
import { THP_COST } from '../../kernel/mm/thp';
import type { Step, Task } from '../../kernel/task';

/** Bytes of one huge page of the default hstate (2 MiB). */
export const HPAGE_BYTES = HPAGE_PMD_NR * 4096;

/** Exit status of a task killed by SIGBUS, as a shell reports it (128 + 7). */
const SIGBUS_STATUS = 135;

/**
 * mmap(MAP_HUGETLB) of `bytes`: the length is rounded up to the huge page
 * size (ksys_mmap_pgoff: ALIGN(len, huge_page_size)) and every page is
 * reserved (hugetlb_reserve_pages). When the pool cannot promise them the
 * call fails with ENOMEM: the task logs `mmap_enomem` and exits 1, like an
 * overcommit refusal.
 */
export function mmapHugetlb(k: Kernel, mm: Mm, t: Task, bytes: number): HugetlbMapping | Step {
  const pages = Math.max(1, Math.ceil(bytes / HPAGE_BYTES));
  const allowed = mm.numa ? mm.numa.allocNodes(t) : mm.nodeIds;
  const r = mm.hugetlb.map(t, pages, allowed);
  if (typeof r !== 'string') return r;
  const h = mm.hugetlb;
  t.exitCode = 1;
  k.log.add(k.now, 'mmap_enomem', {
    pid: t.pid,
    task: t.name,
    size_kb: pages * HPAGE_PMD_NR * 4,
    hugetlb: true,
    huge_pages: pages,
    // 'pool': HugePages_Free − HugePages_Rsvd is short; 'nodes': the free pages on the task's allowed nodes are.
    reason: r === 'pool' ? 'HugePages_Free - HugePages_Rsvd < pages' : 'free huge pages on the allowed nodes < pages',
    free: h.free,
    rsvd: h.resv,
    allowed_nodes: allowed.join(','),
    allowed_free: allowed.reduce((a, n) => a + h.freeNode(n), 0),
  });
  return { kind: 'exit' };
}

/** A hugetlb fault's cost: clearing the 2 MiB page (clear_huge_page), the THP model's figure. */
export const HUGETLB_FAULT_NS = THP_COST.hugeFaultNs;

/**
 * hugetlb_fault() on huge page `i`: a page from the node the policy picks
 * (never charged to the memcg: see README), counted as one pgfault.
 * Returns false after killing the task with SIGBUS when no allowed node has
 * a free page (a reservation is global, not per node).
 */
export function faultHugetlbPage(k: Kernel, mm: Mm, t: Task, m: HugetlbMapping, i: number): boolean {
  const order = mm.numa ? mm.numa.hugetlbOrder(t, i) : mm.nodeIds;
  if (mm.hugetlb.fault(m, i, order)) {
    mm.memcgOf(t.cgroup).ev[EV.pgfault]!++;
    return true;
  }
  t.exitCode = SIGBUS_STATUS;
  k.log.add(k.now, 'hugetlb_sigbus', { pid: t.pid, task: t.name, page: i, nodes: order.join(','), free: mm.hugetlb.free, rsvd: mm.hugetlb.resv });
  return false;
}
