import { describe, expect, it } from 'vitest';
import { importLscpu, toMachineSpec } from '../../../../src-sim/api/topology';
import { readData } from './data';

const GiB = 1024 ** 3;

/** util-linux's expected files join plain, --parse and --parse --physical with blank lines. */
function sections(text: string): { plain: string; parse: string; physical: string } {
  const marker = '# The following is the parsable format';
  const [plain, parse, physical] = text.split(marker);
  return { plain: plain!, parse: marker + parse!, physical: marker + physical! };
}

const nodeSizes = (m: ReturnType<typeof importLscpu>) => m.nodes.map((n) => n.cpus.length);

describe('lscpu import', () => {
  it('2× EPYC 7451: plain, -J, -e, --parse and --parse --physical all give 96 CPUs on 8 nodes of 12', () => {
    const combined = readData('lscpu/lscpu-x86_64-epyc_7451');
    const s = sections(combined);
    const all = [
      importLscpu(combined, 'combined'),
      importLscpu(s.plain, 'plain'),
      importLscpu(s.parse, 'parse'),
      importLscpu(s.physical, 'physical'),
      importLscpu(readData('lscpu/generated-lscpu-2.38.1/lscpu-J-x86_64-epyc_7451.json'), 'J'),
      importLscpu(readData('lscpu/generated-lscpu-2.38.1/lscpu-e-x86_64-epyc_7451.txt'), 'e'),
    ];
    expect(all.map((m) => m.format)).toEqual(['lscpu', 'lscpu', 'lscpu-parse', 'lscpu-parse', 'lscpu-json', 'lscpu-extended']);
    for (const m of all) {
      expect(m.cpuOsIndex).toHaveLength(96);
      expect(nodeSizes(m)).toEqual(Array(8).fill(12));
      // "NUMA node0 CPU(s): 0-5,48-53"
      expect(m.nodes[0]!.cpus).toEqual([0, 1, 2, 3, 4, 5, 48, 49, 50, 51, 52, 53]);
      expect(m.packages).toBe(2);
      expect(m.cores).toBe(48);
    }
    const { machine, notes } = toMachineSpec(all[0]!, { defaultNodeMemoryBytes: 16 * GiB });
    expect(machine.memoryBytes).toBe(8 * 16 * GiB);
    expect(machine.numa.distances[0]).toEqual([10, 20, 20, 20, 20, 20, 20, 20]);
    expect(notes).toContain('lscpu does not print NUMA distances: the kernel defaults are used (LOCAL_DISTANCE 10, REMOTE_DISTANCE 20)');
  });

  it('4× Xeon X7550: strided lists 0-62:2, 1-61:4, 3-63:4 on nodes 0, 2, 3', () => {
    const m = importLscpu(readData('lscpu/lscpu-x86_64-64cpu'), 'x7550');
    expect(m.nodes.map((n) => n.osIndex)).toEqual([0, 2, 3]);
    expect(nodeSizes(m)).toEqual([32, 16, 16]);
    expect(m.nodes[1]!.cpus.slice(0, 3)).toEqual([1, 5, 9]);
    expect(m.packages).toBe(4);
    expect(m.cores).toBe(32);
    const parsed = importLscpu(sections(readData('lscpu/lscpu-x86_64-64cpu')).parse, 'p');
    expect(parsed.nodes.map((n) => [n.osIndex, n.cpus.length])).toEqual([
      [0, 32],
      [2, 16],
      [3, 16],
    ]);
  });

  it('POWER7 LPAR: node1 is listed with no CPUs and kept as a memory-only node', () => {
    const m = importLscpu(readData('lscpu/lscpu-ppc64-POWER7-64cpu'), 'p7');
    expect(nodeSizes(m)).toEqual([64, 0]);
    expect(m.packages).toBe(16);
    expect(m.cores).toBe(16);
  });

  it('ARM big.LITTLE: four Model name blocks sum to 8 cores; no NUMA column means one node', () => {
    const m = importLscpu(readData('lscpu/lscpu-arm-A510-A710-A715-X3'), 'arm');
    expect(m.models).toEqual(['Cortex-A510', 'Cortex-A710', 'Cortex-A715', 'Cortex-X3']);
    expect(m.cores).toBe(3 + 2 + 2 + 1);
    expect(nodeSizes(m)).toEqual([8]);
  });

  it('Milk-V Pioneer and VMware guest: 64 CPUs on 4 nodes of 16, 16 CPUs on 4 nodes of 4', () => {
    const rv = importLscpu(readData('lscpu/lscpu-rv64-milkvpioneer'), 'rv');
    expect(nodeSizes(rv)).toEqual([16, 16, 16, 16]);
    expect(rv.nodes[1]!.cpus).toEqual([...Array(8).keys()].map((i) => i + 8).concat([...Array(8).keys()].map((i) => i + 24)));
    const vm = importLscpu(readData('lscpu/lscpu-vmware_fpe'), 'vm');
    expect(nodeSizes(vm)).toEqual([4, 4, 4, 4]);
    expect(vm.packages).toBe(2);
  });

  it('laptops: 4 and 8 CPUs on one node from plain, -J and -e', () => {
    for (const [name, cpus, cores] of [
      ['x86_64-dell_e4310', 4, 2],
      ['x86_64-64cpu-linux6.2', 8, 4],
    ] as const) {
      const plain = importLscpu(readData(`lscpu/lscpu-${name}`), name);
      const json = importLscpu(readData(`lscpu/generated-lscpu-2.38.1/lscpu-J-${name}.json`), name);
      const ext = importLscpu(readData(`lscpu/generated-lscpu-2.38.1/lscpu-e-${name}.txt`), name);
      for (const m of [plain, json, ext]) {
        expect(m.cpuOsIndex).toHaveLength(cpus);
        expect(m.cores).toBe(cores);
        expect(nodeSizes(m)).toEqual([cpus]);
      }
    }
  });
});

describe('lscpu errors', () => {
  it('a line that is no lscpu output names the line', () => {
    expect(() => importLscpu('CPU(s): 4\nhello world\n', 'junk.txt')).toThrow(
      'junk.txt:2:1: line 2: "Field: value" (plain lscpu), a "# CPU,Core,…" table or a "CPU NODE …" table, found "hello world"',
    );
  });

  it('a malformed CPU list names the field', () => {
    expect(() => importLscpu('CPU(s): 4\nOn-line CPU(s) list: 0-3,z\n', 'bad.txt')).toThrow(
      'bad.txt:2:1: On-line CPU(s) list: a CPU list like "0-3,8,10-11" (ranges A-B, strides A-B:S or A-B:used/group), got "z"',
    );
  });

  it('JSON that is not lscpu -J says what shape was expected', () => {
    expect(() => importLscpu('{"cpus": 4}', 'x.json')).toThrow('x.json:1:1: lscpu: a top-level object {"lscpu": [{"field": …, "data": …}, …]}');
  });

  it('an empty file is refused', () => {
    expect(() => importLscpu('\n\n', 'empty')).toThrow("empty:1:1: (file): lscpu output; the file is empty");
  });

  it('every refusal has a line and column, lscpu -J included (169 of 1,016 refused files had none)', () => {
    expect(() => importLscpu('{\n  "lscpu": [\n    {"field": "CPU(s):", "data": "4"},\n    {"data": "x"}\n  ]\n}', 'j.json')).toThrow(
      'j.json:4:5: lscpu[1].field: a string such as "CPU(s):"',
    );
    expect(() => importLscpu('{\n  "lscpu": [\n    {"field": "On-line CPU(s) list:", "data": "0-3,z"}\n  ]\n}', 'j.json')).toThrow(
      /^j\.json:3:5: On-line CPU\(s\) list: a CPU list like/,
    );
    expect(() => importLscpu('{\n  "lscpu": [\n    {"field" "CPU(s):"}]}', 'j.json')).toThrow(/^j\.json:3:14: \(json\): valid JSON as `lscpu -J` prints it: Expected ':' after property name/);
    expect(() => importLscpu('{"lscpu": [', 'j.json')).toThrow(/^j\.json:1:12: \(json\): valid JSON .*Unexpected end of JSON input/);
    expect(() => importLscpu('Architecture: x86_64\n', 'none.txt')).toThrow('none.txt:1:1: On-line CPU(s) list: at least one online CPU');
  });

  it('at most 8192 CPUs (NR_CPUS): a 20 000-CPU table is refused at the first CPU past it, and a repeated row is refused', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i},${i},0,0`).join('\n');
    expect(() => importLscpu(`# CPU,Core,Socket,Node\n${rows}\n`, 'big.txt')).toThrow('big.txt:8194:1: CPU: a CPU number below 8192 (NR_CPUS of x86-64 with MAXSMP), found 8192');
    expect(() => importLscpu('CPU(s): 20000\nOn-line CPU(s) list: 0-19999\n', 'big.txt')).toThrow('big.txt:2:1: On-line CPU(s) list: CPU 19999 is beyond the last CPU 8191');
    expect(() => importLscpu('# CPU,Core,Socket,Node\n0,0,0,0\n1,1,0,0\n0,0,0,0\n', 'dup.txt')).toThrow('dup.txt:4:1: CPU: each CPU in one row; CPU 0 repeats');
  });
});

describe('lscpu -e packages and cores for the topology view', () => {
  it('EPYC 7451: two sockets of 48 CPUs, 48 cores of two threads (n, n+48); the plain summary has no table, so no groups', () => {
    const m = importLscpu(readData('lscpu/generated-lscpu-2.38.1/lscpu-e-x86_64-epyc_7451.txt'), 'e');
    const pkgs = m.groups.filter((g) => g.type === 'package');
    const cores = m.groups.filter((g) => g.type === 'core');
    expect(pkgs.map((g) => g.cpus.length)).toEqual([48, 48]);
    expect(pkgs[1]!.cpus.slice(0, 2)).toEqual([24, 25]);
    expect(cores).toHaveLength(48);
    expect(cores.every((g) => g.cpus.length === 2 && g.cpus[1] === g.cpus[0]! + 48)).toBe(true);
    expect(importLscpu(sections(readData('lscpu/lscpu-x86_64-epyc_7451')).plain, 'plain').groups).toEqual([]);
  });
});
