import type { Disk } from '../block/disk';

/**
 * udev persistent names (systemd rules.d/60-persistent-storage.rules):
 * by-id/ from the bus, model and serial; partitions add "-partN".
 * Spaces become underscores (udev's replace_whitespace).
 */
export function byIdName(disk: Disk): string {
  const model = disk.spec.model.trim().replace(/\s+/g, '_');
  const serial = disk.spec.serial.trim().replace(/\s+/g, '_');
  switch (disk.model.limits.bus) {
    case 'ata':
      return `ata-${model}_${serial}`;
    case 'nvme':
      return `nvme-${model}_${serial}`;
    case 'usb':
      return `usb-${model}_${serial}-0:0`;
    case 'virtio':
      return `virtio-${serial}`;
  }
}

/** Kernel device path (DEVPATH) of a disk: where its bus puts it in /sys/devices. */
export function devPath(disk: Disk, host: number): string {
  const n = disk.name;
  switch (disk.model.limits.bus) {
    case 'ata':
      return `/devices/pci0000:00/0000:00:1f.2/ata${host + 1}/host${host}/target${host}:0:0/${host}:0:0:0/block/${n}`;
    case 'usb':
      return `/devices/pci0000:00/0000:00:14.0/usb2/2-${host + 1}/2-${host + 1}:1.0/host${host}/target${host}:0:0/${host}:0:0:0/block/${n}`;
    case 'nvme': {
      const ctrl = /^nvme(\d+)/.exec(n)?.[1] ?? `${host}`;
      return `/devices/pci0000:00/0000:00:1d.0/0000:${(0x3d + host).toString(16).padStart(2, '0')}:00.0/nvme/nvme${ctrl}/${n}`;
    }
    case 'virtio':
      return `/devices/pci0000:00/0000:00:${(4 + host).toString(16).padStart(2, '0')}.0/virtio${host + 1}/block/${n}`;
  }
}
