import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';

const file = path.resolve(__dirname, '../../../../resources/scenarios/net-assoc-failover.yaml');

describe('experiment: a NIC unplugged under a two-path association (net-assoc-failover)', () => {
  const sim = new Simulation(loadScenario(readFileSync(file, 'utf8'), file));
  const vfs = sim.kernel.vfs;
  const consumed = (): number => Number(/packets (\d+)/.exec(vfs.read('/sys/kernel/debug/kernel-lab/net/recv/reader'))![1]);
  const at: Record<string, number> = {};
  const ifaces: Record<string, string[]> = {};
  for (const t of [1.5, 2, 2.4, 2.5, 3, 4.5]) {
    sim.advance(t * 1e9);
    at[t] = consumed();
    ifaces[t] = vfs.list('/sys/class/net/').filter((p) => p.endsWith('/ifindex'));
  }
  sim.runToEnd();
  const assoc = vfs.read('/sys/kernel/debug/kernel-lab/net/assoc/peer');

  it('delivers 100 k messages/s before the removal, nothing during the 500 ms failover delay, 100 k/s after', () => {
    expect((at[2]! - at[1.5]!) / 0.5).toBeGreaterThan(99e3);
    expect(at[2.4]! - at[2]!).toBeLessThan(200);
    expect((at[3]! - at[2.5]!) / 0.5).toBeGreaterThan(99e3);
  });

  it('counts the messages sent into the dead path as lost and one failover', () => {
    expect(assoc).toMatch(/^delivered \d+\nlost 50000\nfailovers 1\nactive_path 1\n$/);
    const f = sim.log.find((e) => e.kind === 'assoc_failover');
    expect(f).toMatchObject({ t_ns: 2.5e9, from: 'enp1s0', to: 'enp2s0', delay_ms: 500 });
  });

  it('the interface vanishes with a remove uevent and comes back with an add uevent under its predictable name', () => {
    expect(ifaces[1.5]).toEqual(['/sys/class/net/enp1s0/ifindex', '/sys/class/net/enp2s0/ifindex']);
    expect(ifaces[3]).toEqual(['/sys/class/net/enp2s0/ifindex']);
    expect(ifaces[4.5]).toEqual(['/sys/class/net/enp1s0/ifindex', '/sys/class/net/enp2s0/ifindex']);
    const ev = sim.log.filter((e) => e.kind === 'uevent').map((e) => `${e.t_ns / 1e9}s ${e.ACTION} ${e.INTERFACE} ${e.SUBSYSTEM}`);
    expect(ev).toEqual(['2s remove enp1s0 net', '4s add enp1s0 net']);
    expect(vfs.read('/proc/net/dev')).toContain('enp1s0:');
  });
});
