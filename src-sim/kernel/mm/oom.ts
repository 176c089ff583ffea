import { formatCpuList } from '../../scenario/cpulist';
import type { Memcg } from '../memcg/memcg';
import type { Task } from '../task';
import { OOM_SCORE_ADJ_MIN } from './constants';
import type { Mm } from './mm';
import { EV } from './stats';
import { taskMm } from './task-mm';

/** Where an OOM happened: a memcg at its limit, or the whole machine (memcg null). */
export interface OomScope {
  memcg: Memcg | null;
  /**
   * A global OOM confined to some nodes (constrained_alloc()): the
   * constraint's name for the kill log, the nodes, the OOM's totalpages
   * (their present pages + swap) and which tasks may be chosen.
   */
  constraint?: { name: 'CONSTRAINT_MEMORY_POLICY' | 'CONSTRAINT_CPUSET'; nodes: readonly number[]; totalPages: number; eligible: (t: Task) => boolean };
}

/** Page-table pages of an address space: one PTE page maps 512 pages (x86-64). */
export function pagetablePages(task: Task, mm: Mm): number {
  return Math.ceil((mm.taskRss(task) + mm.taskSwap(task)) / 512);
}

/** totalpages of the OOM context: RAM + swap globally, the memcg's max (+ its swap) for a memcg OOM. */
export function oomTotalPages(mm: Mm, scope: OomScope): number {
  if (scope.constraint) return scope.constraint.totalPages;
  if (scope.memcg === null) return mm.totalPages + mm.swapTotal;
  const m = scope.memcg;
  return Math.max(1, m.max + Math.min(m.swapMax, mm.swapTotal));
}

/**
 * mm/oom_kill.c: oom_badness(): rss + swap entries + page-table pages, plus
 * oom_score_adj × totalpages / 1000 (integer division first, as the kernel
 * does). null for unkillable tasks (oom_score_adj −1000, exited).
 */
export function oomBadness(mm: Mm, task: Task, totalPages: number): number | null {
  if (task.state === 'exited' || taskMm(task).killed) return null;
  if (task.oomScoreAdj === OOM_SCORE_ADJ_MIN) return null;
  const points = mm.taskRss(task) + mm.taskSwap(task) + pagetablePages(task, mm);
  return points + task.oomScoreAdj * Math.trunc(totalPages / 1000);
}

/** fs/proc/base.c: proc_oom_score(): (1000 + badness × 1000 / totalpages) × 2 / 3; 0 for immune tasks. */
export function oomScore(mm: Mm, task: Task): number {
  const total = mm.totalPages + mm.swapTotal;
  const b = oomBadness(mm, task, total);
  if (b === null) return 0;
  return Math.trunc(((1000 + Math.trunc((b * 1000) / total)) * 2) / 3);
}

function inScope(task: Task, scope: OomScope, mm: Mm): boolean {
  if (scope.constraint) return scope.constraint.eligible(task);
  if (scope.memcg === null) return true;
  for (let g: Memcg | null = mm.memcgOf(task.cgroup); g !== null; g = g.parent) if (g === scope.memcg) return true;
  return false;
}

/** select_bad_process(): the highest badness in scope; on ties the later task (by pid) wins, as in the kernel's scan. */
export function selectVictim(mm: Mm, scope: OomScope): Task | null {
  const total = oomTotalPages(mm, scope);
  let chosen: Task | null = null;
  let best = -Infinity;
  const tasks = [...mm.k.tasks.values()].sort((a, b) => a.pid - b.pid);
  for (const t of tasks) {
    if (t.state === 'new' || !inScope(t, scope, mm)) continue;
    const b = oomBadness(mm, t, total);
    if (b === null || b < best) continue;
    chosen = t;
    best = b;
  }
  return chosen;
}

/**
 * out_of_memory(): with vm.oom_kill_allocating_task set, a global (not memcg)
 * OOM kills the allocating task itself when it is killable, without
 * scanning for the largest.
 */
function allocatingVictim(mm: Mm, scope: OomScope, task: Task | null): Task | null {
  if (scope.memcg !== null || mm.oomKillAllocatingTask === 0 || task === null) return null;
  if (task.oomScoreAdj === OOM_SCORE_ADJ_MIN || oomBadness(mm, task, 1) === null) return null;
  return task;
}

/** mem_cgroup_get_oom_group(): the highest group with memory.oom.group=1 between the victim and the OOM domain. */
function oomGroup(mm: Mm, victim: Task, scope: OomScope): Memcg | null {
  let found: Memcg | null = null;
  const domain = scope.memcg ?? mm.rootMemcg;
  for (let g: Memcg | null = mm.memcgOf(victim.cgroup); g !== null; g = g.parent) {
    if (g.oomGroup) found = g;
    if (g === domain) break;
  }
  return found;
}

/**
 * out_of_memory(): pick a victim, kill it (and, with memory.oom.group, every
 * killable task of its group), free their memory at once (the OOM reaper).
 * Returns the killed tasks.
 */
export function oomKill(mm: Mm, scope: OomScope, reason: 'memcg' | 'global', allocating: Task | null = null): Task[] {
  const victim = allocatingVictim(mm, scope, allocating) ?? selectVictim(mm, scope);
  if (victim === null) {
    // Logged once per second at most: the allocator retries every 100 ms.
    if (mm.now - mm.lastNoVictimLogNs >= 1e9 || mm.lastNoVictimLogNs < 0) {
      mm.lastNoVictimLogNs = mm.now;
      mm.k.log.add(mm.now, 'oom_no_victim', { cgroup: scope.memcg ? scope.memcg.cg.path : '/', reason });
    }
    return [];
  }
  const killed = [victim];
  const group = oomGroup(mm, victim, scope);
  if (group !== null) {
    for (const g of group.walk()) {
      for (const t of g.cg.tasks) {
        if (t !== victim && t.state !== 'exited' && t.state !== 'new' && !taskMm(t).killed && t.oomScoreAdj !== OOM_SCORE_ADJ_MIN) killed.push(t);
      }
    }
  }
  for (const t of killed) killTask(mm, t, reason, scope);
  if (group !== null) group.event('oom_group_kill');
  return killed;
}

function killTask(mm: Mm, t: Task, reason: 'memcg' | 'global', scope: OomScope): void {
  const m = mm.memcgOf(t.cgroup);
  const rssKb = mm.taskRss(t) * 4;
  taskMm(t).killed = true;
  m.ev[EV.oom_kill]!++;
  m.event('oom_kill');
  mm.k.log.add(mm.now, 'oom_kill', {
    pid: t.pid,
    task: t.name,
    cgroup: t.cgroup.path,
    reason: reason === 'memcg' ? `memory.max of ${scope.memcg!.cg.path}` : 'global',
    anon_rss_kb: rssKb,
    ...(scope.constraint ? { constraint: scope.constraint.name, nodemask: formatCpuList(scope.constraint.nodes) } : {}),
  });
  mm.releaseTask(t);
  // The running task is not pulled out from under its own behaviour: it returns exit itself.
  if (t !== mm.current) mm.k.sched.exit(t, mm.now);
}
