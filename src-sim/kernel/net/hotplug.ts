/**
 * NIC hot-plug through the PCI sysfs files a real machine has:
 * `/sys/bus/pci/devices/<addr>/remove` (write 1: the device is gone at once,
 * as in a surprise removal — what was in its rings is lost) and
 * `/sys/bus/pci/rescan` (write 1: removed NICs come back under their
 * predictable names). Each change sends the net uevent udev sees.
 */
import type { Kernel } from '../kernel';
import type { NicSpec } from '../../scenario/types';
import { emitUevent } from '../hotplug/uevent';
import { NIC_MODELS } from '../../hw/net/nic-types';
import { fail } from '../../vfs/errors';
import { registerDeviceFiles } from './files';
import type { NetDevice } from './netdev';
import type { NetStack } from './stack';
import { netOf } from './install';

export function installNetHotplug(net: NetStack): void {
  const vfs = net.k.vfs;
  for (const d of net.devices) registerRemove(net, d);
  vfs.register('/sys/bus/pci/rescan', {
    write: (v) => {
      if (v.trim() !== '1') fail('EINVAL', 'expected 1');
      for (const d of net.devices) if (!d.present) plugBack(net, d);
    },
  });
}

/**
 * Timeline / live `plug:` of a NIC: a card hot-added to its PCI slot. The
 * driver probes it and register_netdev gives it the next ifindex; a NIC of
 * the same name that was removed earlier is replaced (its old device is gone
 * for good, so a later rescan does not bring it back).
 */
export function plugNic(k: Kernel, spec: NicSpec): void {
  const net = netOf(k);
  // A live plug into a machine booted without any network (no NICs, no kernel.net, no NIC plug in the timeline).
  if (!net) fail('ENODEV', `cannot plug ${spec.name}: this machine was booted without a network stack (declare a NIC or kernel.net)`);
  checkLivePlug(spec, net.cpus.length);
  const old = net.devices.find((d) => d.name === spec.name);
  if (old?.present) fail('EBUSY', `a NIC named ${spec.name} is already present`);
  const slot = net.devices.find((d) => d.present && d.spec.pciBus === spec.pciBus);
  if (slot) fail('EBUSY', `PCI bus ${spec.pciBus} already holds ${slot.name}`);
  if (old) net.devices.splice(net.devices.indexOf(old), 1);
  const d = net.addDevice({ ...spec, irqCpus: [...spec.irqCpus] });
  registerDeviceFiles(net, d);
  registerRemove(net, d);
  emitUevent(k, { ACTION: 'add', DEVPATH: devpath(d), SUBSYSTEM: 'net', INTERFACE: d.name, IFINDEX: d.ifindex });
  k.log.add(k.now, 'net_plug', { dev: d.name, type: spec.type, ifindex: d.ifindex });
  for (const f of net.addListeners) f(d);
}

/** What the scenario loader checks for a plugged NIC, again for a live plug (the driver's probe and ethtool limits). */
function checkLivePlug(spec: NicSpec, nrCpus: number): void {
  const m = NIC_MODELS[spec.type];
  if (!m) fail('EINVAL', `unknown NIC type ${JSON.stringify(spec.type)}`);
  if (!m.speeds.includes(spec.speedMbps)) fail('EINVAL', `${m.driver} does not support ${spec.speedMbps} Mb/s`);
  if (spec.ring < m.minRing || spec.ring > m.maxRing) fail('EINVAL', `ring size ${spec.ring} is outside ${m.minRing}..${m.maxRing} for ${m.driver}`);
  if (spec.queues < 1 || spec.queues > m.maxQueues) fail('EINVAL', `${spec.queues} queues: ${m.driver} has 1..${m.maxQueues}`);
  if (spec.irqCpus.length === 0 || spec.irqCpus.some((c) => c >= nrCpus)) fail('EINVAL', `irq CPUs ${spec.irqCpus.join(',')}: this machine has CPUs 0-${nrCpus - 1}`);
}

/** Timeline / live `unplug:` of a NIC: the same surprise removal as writing 1 to its PCI remove file. */
export function unplugNic(k: Kernel, name: string): void {
  const net = netOf(k);
  const d = net?.device(name);
  if (!net || !d) fail('ENODEV', `no NIC named ${name} is present`);
  unplug(net, d);
}

function devpath(d: NetDevice): string {
  return `/devices/pci0000:00/0000:00:1c.${d.spec.pciBus % 8}/${d.pciAddress}/net/${d.name}`;
}

function registerRemove(net: NetStack, d: NetDevice): void {
  net.k.vfs.register(`/sys/bus/pci/devices/${d.pciAddress}/remove`, {
    write: (v) => {
      if (v.trim() !== '1') fail('EINVAL', 'expected 1');
      unplug(net, d);
    },
  });
}

function unplug(net: NetStack, d: NetDevice): void {
  const k = net.k;
  const now = k.now;
  let lost = 0;
  for (const q of d.queues) {
    q.ring.sync(now);
    lost += q.ring.flush();
    if (q.irqEvent) k.engine.cancel(q.irqEvent);
    q.irqEvent = 0;
    q.irqAt = Infinity;
    q.irqEnabled = false;
    const nc = net.cpus[q.napi.cpu]!;
    const i = nc.pollList.indexOf(q.napi);
    if (i >= 0) nc.pollList.splice(i, 1);
    q.napi.scheduled = false;
    k.vfs.unregister(`/proc/irq/${q.irq}/smp_affinity_list`);
  }
  d.present = false;
  net.retuneDevice(d);
  k.vfs.unregisterTree(`/sys/class/net/${d.name}`);
  k.vfs.unregisterTree(`/sys/kernel/debug/kernel-lab/net/${d.name}`);
  k.vfs.unregisterTree(`/sys/bus/pci/devices/${d.pciAddress}`);
  emitUevent(k, { ACTION: 'remove', DEVPATH: devpath(d), SUBSYSTEM: 'net', INTERFACE: d.name, IFINDEX: d.ifindex });
  k.log.add(now, 'net_unplug', { dev: d.name, lost_in_rings: lost });
  for (const f of net.removeListeners) f(d);
}

function plugBack(net: NetStack, d: NetDevice): void {
  const k = net.k;
  d.present = true;
  for (const q of d.queues) q.irqEnabled = true;
  registerDeviceFiles(net, d);
  registerRemove(net, d);
  emitUevent(k, { ACTION: 'add', DEVPATH: devpath(d), SUBSYSTEM: 'net', INTERFACE: d.name, IFINDEX: d.ifindex });
  net.retuneDevice(d);
  for (const f of net.addListeners) f(d);
}
