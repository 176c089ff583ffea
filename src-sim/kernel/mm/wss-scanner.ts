import type { Cgroup } from '../cgroup/cgroup';
import type { Kernel } from '../kernel';
import type { Memcg } from '../memcg/memcg';
import type { Behaviour, Step, Task } from '../task';
import type { RunSpec } from '../../scenario/types';
import { LRU_NONE } from './constants';
import type { Mm } from './mm';

type WssScannerSpec = Extract<RunSpec, { type: 'wss-scanner' }>;

/** PFNs the scanner handles per read/write of the bitmap (an 8 KiB buffer of 64-bit words; model granularity). */
export const WSS_CHUNK_PFNS = 65536;

/** The per-cgroup file the scanner's results are shown in. `lab_`: a simulator file, not a kernel one. */
export const WSS_FILE = 'memory.lab_wss';

/**
 * The latest working-set estimate per memcg, as the scanner published it
 * after its last complete scan (pages, by memcg index, not hierarchical).
 */
export class WssEstimates {
  accessed: number[] = [];
  idle: number[] = [];
  /** Scans that produced an estimate (the first pass only marks pages idle). */
  scans = 0;
  /** When the last estimate was published, ns (−1: none yet). */
  lastNs = -1;

  /** Pages of `m` and its descendants found accessed / idle in the last scan. */
  hierarchical(mm: Mm, m: Memcg): { accessed: number; idle: number } {
    let accessed = 0;
    let idle = 0;
    for (const g of mm.memcgs) {
      for (let a: Memcg | null = g; a !== null; a = a.parent) {
        if (a === m) {
          accessed += this.accessed[g.index] ?? 0;
          idle += this.idle[g.index] ?? 0;
          break;
        }
      }
    }
    return { accessed, idle };
  }
}

/**
 * `memory.lab_wss` in every cgroup while a scenario has a wss-scanner task
 * (the file stands for the tool's output; it is not a kernel interface):
 * `wss_bytes` (pages found accessed during the last scan period, this group
 * and its descendants), `idle_bytes` (pages found still idle: cold memory),
 * `scans` (estimates published so far).
 */
export function registerWssFile(k: Kernel, mm: Mm, cg: Cgroup, m: Memcg, est: WssEstimates): void {
  k.cgroups.registerFile(cg, 'memory', WSS_FILE, {
    read: () => {
      const h = est.hierarchical(mm, m);
      return `wss_bytes ${h.accessed * 4096}\nidle_bytes ${h.idle * 4096}\nscans ${est.scans}\n`;
    },
    observable: true,
  });
}

/**
 * `{ type: wss-scanner, period: 2m, page_cost: 290ns }`: a user-space
 * working-set estimator built on idle page tracking, as the tools the talk
 * describes work. Every `period` (start to start) it walks all PFNs in
 * chunks of WSS_CHUNK_PFNS: reads the chunk of
 * /sys/kernel/mm/page_idle/bitmap, counts each LRU page whose bit is clear
 * (accessed since the last pass) or set (idle) against the page's memcg
 * (what /proc/kpagecgroup tells a real tool), and writes all ones back to
 * mark every page idle again. The very first pass only marks. Each chunk is
 * a CPU step of chunk × page_cost ns on the scheduler, so the scanner's
 * time competes with other tasks and shows in its /proc/<pid>/stat and its
 * cgroup's cpu.stat. After each complete scan the estimates are published
 * (memory.lab_wss) and a `wss_scan` event is logged.
 */
export function wssScannerBehaviour(k: Kernel, mm: Mm, _task: Task, spec: WssScannerSpec, est: WssEstimates): Behaviour {
  const pi = mm.pageIdle;
  const maxPfn = pi.maxPfn;
  const words = new Uint32Array(WSS_CHUNK_PFNS / 32);
  const cpu = { kind: 'cpu' as const, ns: 0 };
  const sleep = { kind: 'sleep' as const, ns: 0 };
  let scanStart = -1;
  let pfn = 0;
  let pass = 0;
  let cpuNs = 0;
  let accessed: number[] = [];
  let idle: number[] = [];

  /** Read, attribute and re-mark PFNs [lo, lo + WSS_CHUNK_PFNS). */
  const chunk = (lo: number): number => {
    const hi = Math.min(maxPfn, lo + WSS_CHUNK_PFNS);
    if (pass > 0) {
      pi.readWords(lo, words);
      const lv = mm.ft.lv;
      const list = mm.ft.list;
      for (let p = lo; p < hi; p++) {
        // Words carry 1 only for LRU pages; a 0 counts when the frame is one (what /proc/kpageflags tells a tool).
        if (list[p] === LRU_NONE || !pi.isLruPage(p)) continue;
        const m = lv[p]!;
        const i = p - lo;
        if (words[i >>> 5]! & (1 << (i & 31))) idle[m] = (idle[m] ?? 0) + 1;
        else accessed[m] = (accessed[m] ?? 0) + 1;
      }
    }
    words.fill(0xffffffff);
    pi.writeWords(lo, words);
    return hi - lo;
  };

  const publish = (t: Task, now: number): void => {
    if (pass > 0) {
      est.accessed = accessed;
      est.idle = idle;
      est.scans++;
      est.lastNs = now;
      let total = 0;
      for (const n of accessed) total += n ?? 0;
      k.log.add(now, 'wss_scan', { pid: t.pid, task: t.name, scan: est.scans, pfns: maxPfn, accessed_kb: total * 4, cpu_ns: cpuNs });
    }
    pass++;
    accessed = [];
    idle = [];
    cpuNs = 0;
  };

  const next = (t: Task, now: number): Step => {
    if (scanStart >= 0 && pfn >= maxPfn) {
      // The last chunk's CPU time is spent: the scan is complete.
      publish(t, now);
      pfn = 0;
      const at = scanStart + spec.periodNs;
      scanStart = -1;
      if (at > now) {
        sleep.ns = at - now;
        return sleep;
      }
    }
    if (scanStart < 0) scanStart = now;
    const n = chunk(pfn);
    pfn += n;
    cpu.ns = n * spec.pageCostNs;
    cpuNs += cpu.ns;
    // A zero-cost scan still takes one engine step per chunk.
    if (cpu.ns === 0) cpu.ns = 1;
    return cpu;
  };
  return { next };
}
