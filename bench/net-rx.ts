import { baseScenario, flatMachine, taskSpec } from '../src-sim/scenario/defaults';
import type { NicSpec, Scenario } from '../src-sim/scenario/types';
import { measureRun, speedFigures } from './measure';
import type { BenchResult } from './result';

const SIM_SECONDS = 10;
const RATE = 1_000_000;

/** ixgbe with 4 queues, one per CPU, and the moderate coalescing ixgbe's dynamic ITR settles at under load. */
const NIC: NicSpec = {
  name: 'eth0', type: 'ixgbe', speedMbps: 10000, queues: 4, ring: 512, irqCpus: [0, 1, 2, 3],
  rxUsecs: 50, rxFrames: 0, gro: true, irqCostNs: 800, rxCostNs: 500, pciBus: 3,
};

/** The speed target: 1 M packets/s offered for 10 s on 4 queues, read by 4 UDP readers (SO_REUSEPORT). */
export function netRxScenario(seconds = SIM_SECONDS): Scenario {
  return baseScenario({
    name: 'bench-net-rx',
    durationNs: seconds * 1e9,
    sampleIntervalNs: 100e6,
    machine: { ...flatMachine(4), nics: [NIC] },
    kernel: { version: '6.18', scheduler: 'eevdf', sysctl: [], hz: 1000, net: { rxMode: 'napi', stackCostNs: 1000 } },
    tasks: [
      taskSpec({ name: 'pktgen', run: { type: 'pktgen', nic: 'eth0', ratePerSec: RATE, sizeBytes: 64, flows: 64, port: 9, proto: 'udp' } }),
      taskSpec({ name: 'reader', count: 4, run: { type: 'netrecv', port: 9, costNs: 1000, batch: 64, rcvbufBytes: 0 } }),
    ],
    record: ['/sys/class/net/eth0/statistics/rx_packets', '/proc/stat', '/sys/kernel/debug/kernel-lab/net/softnet'],
  });
}

export async function benchNetRx(): Promise<BenchResult> {
  const r = measureRun(netRxScenario());
  const half = measureRun(netRxScenario(SIM_SECONDS / 2));
  const rx = Number(r.sim.kernel.vfs.read('/sys/class/net/eth0/statistics/rx_packets'));
  const halfRx = Number(half.sim.kernel.vfs.read('/sys/class/net/eth0/statistics/rx_packets'));
  return {
    name: 'net-rx',
    figures: {
      ...speedFigures('1 M pps × 10 s, 4 queues:', r),
      packets: rx,
      'packets per wall s': rx / r.wallS,
      'packets per CPU s': rx / r.cpuS,
      'events per packet': r.events / rx,
      'time scaling: CPU per packet, 10 s / 5 s': r.cpuS / rx / (half.cpuS / halfRx),
    },
    target: '≥ 2 M simulated packets per wall second (1 M pps offered for 10 s on 4 queues in ≤ 5 s)',
    ratio: rx / r.cpuS / 2e6,
    notes:
      'ratio = simulated packets per CPU second / 2 M (CPU time: the box is shared). Packets are counters: the cost is per interrupt (≈12 packets at rx-usecs 50), per NAPI poll and per reader wake-up, not per packet; those events and the scheduler work they cause bound it.',
  };
}
