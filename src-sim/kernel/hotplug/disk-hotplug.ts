import type { BlockLayer } from '../block/block-layer';
import type { Disk } from '../block/disk';
import { registerDiskFiles, unregisterDiskFiles } from '../block/sysfs';
import type { DeviceHotplugApi, Kernel } from '../kernel';
import type { BlockDeviceSpec } from '../../scenario/types';
import { fail, KernelError } from '../../vfs/errors';
import { byIdName, devPath } from './disk-names';
import { emitUevent } from './uevent';

/**
 * Disk hot-plug: add_disk() / del_gendisk() with their uevents
 * (add: disk then partitions; remove: partitions then disk), the
 * /dev/disk/by-id links udev maintains, and the sysfs writes that do the
 * same on a real machine: /sys/block/<dev>/device/delete (SCSI disks) and
 * /sys/class/scsi_host/hostN/scan ("- - -" rescans deleted SCSI disks).
 *
 * /dev/disk/by-id is a directory of virtual files, one per link; reading a
 * link returns its target as readlink(1) would ("../../sda1").
 */
export class DiskHotplug implements DeviceHotplugApi {
  private diskseq = 0;
  private readonly hostOf = new Map<string, number>();
  private readonly diskseqOf = new Map<Disk, number>();
  /** SCSI disks removed through device/delete, per host, for a later scan. */
  private readonly deleted = new Map<number, BlockDeviceSpec[]>();

  constructor(
    private readonly k: Kernel,
    private readonly layer: BlockLayer,
  ) {}

  /** Boot-time disks: present before udev runs, so no uevents (coldplug is out of scope). */
  boot(spec: BlockDeviceSpec): void {
    this.attach(spec, false);
  }

  plug(spec: BlockDeviceSpec): void {
    const present = this.layer.byName(spec.name) ?? this.layer.byDevt(spec.major, spec.minor);
    if (present) throw new KernelError('EBUSY', `/dev/${spec.name}`, `${present.name} (${present.devt}) is already present`);
    this.attach(spec, true);
  }

  unplug(name: string): void {
    const disk = this.layer.diskByName(name);
    // Refused like a write to a missing device: the run goes on (the host logs it).
    if (!disk) throw new KernelError('ENODEV', `/dev/${name}`, 'no disk of that name is present');
    this.detach(disk);
  }

  private host(name: string): number {
    let h = this.hostOf.get(name);
    if (h === undefined) {
      h = this.hostOf.size;
      this.hostOf.set(name, h);
    }
    return h;
  }

  private attach(spec: BlockDeviceSpec, announce: boolean): void {
    const disk = this.layer.addDisk(spec);
    const seq = ++this.diskseq;
    this.diskseqOf.set(disk, seq);
    registerDiskFiles(this.k, disk);
    const host = this.host(spec.name);
    const isScsi = disk.model.limits.bus === 'ata' || disk.model.limits.bus === 'usb';
    if (isScsi) {
      this.k.vfs.register(`/sys/block/${disk.name}/device/delete`, {
        write: (v) => {
          if (v.trim() !== '1') return;
          const list = this.deleted.get(host) ?? [];
          list.push(spec);
          this.deleted.set(host, list);
          this.detach(disk);
        },
      });
      this.registerScan(host);
    }
    const id = byIdName(disk);
    this.k.vfs.register(`/dev/disk/by-id/${id}`, { read: () => `../../${disk.name}\n` });
    for (const p of disk.parts) this.k.vfs.register(`/dev/disk/by-id/${id}-part${p.index}`, { read: () => `../../${p.name}\n` });
    if (!announce) return;
    const path = devPath(disk, host);
    emitUevent(this.k, { ACTION: 'add', DEVPATH: path, SUBSYSTEM: 'block', MAJOR: disk.major, MINOR: disk.minor, DEVNAME: disk.name, DEVTYPE: 'disk', DISKSEQ: seq });
    for (const p of disk.parts) {
      emitUevent(this.k, {
        ACTION: 'add', DEVPATH: `${path}/${p.name}`, SUBSYSTEM: 'block', MAJOR: p.major, MINOR: p.minor, DEVNAME: p.name, DEVTYPE: 'partition', PARTN: p.index, DISKSEQ: seq,
      });
    }
  }

  private registerScan(host: number): void {
    const path = `/sys/class/scsi_host/host${host}/scan`;
    if (this.k.vfs.exists(path)) return;
    this.k.vfs.register(path, {
      write: (v) => {
        // drivers/scsi/scsi_sysfs.c: store_scan() takes "channel id lun", "-" as a wildcard.
        if (v.trim().split(/\s+/).length !== 3) fail('EINVAL', `expected "channel id lun", got "${v}"`);
        const list = this.deleted.get(host) ?? [];
        this.deleted.delete(host);
        for (const spec of list) this.plug(spec);
      },
    });
  }

  private detach(disk: Disk): void {
    const path = devPath(disk, this.host(disk.name));
    const seq = this.diskseqOf.get(disk) ?? 0;
    // del_gendisk(): partitions first, then the disk.
    for (const p of [...disk.parts].reverse()) {
      emitUevent(this.k, {
        ACTION: 'remove', DEVPATH: `${path}/${p.name}`, SUBSYSTEM: 'block', MAJOR: p.major, MINOR: p.minor, DEVNAME: p.name, DEVTYPE: 'partition', PARTN: p.index, DISKSEQ: seq,
      });
    }
    emitUevent(this.k, { ACTION: 'remove', DEVPATH: path, SUBSYSTEM: 'block', MAJOR: disk.major, MINOR: disk.minor, DEVNAME: disk.name, DEVTYPE: 'disk', DISKSEQ: seq });
    this.layer.removeDisk(disk);
    unregisterDiskFiles(this.k, disk);
    const id = byIdName(disk);
    this.k.vfs.unregister(`/dev/disk/by-id/${id}`);
    for (const p of disk.parts) this.k.vfs.unregister(`/dev/disk/by-id/${id}-part${p.index}`);
  }
}
