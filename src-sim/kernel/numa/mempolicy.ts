import type { MemPolicySpec } from '../../scenario/types';
import type { NumaTopology } from './topology';

/**
 * The node a page should come from under a memory policy, before watermarks
 * and fallback (mm/mempolicy.c: policy_node(), interleave_nid(),
 * weighted_interleave_nid()), and the nodes it may fall back to.
 */
export interface Placement {
  /** The preferred node (the first zone of the zonelist the allocation walks). */
  preferred: number;
  /** Nodes to try, in order (the zonelist filtered by the policy's nodemask). */
  order: readonly number[];
  /** Interleaved placement (for interleave_hit). */
  interleave: boolean;
}

/**
 * The zonelist filtered by cpuset.mems; the zonelist itself when every node
 * of it is allowed (the common case: no per-page array for the default policy).
 */
function withinMems(zonelist: readonly number[], mems: readonly number[]): readonly number[] {
  for (let i = 0; i < zonelist.length; i++) if (!mems.includes(zonelist[i]!)) return zonelist.filter((n) => mems.includes(n));
  return zonelist;
}

/** The policy's nodes within cpuset.mems; a mask outside the cpuset is rebound to the cpuset (mpol_rebind_policy). */
function allowedNodes(nodes: readonly number[], mems: readonly number[]): number[] {
  const inMems = nodes.filter((n) => mems.includes(n));
  return inMems.length > 0 ? inMems : [...mems];
}

/**
 * The default policy's placement from `local` when cpuset.mems allows its
 * whole zonelist: the same for every page, so made once per node (the
 * default policy is what nearly every fault takes; a new object per fault
 * was the largest allocation of the mixed-node benchmark). Callers only
 * read a Placement.
 */
const defaults = new WeakMap<NumaTopology, Placement[]>();
function defaultPlacement(topo: NumaTopology, local: number, zonelist: readonly number[]): Placement {
  let row = defaults.get(topo);
  if (row === undefined) {
    row = [];
    defaults.set(topo, row);
  }
  let pl = row[local];
  if (pl === undefined || pl.order !== zonelist) {
    pl = { preferred: zonelist[0] ?? local, order: zonelist, interleave: false };
    row[local] = pl;
  }
  return pl;
}

/**
 * The last (topology, cpuset.mems) pair the default policy placed a page
 * for, with its answer per local node (null: the cpuset cuts that node's
 * zonelist). A task's mems is the same array from fault to fault
 * (NodeMm.memsEffective returns its parent's, down to the machine's node
 * list, when no cpuset.mems is set), so a fault costs an identity test here
 * instead of a cpuset test per zonelist node and a map lookup.
 */
let lastTopo: NumaTopology | null = null;
let lastMems: readonly number[] | null = null;
let lastRow: (Placement | null | undefined)[] = [];

function defaultFor(topo: NumaTopology, local: number, mems: readonly number[]): Placement | null {
  if (topo !== lastTopo || mems !== lastMems) {
    lastTopo = topo;
    lastMems = mems;
    lastRow = [];
  }
  let pl = lastRow[local];
  if (pl === undefined) {
    const zonelist = topo.zonelist[local]!;
    pl = withinMems(zonelist, mems) === zonelist ? defaultPlacement(topo, local, zonelist) : null;
    lastRow[local] = pl;
  }
  return pl;
}

/**
 * `local`: node of the CPU the task runs on. `page`: the page's offset in
 * its mapping (interleave_nid uses the VMA offset). `weights`: the
 * weighted-interleave weights of /sys/kernel/mm/mempolicy/weighted_interleave/nodeN.
 * `mems`: cpuset.mems.effective of the task's cgroup.
 */
export function placePage(topo: NumaTopology, policy: MemPolicySpec | undefined, local: number, page: number, weights: readonly number[], mems: readonly number[]): Placement {
  const mode = policy?.mode ?? 'default';
  switch (mode) {
    case 'default': {
      const shared = defaultFor(topo, local, mems);
      if (shared !== null) return shared;
      const order = withinMems(topo.zonelist[local]!, mems);
      return { preferred: order[0] ?? local, order, interleave: false };
    }
    case 'preferred': {
      const nodes = allowedNodes(policy!.nodes, mems);
      const start = nodes[0]!;
      return { preferred: start, order: topo.zonelist[start]!.filter((n) => mems.includes(n)), interleave: false };
    }
    case 'bind': {
      // MPOL_BIND: the local node's zonelist restricted to the mask (nearest bound node first).
      const nodes = allowedNodes(policy!.nodes, mems);
      const order = topo.zonelist[local]!.filter((n) => nodes.includes(n));
      return { preferred: order[0]!, order, interleave: false };
    }
    case 'interleave': {
      const nodes = allowedNodes(policy!.nodes, mems);
      const target = nodes[page % nodes.length]!;
      return { preferred: target, order: topo.zonelist[target]!.filter((n) => nodes.includes(n)), interleave: true };
    }
    case 'weighted-interleave': {
      const nodes = allowedNodes(policy!.nodes, mems);
      let total = 0;
      for (const n of nodes) total += weights[n]!;
      let pos = page % total;
      let target = nodes[0]!;
      for (const n of nodes) {
        if (pos < weights[n]!) {
          target = n;
          break;
        }
        pos -= weights[n]!;
      }
      return { preferred: target, order: topo.zonelist[target]!.filter((n) => nodes.includes(n)), interleave: true };
    }
  }
}

/**
 * The nodes an allocation under `policy` may use, nearest first from
 * `local`: a bind mask (∩ cpuset.mems) is a hard nodemask
 * (mm/mempolicy.c: policy_nodemask() returns one only for MPOL_BIND);
 * every other policy may fall back to any node of cpuset.mems.
 */
export function policyNodes(topo: NumaTopology, policy: MemPolicySpec | undefined, local: number, mems: readonly number[]): readonly number[] {
  if (policy?.mode === 'bind') {
    const inMems = policy.nodes.filter((n) => mems.includes(n));
    const nodes = inMems.length > 0 ? inMems : mems;
    return topo.zonelist[local]!.filter((n) => nodes.includes(n));
  }
  return topo.zonelist[local]!.filter((n) => mems.includes(n));
}
