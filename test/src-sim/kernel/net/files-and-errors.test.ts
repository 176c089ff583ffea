import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';
import { KernelError } from '../../../../src-sim/vfs/errors';
import { issuesOf, lines } from '../../scenario/helpers';

const machine = (nic: string, cpus = 2): string => `duration: 100ms\nmachine:\n  cpus: ${cpus}\n  nics:\n    - ${nic}\n`;

function errnoOf(f: () => void): string {
  try {
    f();
  } catch (e) {
    if (e instanceof KernelError) return e.errno;
    throw e;
  }
  return 'ok';
}

describe('network files', () => {
  const sim = new Simulation(loadScenario(machine('{ name: eth0, type: ixgbe, queues: 2, irq_cpus: "0,1" }'), 'n.yaml'));
  sim.runToEnd();
  const vfs = sim.kernel.vfs;

  it('/proc/net/dev has the kernel header, lo and the interface', () => {
    const text = vfs.read('/proc/net/dev').split('\n');
    expect(text[0]).toBe('Inter-|   Receive                                                |  Transmit');
    expect(text[1]).toBe(' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed');
    expect(text[2]).toMatch(/^ {4}lo: +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0$/);
    expect(text[3]).toMatch(/^ {2}eth0: /);
  });

  it('/proc/interrupts has one vector per queue, /proc/softirqs the ten softirqs, net.core sysctls their defaults', () => {
    const irq = vfs.read('/proc/interrupts').split('\n');
    expect(irq[0]).toBe('           CPU0       CPU1');
    expect(irq[1]).toMatch(/^ 24: +0 +0 +IR-PCI-MSI 524288-edge +eth0-TxRx-0$/);
    expect(irq[2]).toMatch(/^ 25: +0 +0 +IR-PCI-MSI 524289-edge +eth0-TxRx-1$/);
    expect(vfs.read('/proc/softirqs').split('\n').slice(1, 11).map((l) => l.trim().split(':')[0])).toEqual(['HI', 'TIMER', 'NET_TX', 'NET_RX', 'BLOCK', 'IRQ_POLL', 'TASKLET', 'SCHED', 'HRTIMER', 'RCU']);
    expect(vfs.read('/proc/sys/net/core/netdev_budget')).toBe('300\n');
    expect(vfs.read('/proc/sys/net/core/netdev_budget_usecs')).toBe('2000\n');
    expect(vfs.read('/proc/sys/net/core/netdev_max_backlog')).toBe('1000\n');
    expect(vfs.read('/proc/sys/net/core/dev_weight')).toBe('64\n');
    expect(vfs.read('/proc/irq/25/smp_affinity_list')).toBe('1\n');
  });

  it('refuses budgets of 0 or less, RPS CPUs that do not exist and rings beyond the NIC with EINVAL', () => {
    expect(errnoOf(() => vfs.write('/proc/sys/net/core/netdev_budget', '0'))).toBe('EINVAL');
    expect(errnoOf(() => vfs.write('/proc/sys/net/core/netdev_budget', '-5'))).toBe('EINVAL');
    expect(errnoOf(() => vfs.write('/proc/sys/net/core/netdev_budget_usecs', '0'))).toBe('EINVAL');
    expect(errnoOf(() => vfs.write('/proc/sys/net/core/dev_weight', '-1'))).toBe('EINVAL');
    expect(vfs.read('/proc/sys/net/core/netdev_budget')).toBe('300\n');
    expect(errnoOf(() => vfs.write('/sys/class/net/eth0/queues/rx-0/rps_cpus', '4'))).toBe('EINVAL');
    expect(errnoOf(() => vfs.write('/sys/class/net/eth0/queues/rx-0/rps_cpus', 'xyz'))).toBe('EINVAL');
    vfs.write('/sys/class/net/eth0/queues/rx-0/rps_cpus', '3');
    expect(vfs.read('/sys/class/net/eth0/queues/rx-0/rps_cpus')).toBe('3\n');
    expect(errnoOf(() => vfs.write('/sys/kernel/debug/kernel-lab/net/eth0/ethtool', '-G rx 16384'))).toBe('EINVAL');
    vfs.write('/sys/kernel/debug/kernel-lab/net/eth0/ethtool', '-G rx 4096');
    expect(vfs.read('/sys/kernel/debug/kernel-lab/net/eth0/ethtool')).toContain('rx-ring: 4096\n');
    expect(errnoOf(() => vfs.write('/proc/irq/24/smp_affinity_list', '7'))).toBe('EINVAL');
  });

  it('a machine without NICs has no network files', () => {
    const plain = new Simulation(loadScenario('duration: 10ms\nmachine: { cpus: 1 }\n', 'p.yaml'));
    expect(plain.kernel.vfs.list('/proc/net')).toEqual([]);
    expect(plain.kernel.vfs.read('/proc/stat')).toContain('\nintr 0\n');
  });
});

describe('bad network input in a scenario', () => {
  it('names the file, line and column: unknown NIC type, ring beyond the NIC, speed, queues, IRQ CPUs', () => {
    expect(lines(issuesOf(machine('{ name: eth0, type: rtl8139 }'), 'n.yaml'))).toEqual([
      'n.yaml:5:27: machine.nics[0].type: expected one of e1000e, ixgbe, i40e, mlx5_core, virtio_net, got "rtl8139"',
    ]);
    expect(lines(issuesOf(machine('{ name: eth0, type: e1000e, ring: 8192, speed: 10G, queues: 2, irq_cpus: "0,5" }'), 'n.yaml'))).toEqual([
      'n.yaml:5:41: machine.nics[0].ring: expected a ring size from 64 to 4096 (ethtool -G on e1000e fails with EINVAL beyond its pre-set maximums), got 8192',
      'n.yaml:5:54: machine.nics[0].speed: expected a speed e1000e supports (1G, 100M, 10M), got 10G',
      'n.yaml:5:67: machine.nics[0].queues: expected at most 1 queues on e1000e (ethtool -L fails with EINVAL), got 2',
      'n.yaml:5:80: machine.nics[0].irq_cpus: expected CPUs of this machine (0-1); writing CPU 5 to smp_affinity_list fails with EINVAL, got "0,5"',
    ]);
  });

  it('pktgen on an undeclared NIC and a net.core budget of 0 are refused before anything runs', () => {
    const text =
      machine('{ name: eth0, type: ixgbe }') +
      'kernel:\n  sysctl: { net.core.netdev_budget: 0 }\ntasks:\n  - name: g\n    run: { type: pktgen, nic: eth9, rate: 1000/s }\n';
    const out = lines(issuesOf(text, 'n.yaml'));
    expect(out).toEqual([
      'n.yaml:7:37: kernel.sysctl["net.core.netdev_budget"]: the kernel refuses "0": Invalid argument (EINVAL): netdev_budget must be 1..2147483647 (packets per net_rx_action), got 0',
      'n.yaml:10:31: tasks[0].run.nic: expected a NIC declared under machine.nics (eth0), got "eth9"',
    ]);
  });
});
