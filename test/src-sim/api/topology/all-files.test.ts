import { describe, expect, it } from 'vitest';
import { importTopology, toMachineSpec } from '../../../../src-sim/api/topology';
import { dataFiles, readData } from './data';

// Every real topology sample must import into a machine the scenario accepts:
// CPUs 0..n-1 each on exactly one node, a square distance matrix with 10 on
// the diagonal (the kernel's LOCAL_DISTANCE).
describe('every file in test/fixtures/data/hwloc-xml and test/fixtures/data/lscpu imports', () => {
  const files = [...dataFiles('hwloc-xml'), ...dataFiles('lscpu')];
  it('finds the samples', () => {
    expect(files.length).toBeGreaterThanOrEqual(20 + 14);
  });
  for (const rel of files) {
    it(rel, () => {
      const m = importTopology(readData(rel), rel);
      const { machine } = toMachineSpec(m);
      expect(machine.cpus).toBeGreaterThan(0);
      const all = machine.numa.nodes.flatMap((n) => n.cpus).sort((a, b) => a - b);
      expect(all).toEqual([...Array(machine.cpus).keys()]);
      const n = machine.numa.nodes.length;
      expect(machine.numa.distances).toHaveLength(n);
      for (let i = 0; i < n; i++) {
        expect(machine.numa.distances[i]).toHaveLength(n);
        expect(machine.numa.distances[i]![i]).toBe(10);
      }
      expect(machine.memoryBytes).toBe(machine.numa.nodes.reduce((s, x) => s + x.memoryBytes, 0));
      // The CPU count matches what the file states.
      const text = readData(rel);
      const declared = /CPU\(s\):\s*"?(\d+)/.exec(text.replace(/"field":\s*"CPU\(s\):",\s*"data":\s*/, 'CPU(s): '));
      if (declared) expect(machine.cpus).toBe(Number(declared[1]));
      if (rel.endsWith('.xml')) expect(machine.cpus).toBe((text.match(/<object type="PU"/g) ?? []).length);
    });
  }
});
