import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../../src-sim/engine/event-log';
import { blockKernel, closedLoop, diskSpec, GiB, submit } from './harness';

const uevents = (log: readonly LogEntry[]): string[] => log.filter((e) => e.kind === 'uevent').map((e) => `${e.ACTION} ${e.DEVNAME} ${e.DEVTYPE}`);

describe('disk hot-plug', () => {
  it('announces the disk then each partition on add, partitions then disk on remove, and keeps by-id links in step (behaviour 48)', () => {
    const { k } = blockKernel([diskSpec({ name: 'sda', type: 'ssd' })]);
    k.engine.runUntil(1e9);
    k.devices!.plug(diskSpec({ name: 'sdb', type: 'ssd', minor: 16, model: 'Samsung SSD 870', serial: 'S6PNNX0T', partitions: [GiB, 2 * GiB] }));
    expect(uevents(k.log.entries)).toEqual(['add sdb disk', 'add sdb1 partition', 'add sdb2 partition']);
    expect(k.vfs.list('/dev/disk/by-id/')).toEqual([
      '/dev/disk/by-id/ata-Samsung_SSD_870_S6PNNX0T',
      '/dev/disk/by-id/ata-Samsung_SSD_870_S6PNNX0T-part1',
      '/dev/disk/by-id/ata-Samsung_SSD_870_S6PNNX0T-part2',
      '/dev/disk/by-id/ata-SimDisk_1000_SSDA01',
    ]);
    expect(k.vfs.read('/dev/disk/by-id/ata-Samsung_SSD_870_S6PNNX0T-part2')).toBe('../../sdb2\n');
    expect(k.vfs.read('/sys/block/sdb/sdb1/dev')).toBe('8:17\n');
    k.devices!.unplug('sdb');
    expect(uevents(k.log.entries).slice(3)).toEqual(['remove sdb2 partition', 'remove sdb1 partition', 'remove sdb disk']);
    expect(k.vfs.list('/dev/disk/by-id/')).toEqual(['/dev/disk/by-id/ata-SimDisk_1000_SSDA01']);
    expect(k.vfs.exists('/sys/block/sdb/stat')).toBe(false);
    const seq = k.log.entries.filter((e) => e.kind === 'uevent').map((e) => e.SEQNUM as number);
    expect(seq).toEqual([1, 2, 3, 4, 5, 6]);
    const first = k.log.entries.find((e) => e.kind === 'uevent')!;
    expect(first).toMatchObject({ SUBSYSTEM: 'block', MAJOR: 8, MINOR: 16, DEVTYPE: 'disk' });
  });

  it('fails in-flight and later I/O to a surprise-removed disk with EIO and leaves other disks undisturbed (behaviour 49)', () => {
    const run = (unplug: boolean): { other: number; errors: string[]; late: string; counted: string } => {
      const { k } = blockKernel([diskSpec({ name: 'sda', type: 'hdd' }), diskSpec({ name: 'sdb', type: 'ssd', minor: 16 })]);
      const sda = k.block!.byName('sda')!;
      const sdb = k.block!.byName('sdb')!;
      const other = closedLoop(k, sda, { op: 'read', bytes: 4096, depth: 4, random: true, start: 0, span: sda.sectors, until: 3e9 });
      const victim = Array.from({ length: 8 }, (_, i) =>
        closedLoop(k, sdb, { op: 'write', bytes: 65536, depth: 1, random: false, start: i * 1e6, span: 1e6, until: 3e9 }),
      );
      k.engine.runUntil(1e9);
      if (unplug) k.devices!.unplug('sdb');
      k.engine.runUntil(2e9);
      const late = submit(k, sdb, 'read', 0, 4096);
      k.engine.runUntil(3e9);
      return {
        other: other.ios,
        errors: victim.flatMap((v) => v.errors),
        late: String(late.status),
        counted: k.vfs.read('/sys/kernel/debug/kernel-lab/block/io_errors'),
      };
    };
    const base = run(false);
    const hit = run(true);
    expect(hit.errors).toEqual(Array(8).fill('EIO'));
    expect(hit.late).toBe('EIO');
    expect(hit.counted).toBe('sdb 9\n');
    expect(hit.other).toBe(base.other);
    expect(base.errors).toEqual([]);
  });

  it('refuses to plug a name or MAJ:MIN that is present, and to unplug a missing disk, without stopping the run', () => {
    const { k } = blockKernel([diskSpec({ name: 'sda', type: 'ssd' })]);
    expect(() => k.devices!.plug(diskSpec({ name: 'sda', type: 'ssd', minor: 16 }))).toThrow('/dev/sda: Device or resource busy (EBUSY): sda (8:0) is already present');
    expect(() => k.devices!.plug(diskSpec({ name: 'sdb', type: 'ssd', minor: 0 }))).toThrow(/EBUSY/);
    expect(() => k.devices!.unplug('sdz')).toThrow('/dev/sdz: No such device (ENODEV): no disk of that name is present');
  });

  it('removes a SCSI disk through device/delete and brings it back with a host scan', () => {
    const { k } = blockKernel([diskSpec({ name: 'sda', type: 'hdd' }), diskSpec({ name: 'sdb', type: 'hdd', minor: 16, partitions: [GiB] })]);
    k.vfs.write('/sys/block/sdb/device/delete', '1');
    expect(k.block!.byName('sdb')).toBeNull();
    expect(() => k.vfs.write('/sys/class/scsi_host/host1/scan', '-')).toThrow(/EINVAL/);
    k.vfs.write('/sys/class/scsi_host/host1/scan', '- - -');
    expect(k.block!.byName('sdb1')!.devt).toBe('8:17');
    expect(uevents(k.log.entries)).toEqual(['remove sdb1 partition', 'remove sdb disk', 'add sdb disk', 'add sdb1 partition']);
  });

  it('fails I/O with ENODEV while the SCSI device is offline and with EIO on a bad sector, logging both', () => {
    const { k } = blockKernel([diskSpec({ name: 'sda', type: 'ssd', badSectors: [{ start: 1000, end: 1008, op: 'read' }] })]);
    const sda = k.block!.byName('sda')!;
    const bad = submit(k, sda, 'read', 1000, 4096);
    const okWrite = submit(k, sda, 'write', 1000, 4096);
    k.engine.runUntil(1e8);
    k.vfs.write('/sys/block/sda/device/state', 'offline');
    const off = submit(k, sda, 'read', 0, 4096);
    k.engine.runUntil(2e8);
    expect([bad.status, okWrite.status, off.status]).toEqual(['EIO', 0, 'ENODEV']);
    const msgs = k.log.entries.filter((e) => e.kind === 'io_error').map((e) => e.message);
    expect(msgs).toEqual(['I/O error, dev sda, sector 1000 op 0x0:(READ)', 'offline error, dev sda, sector 0 op 0x0:(READ)']);
  });
});
