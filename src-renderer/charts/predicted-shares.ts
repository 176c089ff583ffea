/**
 * What cpu.weight predicts for each cgroup's CPU use, as a kernel engineer
 * reckons it: a weighted max-min fair split of the CPUs (cgroup-v2.rst
 * "Weights": siblings share their parent's CPU in proportion to cpu.weight;
 * kernel/sched/fair.c gives an idle group's share to the busy ones) that also
 * respects what limits a group below its weighted share:
 *
 * - its tasks' CPU affinity (sched_setaffinity / taskset, and cpuset.cpus):
 *   a group pinned to one CPU can use at most that CPU, and shares it only
 *   with the groups that may run there;
 * - how many CPUs its tasks can keep busy (a cpu hog 1, a periodic task
 *   busy/period), and cpu.max (quota/period);
 * - cpu.weight (and cpu.max) writes on the timeline: the prediction is a
 *   step line, one level per interval.
 *
 * The split is "progressive filling": every unfrozen group grows at the rate
 * of its effective weight (the product of weight / active siblings' weight
 * down its path) until it cannot grow without taking from another: then it
 * is frozen. Whether an allocation fits the CPUs is a max-flow from groups
 * through their task classes (tasks of a group with one affinity) to CPUs.
 * Not modelled: RT tasks, nice inside a group, load-balancing imperfection,
 * wake-up latency; those show as the gap between prediction and measurement.
 */
import type { Scenario, TaskSpec } from '../model/types';

export interface TaskClass {
  group: string;
  /** CPUs its tasks may run on (already intersected with the group's cpuset). */
  cpus: number[];
  /** How many CPUs its tasks could keep busy together. */
  demand: number;
}

export interface ShareInput {
  cpus: number;
  /** cpu.weight per cgroup path ('/' is the root; tasks in '/' compete as weight-100 entities). */
  weights: Map<string, number>;
  /** cpu.max quota/period as CPUs, per cgroup (absent = no limit). */
  quota: Map<string, number>;
  classes: TaskClass[];
}

const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));
const ancestors = (p: string): string[] => {
  const out: string[] = [];
  for (let q = p; q !== '/'; q = parentOf(q)) out.push(q);
  return out;
};

/** Predicted CPUs per cgroup (every group in weights or classes; descendants' use counts in their ancestors). */
export function predictCpuShares(input: ShareInput): Map<string, number> {
  // Entities that receive CPU: each non-root group with demand, and each task class in '/' on its own.
  const leaves = new Map<string, TaskClass[]>();
  input.classes.forEach((c, i) => {
    if (c.demand <= 0 || c.cpus.length === 0) return;
    const key = c.group === '/' ? `/#${i}` : c.group;
    leaves.set(key, [...(leaves.get(key) ?? []), c]);
  });
  const weight = (p: string): number => (p.startsWith('/#') ? 100 : (input.weights.get(p) ?? 100));
  const activePaths = new Set<string>();
  for (const k of leaves.keys()) for (const a of k.startsWith('/#') ? [k] : ancestors(k)) activePaths.add(a);
  const parentKey = (p: string): string => (p.startsWith('/#') ? '/' : parentOf(p));
  const eff = new Map<string, number>();
  for (const k of leaves.keys()) {
    let e = 1;
    for (const a of k.startsWith('/#') ? [k] : ancestors(k)) {
      const sib = [...activePaths].filter((q) => parentKey(q) === parentKey(a));
      e *= weight(a) / sib.reduce((s, q) => s + weight(q), 0);
    }
    eff.set(k, e);
  }
  const keys = [...leaves.keys()];
  const cap = (k: string): number => {
    const own = leaves.get(k)!.reduce((s, c) => s + Math.min(c.demand, c.cpus.length), 0);
    const q = k.startsWith('/#') ? Infinity : Math.min(...ancestors(k).map((a) => input.quota.get(a) ?? Infinity));
    return Math.min(own, q, input.cpus);
  };
  const fits = (x: Map<string, number>): boolean => {
    const want = [...x.values()].reduce((s, v) => s + v, 0);
    return maxFlow(keys, leaves, x, input.cpus) >= want - 1e-9 * Math.max(1, want);
  };
  const frozen = new Map<string, number>();
  const at = (lambda: number): Map<string, number> => new Map(keys.map((k) => [k, frozen.get(k) ?? Math.min(cap(k), eff.get(k)! * lambda)]));
  for (let round = 0; round < keys.length && frozen.size < keys.length; round++) {
    let lo = 0;
    let hi = Math.max(...keys.filter((k) => !frozen.has(k)).map((k) => cap(k) / eff.get(k)!));
    if (fits(at(hi))) lo = hi;
    else
      for (let i = 0; i < 60; i++) {
        const mid = (lo + hi) / 2;
        if (fits(at(mid))) lo = mid;
        else hi = mid;
      }
    const x = at(lo);
    let froze = false;
    for (const k of keys) {
      if (frozen.has(k)) continue;
      const grown = new Map(x);
      const step = Math.max(1e-7, 1e-6 * x.get(k)!);
      grown.set(k, x.get(k)! + step);
      if (x.get(k)! >= cap(k) - 1e-12 || !fits(grown)) {
        frozen.set(k, x.get(k)!);
        froze = true;
      }
    }
    if (!froze) for (const k of keys) if (!frozen.has(k)) frozen.set(k, x.get(k)!);
  }
  const out = new Map<string, number>();
  for (const p of input.weights.keys()) out.set(p, 0);
  for (const [k, v] of frozen) {
    if (k.startsWith('/#')) continue;
    for (const a of ancestors(k)) out.set(a, (out.get(a) ?? 0) + v);
  }
  out.set('/', [...frozen.values()].reduce((s, v) => s + v, 0));
  return out;
}

/** Max-flow (Dinic) source → leaf (x) → class (its cap) → CPU (1 each) → sink. */
function maxFlow(keys: string[], leaves: Map<string, TaskClass[]>, x: Map<string, number>, cpus: number): number {
  const classes = keys.flatMap((k) => leaves.get(k)!.map((c) => ({ k, c })));
  const n = 2 + keys.length + classes.length + cpus;
  const S = 0;
  const T = n - 1;
  const head: number[] = new Array<number>(n).fill(-1);
  const to: number[] = [];
  const cap: number[] = [];
  const next: number[] = [];
  const add = (u: number, v: number, c: number): void => {
    to.push(v, u);
    cap.push(c, 0);
    next.push(head[u]!, head[v]!);
    head[u] = to.length - 2;
    head[v] = to.length - 1;
  };
  keys.forEach((k, i) => add(S, 1 + i, x.get(k)!));
  classes.forEach(({ k, c }, j) => {
    const node = 1 + keys.length + j;
    add(1 + keys.indexOf(k), node, Math.min(c.demand, c.cpus.length));
    for (const cpu of c.cpus) if (cpu < cpus) add(node, 1 + keys.length + classes.length + cpu, 1);
  });
  for (let cpu = 0; cpu < cpus; cpu++) add(1 + keys.length + classes.length + cpu, T, 1);
  const EPS = 1e-12;
  let flow = 0;
  const level = new Array<number>(n);
  const it = new Array<number>(n);
  const bfs = (): boolean => {
    level.fill(-1);
    level[S] = 0;
    const q = [S];
    for (let h = 0; h < q.length; h++) {
      const u = q[h]!;
      for (let e = head[u]!; e !== -1; e = next[e]!) {
        if (cap[e]! > EPS && level[to[e]!]! < 0) {
          level[to[e]!] = level[u]! + 1;
          q.push(to[e]!);
        }
      }
    }
    return level[T]! >= 0;
  };
  const dfs = (u: number, f: number): number => {
    if (u === T) return f;
    for (; it[u]! !== -1; it[u] = next[it[u]!]!) {
      const e = it[u]!;
      const v = to[e]!;
      if (cap[e]! > EPS && level[v] === level[u]! + 1) {
        const d = dfs(v, Math.min(f, cap[e]!));
        if (d > EPS) {
          cap[e]! -= d;
          cap[e ^ 1]! += d;
          return d;
        }
      }
    }
    return 0;
  };
  while (bfs()) {
    for (let i = 0; i < n; i++) it[i] = head[i]!;
    for (let f = dfs(S, Infinity); f > EPS; f = dfs(S, Infinity)) flow += f;
  }
  return flow;
}

/** "0-3,8" → [0, 1, 2, 3, 8]; null when it is not a CPU list. */
export function parseCpuList(s: string): number[] | null {
  const out: number[] = [];
  for (const part of s.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return null;
    for (let c = Number(m[1]); c <= Number(m[2] ?? m[1]); c++) out.push(c);
  }
  return out;
}

function demandOf(t: TaskSpec): number {
  if (t.run.type === 'cpu') return t.count;
  if (t.run.type === 'periodic') return (t.count * t.run.busyNs) / t.run.periodNs;
  return 0;
}

export interface PredictedSegment {
  t0Ns: number;
  t1Ns: number;
  shares: Map<string, number>;
}

/**
 * The prediction over the run: one segment per interval between writes of
 * cpu.weight, cpu.max or cpuset.cpus on the (resolved) timeline.
 */
export function predictOverRun(s: Scenario): PredictedSegment[] {
  const files = new Map<string, Map<string, string>>();
  for (const g of s.cgroups) files.set(g.path, new Map(g.writes.map(([f, v]) => [f, v] as [string, string])));
  const changes = s.timeline
    .filter((a) => a.kind === 'write' && /^\/sys\/fs\/cgroup(\/.*)?\/(cpu\.weight|cpu\.max|cpuset\.cpus)$/.test(a.path))
    .map((a) => a as Extract<Scenario['timeline'][number], { kind: 'write' }>);
  const cuts = [0, ...new Set(changes.map((a) => a.atNs).filter((t) => t > 0 && t < s.durationNs))].sort((a, b) => a - b);
  const segments: PredictedSegment[] = [];
  for (const [i, t0] of cuts.entries()) {
    for (const a of changes.filter((c) => (i === 0 ? c.atNs <= 0 : c.atNs === t0))) {
      const path = a.path.replace(/^\/sys\/fs\/cgroup/, '').replace(/\/[^/]+$/, '') || '/';
      const file = a.path.split('/').pop()!;
      files.set(path, new Map([...(files.get(path) ?? []), [file, a.value.trim()]]));
    }
    segments.push({ t0Ns: t0, t1Ns: cuts[i + 1] ?? s.durationNs, shares: predictCpuShares(shareInput(s, files)) });
  }
  return segments;
}

function shareInput(s: Scenario, files: Map<string, Map<string, string>>): ShareInput {
  const all = Array.from({ length: s.machine.cpus }, (_, i) => i);
  const weights = new Map<string, number>();
  const quota = new Map<string, number>();
  const cpuset = (p: string): number[] => {
    let set = all;
    for (let q = p; ; q = parentOf(q)) {
      const v = files.get(q)?.get('cpuset.cpus');
      const list = v ? parseCpuList(v) : null;
      if (list) set = set.filter((c) => list.includes(c));
      if (q === '/') return set;
    }
  };
  for (const [p, f] of files) {
    if (p === '/') continue;
    const w = Number(f.get('cpu.weight') ?? 100);
    weights.set(p, Number.isFinite(w) && w > 0 ? w : 100);
    const m = /^(\d+)\s+(\d+)$/.exec(f.get('cpu.max') ?? '');
    if (m) quota.set(p, Number(m[1]) / Number(m[2]));
  }
  const classes = s.tasks.map((t) => {
    const allowed = cpuset(t.cgroup);
    return { group: t.cgroup, cpus: t.cpus.length ? allowed.filter((c) => t.cpus.includes(c)) : allowed, demand: demandOf(t) };
  });
  for (const c of classes) if (c.group !== '/' && !weights.has(c.group)) weights.set(c.group, 100);
  return { cpus: s.machine.cpus, weights, quota, classes };
}
