import { describe, expect, it } from 'vitest';
import type { SeriesMeta } from '../../../src-main/ipc/contract';
import { PANEL_GROUPS, pickSeries } from '../../../src-renderer/charts/panels';

const meta = (id: number, path: string, field: string): SeriesMeta => ({ id, path, field, startIndex: 0, samples: 10 });

describe('Compare: network panels', () => {
  const net = PANEL_GROUPS.find((g) => g.id === 'net')!;
  const panel = (id: string) => net.panels.find((p) => p.id === id)!;
  const catalogue = [
    meta(1, '/sys/kernel/debug/kernel-lab/net/softnet', 'cpu0.processed'),
    meta(2, '/sys/kernel/debug/kernel-lab/net/softnet', 'cpu0.dropped'),
    meta(3, '/sys/kernel/debug/kernel-lab/net/softnet', 'cpu0.net_rx'),
    meta(4, '/sys/kernel/debug/kernel-lab/net/softnet', 'cpu0.time_squeeze'),
    meta(5, '/sys/class/net/eth0/statistics/rx_packets', ''),
    meta(6, '/sys/class/net/eth0/statistics/rx_missed_errors', ''),
    meta(7, '/sys/class/net/eth0/statistics/rx_dropped', ''),
    meta(8, '/proc/stat', 'intr'),
    meta(9, '/proc/stat', 'cpu.softirq'),
    meta(10, '/proc/stat', 'cpu.irq'),
    meta(11, '/proc/stat', 'cpu.user'),
    meta(12, '/sys/kernel/debug/kernel-lab/net/assoc/peer', 'delivered'),
    meta(13, '/sys/kernel/debug/kernel-lab/net/assoc/peer', 'lost'),
    meta(14, '/sys/kernel/debug/kernel-lab/net/recv/reader', 'packets'),
    meta(15, '/sys/kernel/debug/kernel-lab/net/recv/reader', 'drops'),
    meta(16, '/sys/kernel/debug/kernel-lab/net/forward/router', 'packets'),
    meta(17, '/sys/fs/cgroup/web/cpu.stat', 'usage_usec'),
  ];
  it('delivered: softnet processed per CPU and the applications’ packet counts', () => {
    expect(pickSeries(catalogue, panel('net-delivered')).map((s) => s.id)).toEqual([1, 12, 14, 16]);
  });
  it('drops: the NIC’s ring and driver drops, softnet backlog drops, socket drops, association losses — not rx_packets', () => {
    expect(pickSeries(catalogue, panel('net-drops')).map((s) => s.id)).toEqual([2, 6, 7, 13, 15]);
  });
  it('interrupt CPU: /proc/stat irq and softirq of the machine, in CPUs (USER_HZ ticks × 0.01)', () => {
    const p = panel('net-softirq');
    expect(pickSeries(catalogue, p).map((s) => s.id)).toEqual([9, 10]);
    expect(p.scale).toBe(0.01);
    expect(p.transform).toBe('rate');
  });
  it('interrupts: /proc/stat intr and NET_RX softirq runs', () => {
    expect(pickSeries(catalogue, panel('net-irqs')).map((s) => s.id)).toEqual([3, 8]);
  });
});
