import { NIC_MODELS, NIC_TYPES } from '../hw/net/nic-types';
import { resolveNic } from '../scenario/resolve';
import type { MachineSpec, NicSpec, NicType } from '../scenario/types';

export { NIC_MODELS, NIC_TYPES };

/**
 * A new NIC of `type` for the Machine view (and a live plug): the model's
 * defaults, the lowest PCI bus no NIC of `m` uses and its predictable name
 * enp<bus>s0 (systemd-udev), unless that name is taken.
 */
export function defaultNic(m: Pick<MachineSpec, 'cpus' | 'nics'>, type: NicType, taken: readonly string[] = []): NicSpec {
  const nics = m.nics ?? [];
  const buses = new Set(nics.map((n) => n.pciBus));
  const names = new Set([...nics.map((n) => n.name), ...taken]);
  let bus = 1;
  while (buses.has(bus) || names.has(`enp${bus}s0`)) bus++;
  return resolveNic({ type, pci_bus: bus }, ['machine', 'nics', nics.length], m.cpus, [], nics.length);
}
