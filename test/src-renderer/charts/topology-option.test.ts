import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importHwlocXml, toMachineSpec } from '../../../src-sim/api/topology';
import { LIGHT_THEME } from '../../../src-renderer/charts/theme';
import { buildTopologyOption, topologyGraphIds } from '../../../src-renderer/charts/topology-option';

const data = resolve(import.meta.dirname, '../../fixtures/data/hwloc-xml');

interface GraphOpt {
  series: { data: { id: string; label: { formatter: string } }[]; links: { source: string; target: string; value: number }[] }[];
}

describe('buildTopologyOption', () => {
  it('draws the Dell C6145: 8 nodes of 8 CPUs and 28 links labelled with the 10/16/22 SLIT', () => {
    const { machine } = toMachineSpec(importHwlocXml(readFileSync(resolve(data, '64amd64-4s2n4ca2co.xml'), 'utf8'), 'c6145.xml'));
    const o = buildTopologyOption({ machine, nics: [], positions: {}, selected: 'node0' }, LIGHT_THEME) as unknown as GraphOpt;
    const g = o.series[0]!;
    expect(g.data).toHaveLength(8);
    expect(g.data[1]!.label.formatter).toBe('node1\n8 CPUs · 16 GiB');
    expect(g.links).toHaveLength((8 * 7) / 2);
    expect(g.links.find((l) => l.source === 'node0' && l.target === 'node3')!.value).toBe(22);
    expect(new Set(g.links.map((l) => l.value))).toEqual(new Set([16, 22]));
  });

  it('hangs disks and NICs off the graph with stable ids', () => {
    const { machine } = toMachineSpec(importHwlocXml(readFileSync(resolve(data, 'v3-master/32em64t-2n8c+dax+nvme+mic+dimms.xml'), 'utf8'), 'x.xml'));
    const ids = topologyGraphIds({ machine, nics: ['eth0', 'eth1', 'ib0'] });
    expect(ids).toEqual(['node0', 'node1', 'disk:nvme0n1', 'disk:sda', 'nic:eth0', 'nic:eth1', 'nic:ib0']);
    const o = buildTopologyOption({ machine, nics: ['eth0'], positions: { 'disk:sda': { x: 5, y: 6 } }, selected: null }, LIGHT_THEME) as unknown as {
      series: { data: { id: string; x: number; y: number }[] }[];
    };
    expect(o.series[0]!.data.find((d) => d.id === 'disk:sda')).toMatchObject({ x: 5, y: 6 });
  });
});
