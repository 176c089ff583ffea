import { describe, expect, it } from 'vitest';
import { placePage } from '../../../../src-sim/kernel/numa/mempolicy';
import { NumaTopology } from '../../../../src-sim/kernel/numa/topology';
import type { MachineSpec } from '../../../../src-sim/scenario/types';

/** Three nodes in a line (SLIT 10/20/30): node 1 is nearer to both others. */
function threeNodes(): NumaTopology {
  const node = (i: number) => ({ cpus: [i], memoryBytes: 1 << 30 });
  return new NumaTopology({
    cpus: 3,
    numa: { nodes: [node(0), node(1), node(2)], distances: [[10, 20, 30], [20, 10, 20], [30, 20, 10]] },
  } as unknown as MachineSpec);
}

describe('placePage (mm/mempolicy.c: policy_node)', () => {
  it('default policy: the local zonelist, one shared placement per node while cpuset.mems allows all of it', () => {
    const topo = threeNodes();
    const all = [0, 1, 2];
    const a = placePage(topo, undefined, 2, 7, [1, 1, 1], all);
    expect(a).toEqual({ preferred: 2, order: [2, 1, 0], interleave: false });
    // Every fault of the default policy gets the same (read-only) object: nothing allocated per page.
    expect(placePage(topo, { mode: 'default', nodes: [] }, 2, 8, [1, 1, 1], all)).toBe(a);
    expect(placePage(topo, undefined, 0, 0, [1, 1, 1], all)).toEqual({ preferred: 0, order: [0, 1, 2], interleave: false });
    // Another machine's topology never sees this one's placements.
    expect(placePage(threeNodes(), undefined, 2, 7, [1, 1, 1], all)).not.toBe(a);
  });

  it('default policy under a cpuset.mems that cuts the zonelist: the allowed nodes in zonelist order', () => {
    const topo = threeNodes();
    const pl = placePage(topo, undefined, 1, 0, [1, 1, 1], [2, 0]);
    expect(pl).toEqual({ preferred: 0, order: [0, 2], interleave: false });
    // The shared placement of node 1 is untouched by the filtered one.
    expect(placePage(topo, undefined, 1, 0, [1, 1, 1], [0, 1, 2]).order).toEqual([1, 0, 2]);
  });

  it('bind outside cpuset.mems is rebound to the cpuset (mpol_rebind_policy)', () => {
    const topo = threeNodes();
    const pl = placePage(topo, { mode: 'bind', nodes: [0] }, 2, 0, [1, 1, 1], [1, 2]);
    expect(pl).toEqual({ preferred: 2, order: [2, 1], interleave: false });
  });
});

describe('placePage default-policy cache', () => {
  it('answers by the cpuset.mems array it is given, also when two arrays alternate (two cgroups)', () => {
    const topo = threeNodes();
    const all = [0, 1, 2];
    const cut = [0, 2];
    for (let i = 0; i < 3; i++) {
      expect(placePage(topo, undefined, 1, i, [1, 1, 1], all).order).toEqual([1, 0, 2]);
      expect(placePage(topo, undefined, 1, i, [1, 1, 1], cut).order).toEqual([0, 2]);
      // Node 0's zonelist [0, 1, 2] is cut by [0, 2] too; node 2's [2, 1, 0] as well.
      expect(placePage(topo, undefined, 0, i, [1, 1, 1], cut)).toEqual({ preferred: 0, order: [0, 2], interleave: false });
      expect(placePage(topo, undefined, 2, i, [1, 1, 1], all)).toEqual({ preferred: 2, order: [2, 1, 0], interleave: false });
    }
    // A cpuset of one node that keeps nothing of node 1's zonelist but node 2.
    expect(placePage(topo, undefined, 1, 0, [1, 1, 1], [2])).toEqual({ preferred: 2, order: [2], interleave: false });
  });
});
