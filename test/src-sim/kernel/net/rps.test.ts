import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';

// One ixgbe queue interrupting CPU 0, 1 M UDP packets/s in 64 flows, no reader
// (softnet_stat's processed counts what reached the protocol layer).
const scenario = (rps: string | null, mode = 'napi'): string => `
duration: 500ms
machine:
  cpus: 4
  nics: [{ name: eth0, type: ixgbe, queues: 1, irq_cpus: "0", rx_usecs: 20 }]
kernel: { net: { rx_mode: ${mode} } }
tasks:
  - { name: gen, run: { type: pktgen, nic: eth0, rate: 1000000/s, size: 64, flows: 64 } }
${rps ? `timeline:\n  - { at: 0s, write: { /sys/class/net/eth0/queues/rx-0/rps_cpus: "${rps}" } }\n` : ''}`;

function run(rps: string | null, mode = 'napi'): Simulation {
  const sim = new Simulation(loadScenario(scenario(rps, mode), 'rps.yaml'));
  sim.runToEnd();
  return sim;
}

const softnet = (sim: Simulation): number[][] =>
  sim.kernel.vfs.read('/proc/net/softnet_stat').trim().split('\n').map((l) => l.split(' ').map((h) => parseInt(h, 16)));
/** /proc/stat per-CPU irq and softirq columns, seconds. */
const irqTime = (sim: Simulation, cpu: number): { irq: number; softirq: number } => {
  const f = sim.kernel.vfs.read('/proc/stat').split('\n').find((l) => l.startsWith(`cpu${cpu} `))!.split(/\s+/).map(Number);
  return { irq: f[6]! / 100, softirq: f[7]! / 100 };
};

describe('RPS: rps_cpus steers flows to other CPUs\' backlogs (net/core/dev.c get_rps_cpu, enqueue_to_backlog)', () => {
  const off = run(null);
  const on = run('e');
  const processed = (sim: Simulation): number => softnet(sim).reduce((s, r) => s + r[0]!, 0);

  it('without RPS, CPU 0 alone runs the stack and saturates (driver 0.5 µs + stack 1 µs per packet ≈ 667 k/s)', () => {
    const p = processed(off) / 0.5;
    expect(p).toBeGreaterThan(550e3);
    expect(p).toBeLessThan(700e3);
    const rows = softnet(off);
    expect(rows.slice(1).every((r) => r[0] === 0 && r[9] === 0)).toBe(true);
    expect(Number(off.kernel.vfs.read('/sys/class/net/eth0/statistics/rx_missed_errors'))).toBeGreaterThan(100e3);
  });

  it('with rps_cpus e (CPUs 1-3), the offered 1 M/s is delivered and CPU 0 only pays driver + enqueue', () => {
    const p = processed(on) / 0.5;
    expect(p).toBeGreaterThan(950e3);
    const rows = softnet(on);
    expect(rows[0]![0]).toBe(0); // processed counts in __netif_receive_skb_core, on the target CPU
    for (const c of [1, 2, 3]) {
      expect(rows[c]![0]).toBeGreaterThan(0.15 * processed(on));
      expect(rows[c]![9]).toBeGreaterThan(0); // received_rps: IPIs that scheduled its backlog
      expect(irqTime(on, c).softirq).toBeGreaterThan(0.05);
    }
    expect(Number(on.kernel.vfs.read('/sys/class/net/eth0/statistics/rx_missed_errors'))).toBe(0);
    // CPU 0's softirq share falls from ~all of it to driver + enqueue (0.6 of 1.5 µs per packet)
    expect(irqTime(on, 0).softirq).toBeLessThan(0.75 * irqTime(off, 0).softirq);
  });

  it('each IPI shows in /proc/interrupts CAL on the CPU it lands on and equals received_rps there', () => {
    const cal = on.kernel.vfs.read('/proc/interrupts').split('\n').find((l) => l.startsWith('CAL:'))!;
    expect(cal).toMatch(/^CAL:( +\d+){4} +Function call interrupts$/);
    const counts = cal.split(/\s+/).slice(1, 5).map(Number);
    const rps = softnet(on).map((r) => r[9]!);
    expect(counts).toEqual(rps);
    expect(counts[0]).toBe(0);
    expect(on.kernel.vfs.read('/proc/stat')).toMatch(/\nintr \d+\n/);
  });

  it('a mask of this CPU only keeps the work local: backlog instead of direct delivery, no IPI', () => {
    const local = run('1');
    const rows = softnet(local);
    expect(rows[0]![0]).toBeGreaterThan(250e3);
    expect(rows.every((r) => r[9] === 0)).toBe(true);
  });

  it('the per-packet path steers netif_rx() the same way', () => {
    const pp = run('e', 'per-packet');
    const rows = softnet(pp);
    expect(rows[0]![0]).toBe(0);
    expect(rows[1]![0] + rows[2]![0] + rows[3]![0]).toBeGreaterThan(100e3);
    expect(rows[1]![9]).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    const again = run('e');
    for (const p of ['/proc/stat', '/proc/interrupts', '/proc/net/softnet_stat', '/proc/net/dev']) expect(again.kernel.vfs.read(p)).toBe(on.kernel.vfs.read(p));
  });
});
