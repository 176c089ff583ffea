/**
 * The machine drawn as a graph: NUMA nodes (CPU count, memory) joined by
 * their SLIT distances, with block devices and NICs hanging off node 0's
 * I/O hub. Node positions come from the editor (dragging), else a circle.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { MachineSpec } from '../model/types';
import { formatBytes } from '../model/units';
import type { ChartTheme } from './theme';

export interface TopologyGraphData {
  machine: MachineSpec;
  nics: string[];
  /** Saved positions by graph id ("node0", "disk:sda", "nic:eth0"). */
  positions: Record<string, { x: number; y: number }>;
  selected: string | null;
}

export function topologyGraphIds(d: Pick<TopologyGraphData, 'machine' | 'nics'>): string[] {
  return [...d.machine.numa.nodes.map((_, i) => `node${i}`), ...d.machine.devices.map((x) => `disk:${x.name}`), ...d.nics.map((n) => `nic:${n}`)];
}

export function buildTopologyOption(d: TopologyGraphData, theme: ChartTheme): EChartsCoreOption {
  const nodes = d.machine.numa.nodes;
  const n = nodes.length;
  const pos = (id: string, i: number, ring: number, count: number): { x: number; y: number } =>
    d.positions[id] ?? { x: 400 + ring * Math.cos((2 * Math.PI * i) / Math.max(count, 1)), y: 300 + ring * Math.sin((2 * Math.PI * i) / Math.max(count, 1)) };
  const data = [
    ...nodes.map((node, i) => {
      const id = `node${i}`;
      return {
        id,
        name: id,
        ...pos(id, i, n === 1 ? 0 : 160, n),
        symbol: 'roundRect',
        symbolSize: [118, 54],
        itemStyle: { color: theme.palette[0], borderColor: d.selected === id ? theme.marker : theme.fg, borderWidth: d.selected === id ? 3 : 1 },
        label: {
          show: true,
          color: '#fff',
          fontSize: 11,
          lineHeight: 15,
          formatter: `${id}\n${node.cpus.length ? `${node.cpus.length} CPUs` : 'no CPUs'} · ${formatBytes(node.memoryBytes)}`,
        },
        category: 0,
      };
    }),
    ...d.machine.devices.map((disk, i) => {
      const id = `disk:${disk.name}`;
      return {
        id,
        name: disk.name,
        ...pos(id, i, 0, 1),
        ...(d.positions[id] ? {} : { x: 120 + i * 110, y: 560 }),
        symbol: 'rect',
        symbolSize: [104, 38],
        itemStyle: { color: theme.palette[1], borderColor: d.selected === id ? theme.marker : theme.fg, borderWidth: d.selected === id ? 3 : 1 },
        label: { show: true, color: '#fff', fontSize: 11, lineHeight: 15, formatter: `${disk.name}\n${disk.type} ${formatBytes(disk.sizeBytes)}` },
        category: 1,
      };
    }),
    ...d.nics.map((nic, i) => {
      const id = `nic:${nic}`;
      return {
        id,
        name: nic,
        ...(d.positions[id] ?? { x: 680, y: 80 + i * 50 }),
        symbol: 'circle',
        symbolSize: 40,
        itemStyle: { color: theme.palette[5], borderColor: d.selected === id ? theme.marker : theme.fg, borderWidth: d.selected === id ? 3 : 1 },
        label: { show: true, color: theme.fg, position: 'right', formatter: nic },
        category: 2,
      };
    }),
  ];
  const links: { source: string; target: string; value: number; label: { show: boolean; formatter: string; color: string }; lineStyle: { width: number; color: string } }[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const dist = d.machine.numa.distances[i]?.[j] ?? 20;
      links.push({ source: `node${i}`, target: `node${j}`, value: dist, label: { show: n <= 8, formatter: String(dist), color: theme.muted }, lineStyle: { width: Math.max(1, 40 / dist), color: theme.grid } });
    }
  for (const disk of d.machine.devices) links.push({ source: 'node0', target: `disk:${disk.name}`, value: 0, label: { show: false, formatter: '', color: theme.muted }, lineStyle: { width: 1, color: theme.muted } });
  for (const nic of d.nics) links.push({ source: 'node0', target: `nic:${nic}`, value: 0, label: { show: false, formatter: '', color: theme.muted }, lineStyle: { width: 1, color: theme.muted } });
  return {
    animation: false,
    backgroundColor: theme.bg,
    tooltip: { show: true },
    series: [
      {
        type: 'graph',
        layout: 'none',
        roam: true,
        draggable: true,
        categories: [{ name: 'NUMA node' }, { name: 'disk' }, { name: 'NIC' }],
        edgeLabel: { show: true, fontSize: 11 },
        data,
        links,
      },
    ],
  };
}
