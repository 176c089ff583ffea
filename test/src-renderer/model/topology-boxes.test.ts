import { describe, expect, it } from 'vitest';
import { importTopology, toMachineSpec } from '../../../src-sim/api/topology';
import { heatColour } from '../../../src-renderer/model/heat-scale';
import { addNode, setNodeCpus } from '../../../src-renderer/model/scenario';
import { collapse, layoutFromImport, topologyBoxes, type TopoBox } from '../../../src-renderer/model/topology-boxes';
import { contrastRatio } from '../../../src-renderer/util/contrast';
import { readData } from '../../src-sim/api/topology/data';

function load(rel: string) {
  const imported = importTopology(readData(rel), rel);
  return { machine: toMachineSpec(imported).machine, layouts: layoutFromImport(imported) };
}
const kinds = (bs: TopoBox[]): string => bs.map((b) => `${b.kind}[${b.caches.join('+')}](${kinds(b.children)})`).join(' ');

describe('topology boxes (lstopo nesting) for the Machine view', () => {
  it('24-socket Romley, every core drawn: node → Package → L3 20 MiB → 8 cores with an L2 bar and PUs n, n+192', () => {
    const { machine, layouts } = load('hwloc-xml/192em64t-24n8c2t.xml');
    const nodes = topologyBoxes(machine, layouts, { collapseOver: Infinity });
    expect(nodes).toHaveLength(24);
    const n3 = nodes[3]!;
    expect(n3.cpuText).toBe('CPU 24-31,216-223');
    expect(n3.memory).toMatch(/GiB$/);
    const pkg = n3.children[0]!;
    expect(pkg.label).toBe('Package P#3');
    expect(kinds(pkg.children)).toBe('l3[](' + Array(8).fill('core[L2 256 KiB](pu[]() pu[]())').join(' ') + ')');
    const l3 = pkg.children[0]!;
    expect(l3.label).toBe('L3 20 MiB');
    // A private L2 holds exactly its core's CPUs: a bar on the core, as lstopo draws it.
    expect(l3.children[0]!.label).toBe('Core P#0');
    expect(l3.children[0]!.children.map((p) => p.label)).toEqual(['PU 24', 'PU 216']);
  });

  it('collapses the 384-CPU machine to one "8 × Core" box per node, keeping every CPU in its compact range', () => {
    const { machine, layouts } = load('hwloc-xml/192em64t-24n8c2t.xml');
    const nodes = topologyBoxes(machine, layouts, { collapseOver: 4 });
    for (const n of nodes) {
      expect(kinds(n.children)).toBe('package[](l3[](cores[L2 256 KiB]()))');
      const cores = n.children[0]!.children[0]!.children[0]!;
      expect(cores.label).toBe('8 × Core');
      expect(cores.cpus).toEqual(n.cpus);
    }
    expect(nodes[23]!.children[0]!.children[0]!.children[0]!.cpuText).toBe('2 PUs each · CPU 184-191,376-383');
  });

  it('KNL SNC4: an L2 shared by two cores is a box of its own; MCDRAM nodes show their tier and no CPUs', () => {
    const { machine, layouts } = load('hwloc-xml/64intel64-fakeKNL-SNC4-hybrid.xml');
    const nodes = topologyBoxes(machine, layouts, { collapseOver: Infinity });
    expect(nodes.map((n) => n.tier)).toEqual(['DRAM', 'DRAM', 'DRAM', 'DRAM', 'MCDRAM', 'MCDRAM', 'MCDRAM', 'MCDRAM']);
    expect(nodes[4]!.cpuText).toBe('no CPUs');
    // The package spans all four SNC quadrants; node0 draws its quarter of it.
    expect(nodes[0]!.children[0]!.cpuText).toBe('CPU 0-3,16-19,32-35,48-51');
    expect(nodes[0]!.cpuText).toBe('CPU 0-3,16-19,32-35,48-51');
    const l2 = nodes[0]!.children[0]!.children[0]!.children.find((b) => b.kind === 'l2')!;
    expect(l2.label).toBe('L2 4 MiB');
    expect(l2.children.map((c) => c.kind)).toEqual(['core', 'core']);
    expect(l2.children[0]!.children.map((p) => p.label)).toEqual(['PU 0', 'PU 16', 'PU 32', 'PU 48']);
  });

  it('a node resized by hand loses its imported structure (CPUs only); its neighbours keep theirs', () => {
    const { machine, layouts } = load('hwloc-xml/64amd64-4s2n4ca2co.xml');
    const resized = setNodeCpus(machine, 2, 3);
    const nodes = topologyBoxes(resized, layouts, { collapseOver: Infinity });
    expect(nodes[2]!.detailed).toBe(false);
    expect(nodes[2]!.children.map((b) => b.label)).toEqual(['PU 16', 'PU 17', 'PU 18']);
    expect(nodes[3]!.detailed).toBe(true);
    expect(nodes[3]!.children[0]!.kind).toBe('package');
    expect(nodes[3]!.cpuText).toBe('CPU 19-26');
    const added = topologyBoxes(addNode(resized), layouts, { collapseOver: 4 });
    expect(added[8]!.detailed).toBe(false);
  });

  it('collapse leaves short runs alone and folds long runs of bare PUs into one compact box', () => {
    const pus = (n: number): TopoBox[] => Array.from({ length: n }, (_, i) => ({ kind: 'pu', label: `PU ${i}`, caches: [], cpus: [i], cpuText: `CPU ${i}`, children: [] }));
    expect(collapse(pus(4), 4)).toHaveLength(4);
    const folded = collapse(pus(48), 4);
    expect(folded.map((b) => [b.label, b.cpuText])).toEqual([['48 PUs', 'CPU 0-47']]);
  });
});

describe('distance heat scale', () => {
  it('goes light to dark and keeps every cell’s number readable (WCAG ≥ 4.5)', () => {
    const lum = (c: string): number => contrastRatio(c, '#000000');
    const cols = [10, 20, 30, 40, 50, 60, 70, 79].map((v) => heatColour(v, 10, 79));
    for (let i = 1; i < cols.length; i++) expect(lum(cols[i]!.bg)).toBeLessThan(lum(cols[i - 1]!.bg));
    for (const c of cols) expect(contrastRatio(c.bg, c.fg)).toBeGreaterThanOrEqual(4.5);
    expect(heatColour(10, 10, 10).bg).toBe(heatColour(10, 10, 79).bg);
  });
});
