import { describe, expect, it } from 'vitest';
import { importHwlocXml, toMachineSpec, TopologyImportError } from '../../../../src-sim/api/topology';
import { readData } from './data';

const GiB = 1024 ** 3;
const load = (rel: string) => importHwlocXml(readData(`hwloc-xml/${rel}`), rel);

describe('hwloc XML 2.x import', () => {
  it('Tyan S4881: 16 PUs on 8 nodes of ~8 GiB, SLIT 10/20 re-ordered from os indexes', () => {
    const m = load('16amd64-4distances.xml');
    expect(m.format).toBe('hwloc-xml-v2');
    expect(m.cpuOsIndex).toHaveLength(16);
    expect(m.packages).toBe(8);
    expect(m.nodes.map((n) => n.osIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // node1 holds PUs 0-1 (cpuset 0x3), node0 PUs 2-3 (cpuset 0xc) in this file.
    expect(m.nodes[1]!.cpus).toEqual([0, 1]);
    expect(m.nodes[0]!.cpus).toEqual([2, 3]);
    expect(m.nodes[0]!.memoryBytes).toBe(8587984896);
    expect(m.nodes[1]!.memoryBytes).toBe(8 * GiB);
    expect(m.distances!.map((r, i) => r[i])).toEqual(Array(8).fill(10));
    expect(m.distances![0]!.slice(1)).toEqual(Array(7).fill(20));
    expect(m.models).toEqual(['Dual Core AMD Opteron(tm) Processor 865']);
  });

  it('Dell C6145 (4× Opteron 6276): 64 PUs, 8 nodes, the real 10/16/22 latency matrix', () => {
    const m = load('64amd64-4s2n4ca2co.xml');
    expect(m.cpuOsIndex).toHaveLength(64);
    expect(m.packages).toBe(4);
    expect(m.nodes).toHaveLength(8);
    expect(m.nodes.every((n) => n.cpus.length === 8)).toBe(true);
    expect(m.nodes[5]!.memoryBytes).toBe(8 * GiB);
    expect(m.distances![0]).toEqual([10, 16, 16, 22, 16, 22, 16, 22]);
    expect(m.distances![7]).toEqual([22, 16, 16, 22, 22, 16, 16, 10]);
    expect(new Set(m.distances!.flat())).toEqual(new Set([10, 16, 22]));
  });

  it('24-socket Romley: 384 PUs, 24 nodes of 16 PUs, distances up to 79, two SCSI disks and seven NICs', () => {
    const m = load('192em64t-24n8c2t.xml');
    expect(m.cpuOsIndex).toHaveLength(384);
    expect(m.nodes).toHaveLength(24);
    expect(m.nodes.every((n) => n.cpus.length === 16)).toBe(true);
    expect(m.packages).toBe(24);
    expect(m.cores).toBe(192);
    expect(m.distances![0]!.slice(0, 4)).toEqual([10, 50, 65, 65]);
    expect(Math.max(...m.distances!.flat())).toBe(79);
    expect(m.disks.map((d) => d.name)).toEqual(['sda', 'sdb']);
    expect(m.nics.map((n) => n.name)).toEqual(['eth0', 'eth1', 'eth2', 'eth3', 'eth4', 'eth5', 'ib0']);
    expect(m.notes.some((n) => n.includes('mlx4_0'))).toBe(true);
  });

  it('Cluster-on-Die Haswell: 4 nodes of 7 cores, SLIT 10/21/31', () => {
    const m = load('28intel64-2p2g7c-CoDgroups.v1tov2.xml');
    expect(m.nodes.map((n) => n.cpus.length)).toEqual([7, 7, 7, 7]);
    expect(m.distances).toEqual([
      [10, 21, 31, 31],
      [21, 10, 31, 31],
      [31, 31, 10, 21],
      [31, 31, 21, 10],
    ]);
    expect(m.nics.map((n) => `${n.name}=${n.address}`)).toEqual(['enp6s0=00:25:b5:0b:01:00', 'enp12s0=00:25:b5:0a:01:00']);
  });

  it('KNL SNC4-hybrid: MCDRAM nodes share the cpuset but come up CPU-less, as in Linux', () => {
    const m = load('64intel64-fakeKNL-SNC4-hybrid.xml');
    expect(m.nodes).toHaveLength(8);
    const dram = m.nodes.filter((n) => n.kind === 'DRAM');
    const mcdram = m.nodes.filter((n) => n.kind === 'MCDRAM');
    expect(dram.map((n) => n.cpus.length)).toEqual([16, 16, 16, 16]);
    expect(mcdram.map((n) => n.cpus.length)).toEqual([0, 0, 0, 0]);
    expect(mcdram.every((n) => n.memoryBytes === 2 * GiB)).toBe(true);
    expect(m.distances).toBeNull();
    const { machine } = toMachineSpec(m);
    expect(machine.memoryBytes).toBe(4 * GiB + 8 * GiB);
    expect(machine.numa.distances[0]).toEqual([10, 20, 20, 20, 20, 20, 20, 20]);
  });

  it('a node without local_memory gets the default size and says so', () => {
    const m = load('16em64t-4s2c2t.xml');
    expect(m.nodes[0]!.memoryBytes).toBeNull();
    expect(m.cores).toBe(8);
    const { machine, notes } = toMachineSpec(m, { defaultNodeMemoryBytes: 16 * GiB });
    expect(machine.memoryBytes).toBe(16 * GiB);
    expect(notes).toContain('node0: the file does not record memory; set to 16 GiB');
  });

  it('sparse Linux CPU numbers are renumbered densely and the note lists them', () => {
    const m = load('nvidiaDGX2.xml');
    expect(m.cpuOsIndex).toEqual([0, 1, 24, 25]);
    expect(m.nodes.map((n) => n.cpus)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(m.distances).toEqual([
      [10, 21],
      [21, 10],
    ]);
    expect(m.notes[0]).toBe('Linux CPU numbers 0,1,24,25 are renumbered 0-3 in the simulator');
  });

  it('CXL guest: sda with its size, CXL memory devices and DAX skipped with a reason', () => {
    const m = load('cxlmem+dax.v2.xml');
    expect(m.disks).toEqual([{ name: 'sda', type: 'hdd', sizeBytes: 10 * GiB, major: 8, minor: 0, model: expect.any(String), serial: expect.any(String) }]);
    expect(m.notes.find((n) => n.startsWith('skipped 6 block devices'))).toContain('dax0.0');
  });
});

describe('hwloc XML 1.x and 3.0 import', () => {
  it('the same Opteron machine reads identically from the 1.x, 2.x and 3.0 files', () => {
    const v1 = load('legacy-v1/16amd64-4distances.v1.xml');
    const v2 = load('16amd64-4distances.xml');
    const v3 = load('v3-master/16amd64-4distances.xml');
    expect([v1.format, v2.format, v3.format]).toEqual(['hwloc-xml-v1', 'hwloc-xml-v2', 'hwloc-xml-v3']);
    expect(toMachineSpec(v1).machine).toEqual(toMachineSpec(v2).machine);
    expect(toMachineSpec(v3).machine).toEqual(toMachineSpec(v2).machine);
  });

  it('Itanium 1.x: node 16 has memory and no CPUs; offline CPUs are left out; its invalid SLIT is ignored as Linux does', () => {
    const m = load('legacy-v1/8ia64-2n2s2c+1n.v1.xml');
    expect(m.cpuOsIndex).toEqual([0, 1, 2, 3, 16, 17, 18, 19]);
    expect(m.offlineCpus).toEqual([4, 5, 6, 7, 20, 21, 22, 23]);
    expect(m.nodes.map((n) => [n.osIndex, n.cpus.length, n.memoryBytes])).toEqual([
      [0, 4, 102458458112],
      [2, 4, 103012106240],
      [16, 0, 1044660224],
    ]);
    // The file's 3×3 latencies (1.0 1.7 1.7 / 1.7 1.7 1.0 / 1.4 1.4 1.4, base 10) put 17 and 14 on the diagonal.
    expect(m.distances).toBeNull();
    expect(m.notes.some((n) => n.includes('[[10,17,17],[17,17,10],[14,14,14]]') && n.includes('slit_valid'))).toBe(true);
  });

  it('3.0 format: osdev_type bit masks give nvme0n1 (259:0, 390711384 KiB) and sda, NICs without the HCA', () => {
    const m = load('v3-master/32em64t-2n8c+dax+nvme+mic+dimms.xml');
    expect(m.format).toBe('hwloc-xml-v3');
    expect(m.disks.map((d) => [d.name, d.type, d.sizeBytes, d.major, d.minor])).toEqual([
      ['nvme0n1', 'nvme', 390711384 * 1024, 259, 0],
      ['sda', 'hdd', 244198584 * 1024, 8, 0],
    ]);
    expect(m.disks[1]!.model).toBe('MTFDDAK256MAM-1K12');
    expect(m.nics.map((n) => n.name)).toEqual(['eth0', 'eth1', 'ib0']);
    expect(m.distances).toEqual([
      [10, 21],
      [21, 10],
    ]);
  });
});

describe('hwloc XML errors', () => {
  it('a truncated file names the line and column', () => {
    const text = readData('hwloc-xml/16em64t-4s2c2t.xml').slice(0, 800);
    expect(() => importHwlocXml(text, 'cut.xml')).toThrow(TopologyImportError);
    expect(() => importHwlocXml(text, 'cut.xml')).toThrow(/^cut\.xml:\d+:\d+: \(xml\): well-formed XML: /);
  });

  it('an XML file that is not an hwloc topology says what was expected', () => {
    expect(() => importHwlocXml('<svg></svg>', 'pic.svg')).toThrow(
      'pic.svg:1:1: svg: an hwloc topology (root element <topology>, as `lstopo --of xml` writes)',
    );
    expect(() => importHwlocXml('<topology version="4.0"><object type="Machine"/></topology>', 'v4.xml')).toThrow(
      'v4.xml:1:1: topology@version: hwloc XML version 2.x or 3.x (or none for 1.x), found "4.0"',
    );
  });

  it('a distance matrix with the wrong number of values names the element', () => {
    const xml =
      '<topology version="2.0"><object type="Machine" cpuset="0x3"><object type="NUMANode" os_index="0" cpuset="0x1"/>' +
      '<object type="NUMANode" os_index="1" cpuset="0x2"/><object type="PU" os_index="0"/><object type="PU" os_index="1"/></object>' +
      '<distances2 type="NUMANode" nbobjs="2" kind="5" name="NUMALatency" indexing="os"><indexes length="4">0 1</indexes><u64values length="8">10 20 20</u64values></distances2></topology>';
    expect(() => importHwlocXml(xml, 'short.xml')).toThrow(`short.xml:1:${xml.indexOf('<distances2') + 1}: topology/distances2[NUMALatency]/u64values: 2×2 = 4 numbers, found 3`);
  });

  it('at most 8192 PUs, numbered below NR_CPUS (20 000 CPUs were accepted)', () => {
    const pus = Array.from({ length: 20_000 }, (_, i) => `<object type="PU" os_index="${i}"/>`).join('\n');
    expect(() => importHwlocXml(`<topology version="2.0">\n<object type="Machine">\n${pus}\n</object></topology>`, 'big.xml')).toThrow(
      'big.xml:8195:1: topology/object[Machine]/object[PU#8192]@os_index: a CPU number from 0 to 8191 (NR_CPUS of x86-64 with MAXSMP), found 8192',
    );
    expect(() => importHwlocXml('<topology version="2.0"><object type="Machine"><object type="PU" os_index="9000"/></object></topology>', 'n.xml')).toThrow(
      /^n\.xml:1:\d+: .*PU#9000\]@os_index: a CPU number from 0 to 8191 .*found 9000$/,
    );
  });
});

describe('hwloc CPU-side objects (packages, L3/L2 caches, cores) for the topology view', () => {
  it('24-socket Romley: 24 packages with one 20 MiB L3 each, 192 cores with a 256 KiB L2 and two PUs (n, n+192)', () => {
    const m = load('192em64t-24n8c2t.xml');
    const of = (t: string) => m.groups.filter((g) => g.type === t);
    expect(of('package')).toHaveLength(24);
    expect(of('l3')).toHaveLength(24);
    expect(of('l2')).toHaveLength(192);
    expect(of('core')).toHaveLength(192);
    expect(new Set(of('l3').map((g) => g.sizeBytes))).toEqual(new Set([20971520]));
    expect(new Set(of('l2').map((g) => g.sizeBytes))).toEqual(new Set([262144]));
    expect(of('core').every((g) => g.cpus.length === 2 && g.cpus[1] === g.cpus[0]! + 192)).toBe(true);
    // Package P#0 holds exactly node0's CPUs (the file's cpuset 0x000000ff,,,,,,0x000000ff).
    const p0 = of('package').find((g) => g.osIndex === 0)!;
    expect(p0.cpus).toEqual(m.nodes[0]!.cpus);
    expect(p0.cpus).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 192, 193, 194, 195, 196, 197, 198, 199]);
  });

  it('hwloc 1.x Cache objects (type="Cache" depth="2") become L2 groups', () => {
    const m = load('legacy-v1/16amd64-4distances.v1.xml');
    expect(m.groups.filter((g) => g.type === 'l2').map((g) => g.sizeBytes)).toEqual(Array(16).fill(1048576));
    expect(m.groups.filter((g) => g.type === 'package')).toHaveLength(8);
  });

  it('KNL SNC4: an L2 shared by two cores (four PUs each) is its own group', () => {
    const m = load('64intel64-fakeKNL-SNC4-hybrid.xml');
    const l2 = m.groups.filter((g) => g.type === 'l2');
    expect(l2).toHaveLength(8);
    expect(l2[0]!.cpus).toEqual([0, 1, 16, 17, 32, 33, 48, 49]);
    expect(l2[0]!.sizeBytes).toBe(4 * 1024 * 1024);
  });
});
