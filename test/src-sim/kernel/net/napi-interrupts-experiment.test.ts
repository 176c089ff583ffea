import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';

const file = path.resolve(__dirname, '../../../../resources/scenarios/net-napi-interrupts.yaml');

describe('experiment: interrupts per million packets under NAPI at overload (net-napi-interrupts)', () => {
  const sim = new Simulation(loadScenario(readFileSync(file, 'utf8'), file));
  sim.runToEnd();
  const vfs = sim.kernel.vfs;
  const num = (p: string): number => Number(vfs.read(p));
  const rx = num('/sys/class/net/eth0/statistics/rx_packets');
  const missed = num('/sys/class/net/eth0/statistics/rx_missed_errors');
  const irqLine = vfs.read('/proc/interrupts').split('\n')[1]!;
  const irqs = Number(irqLine.split(/\s+/)[2]);
  const task = (name: string): number => [...sim.kernel.tasks.values()].find((t) => t.name === name)!.sumExecRuntime;

  it('counts a handful of interrupts, not one per packet', () => {
    expect(irqLine).toMatch(/^ 24: +\d+ +IR-PCI-MSI 524288-edge +eth0-TxRx-0$/);
    expect(rx).toBeGreaterThan(400e3);
    expect(irqs).toBeGreaterThan(0);
    expect((irqs / rx) * 1e6).toBeLessThan(50);
    expect(vfs.read('/proc/stat')).toContain(`\nintr ${irqs}\n`);
  });

  it('offered 2 M packets: the NIC drops what the CPU cannot poll (rx_missed_errors)', () => {
    expect(rx + missed).toBeGreaterThan(1.99e6);
    expect(missed).toBeGreaterThan(rx);
  });

  it('ksoftirqd/0 competes with the user hog as an ordinary SCHED_OTHER task (about half each)', () => {
    const k = task('ksoftirqd/0');
    const hog = task('hog');
    expect(k / 1e9).toBeGreaterThan(0.6);
    expect(Math.abs(k - hog) / (k + hog)).toBeLessThan(0.1);
    // its time is softirq time in /proc/stat (kernel/sched/cputime.c), the hog's is user time
    const cpu = vfs.read('/proc/stat').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
    expect(cpu[6]! / 100).toBeGreaterThan(k / 1e9 - 0.05);
    expect(cpu[0]! / 100).toBeGreaterThan(hog / 1e9 - 0.05);
  });

  it('softnet_stat counts the packets processed and the budget running out (time_squeeze)', () => {
    const f = vfs.read('/proc/net/softnet_stat').trim().split(' ').map((h) => parseInt(h, 16));
    expect(f).toHaveLength(13);
    expect(f[0]).toBe(rx);
    expect(f[2]).toBeGreaterThan(100);
  });

  it('is deterministic: the same scenario gives the same files', () => {
    const again = new Simulation(loadScenario(readFileSync(file, 'utf8'), file));
    again.runToEnd();
    for (const p of ['/proc/stat', '/proc/interrupts', '/proc/net/softnet_stat', '/proc/net/dev', '/proc/net/snmp']) expect(again.kernel.vfs.read(p)).toBe(vfs.read(p));
  });
});
