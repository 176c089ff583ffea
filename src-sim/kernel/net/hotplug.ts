/**
 * NIC hot-plug through the PCI sysfs files a real machine has:
 * `/sys/bus/pci/devices/<addr>/remove` (write 1: the device is gone at once,
 * as in a surprise removal — what was in its rings is lost) and
 * `/sys/bus/pci/rescan` (write 1: removed NICs come back under their
 * predictable names). Each change sends the net uevent udev sees.
 */
import { emitUevent } from '../hotplug/uevent';
import { fail } from '../../vfs/errors';
import { registerDeviceFiles } from './files';
import type { NetDevice } from './netdev';
import type { NetStack } from './stack';

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
