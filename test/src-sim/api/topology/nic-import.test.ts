import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importTopology, toMachineSpec } from '../../../../src-sim/api/topology';
import { toScenarioFile } from '../../../../src-sim/scenario/to-file';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';
import type { MachineSpec, Scenario } from '../../../../src-sim/scenario/types';

/** A minimal scenario around an imported machine. */
const newScenarioForTest = (machine: MachineSpec): Scenario => ({ ...loadScenario('duration: 10ms\n', 'base.yaml'), machine });

const fixture = (f: string): { text: string; file: string } => {
  const p = path.resolve(__dirname, '../../../fixtures/data/hwloc-xml', f);
  return { text: readFileSync(p, 'utf8'), file: f };
};

describe('hwloc XML: network OS devices under PCI devices become machine.nics', () => {
  it('24em64t-2n6c2t-pci: two 82576 ports (igb: nearest model e1000e), a Mellanox port; IPoIB skipped, with notes', () => {
    const { text, file } = fixture('24em64t-2n6c2t-pci.xml');
    const { machine, notes } = toMachineSpec(importTopology(text, file));
    expect((machine.nics ?? []).map((n) => `${n.name} ${n.type} bus ${n.pciBus} ${n.speedMbps}Mb/s q${n.queues} ring ${n.ring}`)).toEqual([
      'eth0 e1000e bus 4 1000Mb/s q1 ring 256',
      'eth1 e1000e bus 1 1000Mb/s q1 ring 256',
      'eth2 mlx5_core bus 5 100000Mb/s q1 ring 1024',
    ]);
    expect(notes).toContain('eth0: PCI 8086:10c9 has no NIC model of its own here; modelled as e1000e (1 Gbit/s, 1 queue)');
    expect(notes).toContain('eth1: shares PCI bus 4 with another NIC; placed on bus 1 (the model has one NIC per bus)');
    expect(notes).toContain('skipped 1 InfiniBand (IPoIB) interfaces: ib0');
  });

  it('the imported machine boots: its interfaces, PCI files and IRQ lines are there, and it survives the file round trip', () => {
    const { text, file } = fixture('24em64t-2n6c2t-pci.xml');
    const { machine } = toMachineSpec(importTopology(text, file));
    const s = newScenarioForTest(machine);
    const back = loadScenario(JSON.stringify(toScenarioFile(s)), 'imported.json');
    expect(back.machine.nics).toEqual(machine.nics);
    const sim = new Simulation(back);
    sim.advance(1e6);
    const vfs = sim.kernel.vfs;
    expect(vfs.read('/sys/class/net/eth2/speed')).toBe('100000\n');
    expect(vfs.exists('/sys/bus/pci/devices/0000:04:00.0/remove')).toBe(true);
    expect(vfs.read('/proc/interrupts')).toMatch(/ 24: .* eth0-rx-0\n 25: .* eth1-rx-0\n 26: .* mlx5_comp0@pci:0000:05:00.0\n/);
  });

  it('known PCI ids map to their drivers (ixgbe, i40e, mlx5_core, virtio_net) without a note', async () => {
    const { nicModelFor } = await import('../../../../src-sim/api/topology/machine');
    expect(['8086:10fb', '8086:1572', '15b3:1017', '1af4:1041', '8086:15b8'].map((id) => nicModelFor(id))).toEqual([
      { type: 'ixgbe', note: null },
      { type: 'i40e', note: null },
      { type: 'mlx5_core', note: null },
      { type: 'virtio_net', note: null },
      { type: 'e1000e', note: null },
    ]);
  });

  it('a dump without network devices gives no machine.nics (no network stack, as before)', () => {
    const { text, file } = fixture('16amd64-4distances.xml');
    expect(toMachineSpec(importTopology(text, file)).machine.nics).toBeUndefined();
  });
});
