import type { Kernel } from '../kernel';
import { DiskHotplug } from '../hotplug/disk-hotplug';
import { BlockLayer } from './block-layer';
import { formatDiskstatsLine } from './disk-stats';
import { parseFields } from '../../vfs/fields';

/**
 * Install the block layer: k.block (submission, lookup, hooks), k.devices
 * (timeline plug/unplug), the boot disks from machine.devices and the global
 * files /proc/diskstats, /proc/partitions and the I/O error counters.
 */
export function installBlock(k: Kernel): BlockLayer {
  const layer = new BlockLayer(k);
  const hotplug = new DiskHotplug(k, layer);
  k.block = layer;
  k.devices = hotplug;
  for (const spec of k.scenario.machine.devices) hotplug.boot(spec);

  const diskstats = (): string => {
    let out = '';
    for (const d of layer.presentDisks()) {
      out += formatDiskstatsLine(d.major, d.minor, d.name, d.stats[0]!.fields(k.now));
      for (const p of d.parts) out += formatDiskstatsLine(p.major, p.minor, p.name, d.stats[p.index]!.fields(k.now));
    }
    return out;
  };
  k.vfs.register('/proc/diskstats', {
    read: diskstats,
    // The recorder's numeric path: parseFields names no field in a line
    // "259 0 nvme0n1 …" unless it is the file's only line and every token is a
    // number, or a token holds "=" — only then is the text rendered and parsed.
    sample: (o) => {
      const disks = layer.presentDisks();
      const lines = disks.reduce((n, d) => n + 1 + d.parts.length, 0);
      const eq = disks.some((d) => d.name.includes('=') || d.parts.some((p) => p.name.includes('=')));
      if (lines === 1 || eq) parseFields(diskstats()).forEach((v, f) => o.field(f, v));
    },
  });
  k.vfs.register('/proc/partitions', {
    read: () => {
      // block/genhd.c: show_partition()
      let out = 'major minor  #blocks  name\n\n';
      for (const d of layer.presentDisks()) {
        for (const x of [d, ...d.parts]) {
          out += `${String(x.major).padStart(4)}  ${String(x.minor).padStart(7)} ${String(Math.floor(x.sectors / 2)).padStart(10)} ${x.name}\n`;
        }
      }
      return out;
    },
  });
  k.vfs.register('/sys/kernel/debug/kernel-lab/block/io_errors', {
    observable: true,
    read: () => {
      let out = '';
      for (const [name, n] of [...layer.ioErrorCounts].sort()) out += `${name} ${n}\n`;
      return out;
    },
  });
  return layer;
}
