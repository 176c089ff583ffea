// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkResolvedScenario } from '../../../src-sim/api';
import { useScenario } from '../../../src-renderer/stores/scenario';
import MachineView from '../../../src-renderer/views/MachineView.vue';

const data = resolve(import.meta.dirname, '../../fixtures/data');

async function importFile(w: ReturnType<typeof mount>, name: string, text: string): Promise<void> {
  const input = w.get('[data-field="import-topology"]');
  Object.defineProperty(input.element, 'files', { value: [new File([text], name)], configurable: true });
  await input.trigger('change');
  await new Promise((r) => setTimeout(r, 20));
}

describe('Machine editor: NICs', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('adds an ixgbe (enp1s0, model defaults), edits it like ethtool would, and removes it', async () => {
    const w = mount(MachineView);
    await w.get('[data-field="nic-type"]').setValue('ixgbe');
    await w.get('[data-action="add-nic"]').trigger('click');
    const nic = (): NonNullable<ReturnType<typeof useScenario>['draft']['machine']['nics']>[number] => useScenario().draft.machine.nics![0]!;
    expect([nic().name, nic().type, nic().speedMbps, nic().ring, nic().queues, nic().pciBus]).toEqual(['enp1s0', 'ixgbe', 10000, 512, 1, 1]);
    expect(w.get('[data-role="machine-totals"]').text()).toContain('· 1 NICs');
    await w.get('[data-field="nic-queues"]').setValue('4');
    await w.get('[data-field="nic-irq-cpus"]').setValue('0-3');
    await w.get('[data-field="nic-gro"]').setValue(false);
    await w.get('[data-field="nic-tso"]').setValue(false);
    expect([nic().queues, nic().irqCpus, nic().gro, nic().tso]).toEqual([4, [0, 1, 2, 3], false, false]);
    // a ring beyond the driver's maximum goes into the draft; the scenario check refuses it as ethtool -G would
    await w.get('[data-field="nic-ring"]').setValue('9000');
    expect(checkResolvedScenario(useScenario().draft).map((i) => i.message)).toContain(
      'expected a ring size from 64 to 8192 (ethtool -G on ixgbe fails with EINVAL beyond its pre-set maximums), got 9000',
    );
    await w.get('[data-field="nic-type-edit"]').setValue('e1000e');
    expect([nic().type, nic().speedMbps, nic().ring, nic().queues]).toEqual(['e1000e', 1000, 256, 1]);
    await w.get('[data-field="nic-name"]').setValue('eth0');
    expect(nic().name).toBe('eth0');
    await w.get('[data-action="remove-selected"]').trigger('click');
    expect(useScenario().draft.machine.nics).toBeUndefined();
  });

  it('an hwloc import brings the NICs in as machine.nics', async () => {
    const w = mount(MachineView);
    await importFile(w, '24em64t-2n6c2t-pci.xml', readFileSync(resolve(data, 'hwloc-xml/24em64t-2n6c2t-pci.xml'), 'utf8'));
    expect(useScenario().draft.machine.nics!.map((n) => `${n.name}:${n.type}`)).toEqual(['eth0:e1000e', 'eth1:e1000e', 'eth2:mlx5_core']);
    expect(w.get('[data-role="machine-totals"]').text()).toContain('1 disks · 3 NICs');
  });
});
