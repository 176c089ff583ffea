import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';
import { GSO_MAX_SEGS, TCP_MSS } from '../../../../src-sim/workload/net/send';

// One CPU sends a bulk TCP stream out of a 10G ixgbe for 200 ms.
const run = (offload: string, live?: string): Simulation => {
  const text = `duration: 200ms
machine:
  cpus: 1
  nics: [{ name: eth0, type: ixgbe, speed: 10G${offload} }]
tasks:
  - { name: iperf, run: { type: send, nic: eth0 } }
${live ? `timeline:\n  - { at: 0s, write: { /sys/kernel/debug/kernel-lab/net/eth0/ethtool: "${live}" } }\n` : ''}`;
  const sim = new Simulation(loadScenario(text, 'tso.yaml'));
  sim.runToEnd();
  return sim;
};
const field = (sim: Simulation, name: string): number => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(sim.kernel.vfs.read('/sys/kernel/debug/kernel-lab/net/send/iperf'))![1]);
const cpuNs = (sim: Simulation): number => [...sim.kernel.tasks.values()].find((t) => t.name === 'iperf')!.sumExecRuntime;

// 10G wire: 1448 payload bytes per 1514-byte frame + 24 bytes of FCS, preamble and gap
const LINK_BYTES_PER_S = (10e9 / 8) * (TCP_MSS / (1514 + 24));

describe('TSO/GSO: segmentation offload on transmit (net/core/gso.c skb_gso_segment, net/ipv4/tcp.c tcp_tso_autosize)', () => {
  const tso = run('');
  const gso = run(', tso: false');
  const none = run(', tso: false, gso: false');

  it('TSO on: 45-segment skbs (gso_max_size 65536), link-bound, ~8 µs of CPU per 64 KiB skb', () => {
    expect(GSO_MAX_SEGS).toBe(45);
    expect(field(tso, 'bytes') / 0.2).toBeGreaterThan(0.97 * LINK_BYTES_PER_S);
    expect(field(tso, 'segments')).toBe(field(tso, 'skbs') * 45);
    // 1 µs stack + 6.5 µs copy + 0.5 µs driver per 65160 bytes
    const nsPerKiB = (cpuNs(tso) / field(tso, 'bytes')) * 1024;
    expect(nsPerKiB).toBeGreaterThan(0.95 * ((8016 / 65160) * 1024));
    expect(nsPerKiB).toBeLessThan(1.05 * ((8016 / 65160) * 1024));
    expect(Number(tso.kernel.vfs.read('/sys/class/net/eth0/statistics/tx_packets'))).toBe(field(tso, 'segments'));
  });

  it('GSO only: the same skbs through TCP/IP, cut in software: still link-bound, ~4.6× the CPU per byte', () => {
    expect(field(gso, 'bytes') / 0.2).toBeGreaterThan(0.97 * LINK_BYTES_PER_S);
    const ratio = cpuNs(gso) / field(gso, 'bytes') / (cpuNs(tso) / field(tso, 'bytes'));
    expect(ratio).toBeGreaterThan(4.2);
    expect(ratio).toBeLessThan(5);
  });

  it('no offload: one MSS per skb through the whole stack: CPU-bound below line rate, 45× the skbs per byte', () => {
    const rate = field(none, 'bytes') / 0.2;
    // 1 µs stack + 0.145 µs copy + 0.5 µs driver per 1448 bytes on the one CPU
    expect(rate).toBeGreaterThan(0.95 * (1448 / 1644.8e-9));
    expect(rate).toBeLessThan(0.8 * LINK_BYTES_PER_S);
    expect(cpuNs(none) / 0.2e9).toBeGreaterThan(0.98);
    expect(field(none, 'skbs')).toBe(field(none, 'segments'));
  });

  it('ethtool -K tso off at run time does what tso: false in the file does', () => {
    const live = run('', '-K tso off');
    expect(field(live, 'bytes')).toBe(field(gso, 'bytes'));
    expect(live.kernel.vfs.read('/sys/kernel/debug/kernel-lab/net/eth0/ethtool')).toContain('tcp-segmentation-offload: off\ngeneric-segmentation-offload: on\n');
  });

  it('is deterministic', () => {
    expect(field(run(', tso: false'), 'bytes')).toBe(field(gso, 'bytes'));
  });
});
