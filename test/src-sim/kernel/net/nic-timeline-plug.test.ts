import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { toScenarioFile as scenarioToFile } from '../../../../src-sim/scenario/to-file';
import { Simulation } from '../../../../src-sim/simulation';
import { issuesOf, lines } from '../../scenario/helpers';

const text = `duration: 400ms
machine:
  cpus: 2
  nics: [{ name: eth0, type: ixgbe, irq_cpus: "0" }]
tasks:
  - { name: gen0, run: { type: pktgen, nic: eth0, rate: 100000/s, size: 64 } }
  - { name: gen1, start: 60ms, run: { type: pktgen, nic: enp2s0, rate: 50000/s, size: 64 } }
timeline:
  - { at: 50ms, plug: { type: e1000e, irq_cpus: "1" } }
  - { at: 100ms, unplug: eth0 }
  - { at: 200ms, plug: { name: eth0, type: i40e, speed: 25G, queues: 2, pci_bus: 7 } }
  - { at: 300ms, unplug: enp2s0 }
`;

describe('timeline plug:/unplug: of NICs (like disks: the type tells a NIC from a disk)', () => {
  const s = loadScenario(text, 'nic.yaml');

  it('resolves to NIC actions with the predictable name of the next PCI bus', () => {
    expect(s.timeline.map((a) => `${a.kind} ${a.kind === 'plug_nic' ? `${a.nic.name}/${a.nic.type}/bus${a.nic.pciBus}` : a.kind === 'unplug_nic' ? a.nic : ''}`)).toEqual([
      'plug_nic enp2s0/e1000e/bus2',
      'unplug_nic eth0',
      'plug_nic eth0/i40e/bus7',
      'unplug_nic enp2s0',
    ]);
    // and back to the file form unchanged in meaning
    const again = loadScenario(JSON.stringify(scenarioToFile(s)), 'again.json');
    expect(again.timeline).toEqual(s.timeline);
  });

  it('interfaces appear and disappear with net uevents; a plugged NIC receives; the removed one loses its ring', () => {
    const sim = new Simulation(s);
    const vfs = sim.kernel.vfs;
    sim.advance(40e6);
    expect(vfs.exists('/sys/class/net/enp2s0/ifindex')).toBe(false);
    sim.advance(90e6);
    expect(vfs.read('/sys/class/net/enp2s0/ifindex')).toBe('3\n');
    expect(vfs.read('/proc/net/dev')).toContain('enp2s0:');
    expect(vfs.read('/proc/interrupts')).toMatch(/ 25: +\d+ +\d+ +IR-PCI-MSI 1048576-edge +enp2s0-rx-0\n/);
    sim.advance(150e6);
    expect(vfs.exists('/sys/class/net/eth0/statistics/rx_packets')).toBe(false);
    expect(vfs.read('/proc/net/dev')).not.toContain('eth0:');
    sim.advance(250e6);
    // a new card under the old name: new driver, new ifindex, two queues
    expect(vfs.read('/sys/class/net/eth0/speed')).toBe('25000\n');
    expect(vfs.read('/sys/class/net/eth0/ifindex')).toBe('4\n');
    expect(vfs.exists('/sys/class/net/eth0/queues/rx-1/rps_cpus')).toBe(true);
    expect(vfs.exists('/sys/bus/pci/devices/0000:07:00.0/remove')).toBe(true);
    const rx1 = Number(vfs.read('/sys/class/net/enp2s0/statistics/rx_packets'));
    expect(rx1).toBeGreaterThan(0.9 * 50e3 * 0.19);
    sim.runToEnd();
    expect(vfs.exists('/sys/class/net/enp2s0/ifindex')).toBe(false);
    const ue = sim.log.filter((e) => e.kind === 'uevent').map((e) => `${e['ACTION']} ${e['INTERFACE']} ${e['IFINDEX']}`);
    expect(ue).toEqual(['add enp2s0 3', 'remove eth0 2', 'add eth0 4', 'remove enp2s0 3']);
    expect(sim.log.filter((e) => e.kind === 'net_unplug').map((e) => e['dev'])).toEqual(['eth0', 'enp2s0']);
  });

  it('is deterministic', () => {
    const a = new Simulation(loadScenario(text, 'nic.yaml'));
    const b = new Simulation(loadScenario(text, 'nic.yaml'));
    a.runToEnd();
    b.runToEnd();
    expect(a.log).toEqual(b.log);
    expect(a.kernel.vfs.read('/proc/interrupts')).toBe(b.kernel.vfs.read('/proc/interrupts'));
  });

  it('a machine with no NIC at boot gets its network stack from a timeline plug', () => {
    const sim = new Simulation(loadScenario('duration: 100ms\nmachine: { cpus: 1 }\ntimeline:\n  - { at: 10ms, plug: { type: virtio_net } }\n', 'v.yaml'));
    sim.runToEnd();
    expect(sim.kernel.vfs.read('/sys/class/net/enp1s0/operstate')).toBe('up\n');
  });

  it('live: plug_nic / unplug_nic join the run\'s timeline; refusals are the kernel\'s errors', () => {
    const sim = new Simulation(loadScenario('duration: 100ms\nmachine: { cpus: 2, nics: [{ name: eth0, type: ixgbe }] }\n', 'l.yaml'));
    sim.advance(10e6);
    const nic = { ...loadScenario('duration: 1s\nmachine: { cpus: 2, nics: [{ name: eth1, type: e1000e, pci_bus: 9 }] }\n', 'x.yaml').machine.nics![0]! };
    expect(sim.act({ kind: 'plug_nic', nic })).toEqual({ kind: 'plug_nic', nic, atNs: 10e6 });
    expect(sim.kernel.vfs.read('/sys/class/net/eth1/operstate')).toBe('up\n');
    expect(() => sim.act({ kind: 'plug_nic', nic })).toThrow('Device or resource busy (EBUSY): a NIC named eth1 is already present');
    expect(() => sim.act({ kind: 'plug_nic', nic: { ...nic, name: 'eth2', irqCpus: [5] } })).toThrow('irq CPUs 5: this machine has CPUs 0-1');
    sim.advance(20e6);
    sim.act({ kind: 'unplug_nic', nic: 'eth1' });
    expect(sim.kernel.vfs.exists('/sys/class/net/eth1/operstate')).toBe(false);
    expect(() => sim.act({ kind: 'unplug_nic', nic: 'eth1' })).toThrow('No such device (ENODEV): no NIC named eth1 is present');
    const bare = new Simulation(loadScenario('duration: 100ms\nmachine: { cpus: 1 }\n', 'b.yaml'));
    expect(() => bare.act({ kind: 'plug_nic', nic })).toThrow('this machine was booted without a network stack');
  });

  it('refuses, at FILE:LINE:COL, unplugging a NIC that is not there, plugging a name already present, and NICs beyond their model', () => {
    const bad = `duration: 1s
machine:
  cpus: 2
  nics: [{ name: eth0, type: ixgbe }]
timeline:
  - { at: 100ms, plug: { name: eth0, type: e1000e } }
  - { at: 200ms, unplug: eth0 }
  - { at: 300ms, unplug: eth0 }
  - { at: 400ms, plug: { type: e1000e, ring: 8192, irq_cpus: "3" } }
  - { at: 500ms, plug: { type: rtl8139 } }
`;
    expect(lines(issuesOf(bad, 'bad.yaml'))).toEqual([
      'bad.yaml:10:32: timeline[4].plug.type: expected one of hdd, ssd, nvme, usb, virtio, e1000e, ixgbe, i40e, mlx5_core, virtio_net, got "rtl8139"',
    ]);
    expect(lines(issuesOf(bad.split('\n').slice(0, 9).join('\n') + '\n', 'bad.yaml'))).toEqual([
      'bad.yaml:6:32: timeline[0].plug.name: expected a name no NIC has at 100ms (present: eth0), got "eth0"',
      'bad.yaml:8:26: timeline[2].unplug: expected a NIC present at 300ms (none), got "eth0"',
      'bad.yaml:9:46: timeline[3].plug.ring: expected a ring size from 64 to 4096 (ethtool -G on e1000e fails with EINVAL beyond its pre-set maximums), got 8192',
      'bad.yaml:9:62: timeline[3].plug.irq_cpus: expected CPUs of this machine (0-1); writing CPU 3 to smp_affinity_list fails with EINVAL, got "3"',
    ]);
  });
});
