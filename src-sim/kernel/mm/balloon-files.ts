import { fail } from '../../vfs/errors';
import type { VirtualFile } from '../../vfs/vfs';
import type { Kernel } from '../kernel';
import { memparse } from '../memcg/parse';
import { Balloon, type BalloonSpec } from './balloon';
import type { Mm } from './mm';

// include/uapi/linux/virtio_balloon.h feature bits, include/uapi/linux/virtio_config.h VIRTIO_F_VERSION_1.
const F_STATS_VQ = 1;
const F_DEFLATE_ON_OOM = 2;
const F_REPORTING = 5;
const F_VERSION_1 = 32;

/** The device as the PCI transport names it: the first (only) virtio device. */
const DEV = 'virtio0';
/** Simulator-only host side (QEMU's `balloon` monitor command writes num_pages), not a guest kernel file. */
export const HOST_DIR = '/sys/kernel/debug/kernel-lab/balloon';

/** drivers/virtio/virtio.c: features_show(): one '0'/'1' per bit of the 64 feature bits. */
function featureBits(b: Balloon): string {
  const on = new Set([F_STATS_VQ, F_VERSION_1]);
  if (b.deflateOnOom) on.add(F_DEFLATE_ON_OOM);
  if (b.freePageReporting) on.add(F_REPORTING);
  let s = '';
  for (let i = 0; i < 64; i++) s += on.has(i) ? '1' : '0';
  return `${s}\n`;
}

/** A host target: pages (virtio num_pages), or a size with a K/M/G suffix; EINVAL when negative or above the guest's memory. */
function parseTarget(d: string, guestPages: number): number {
  const s = d.trim();
  let pages: number;
  if (/^-?\d+$/.test(s)) pages = Number(s);
  else {
    const bytes = memparse(s);
    if (bytes === null || s.startsWith('-')) return fail('EINVAL', `expected a page count or a size like 512M, got "${s}"`);
    pages = Number(bytes / 4096n);
  }
  if (pages < 0) fail('EINVAL', `a balloon target cannot be negative, got ${s}`);
  if (pages > guestPages) fail('EINVAL', `a balloon target of ${pages} pages is larger than the guest's ${guestPages} pages of memory`);
  return pages;
}

/**
 * Install the virtio-balloon device (machine.balloon): the virtio sysfs
 * files, the simulator's host-side target file, and /proc/vmstat's
 * balloon_* lines through mm.balloon.
 */
export function installBalloon(k: Kernel, mm: Mm, spec: BalloonSpec): Balloon {
  const b = new Balloon(mm, spec);
  mm.balloon = b;
  const vfs = k.vfs;
  // The pages the guest has, balloon or not (present frames minus the memmap): the largest target the host may set.
  const guestPages = mm.zones.reduce((a, z) => a + z.managed, 0);
  const dev: [string, () => string][] = [
    ['device', () => '0x0005\n'],
    ['vendor', () => '0x1af4\n'],
    ['features', () => featureBits(b)],
    // VIRTIO_CONFIG_S_ACKNOWLEDGE | DRIVER | DRIVER_OK | FEATURES_OK.
    ['status', () => '0x0000000f\n'],
  ];
  for (const [name, read] of dev) {
    vfs.register(`/sys/bus/virtio/devices/${DEV}/${name}`, { read });
    vfs.register(`/sys/bus/virtio/drivers/virtio_balloon/${DEV}/${name}`, { read });
  }
  const target: VirtualFile = {
    read: () => `${b.target}\n`,
    write: (d) => b.setTarget(parseTarget(d, guestPages)),
  };
  vfs.register(`${HOST_DIR}/target`, target);
  vfs.register(`${HOST_DIR}/actual`, { read: () => `${b.actual}\n`, observable: true });
  if (spec.freePageReporting) {
    vfs.register(`${HOST_DIR}/reported_pages`, { read: () => `${b.reportedTotal}\n`, observable: true });
    vfs.register(`${HOST_DIR}/reported_now`, { read: () => `${b.reportedNow}\n` });
    // mm/page_reporting.c: page_reporting_order defaults to pageblock_order (9 on x86-64); 5.14+.
    vfs.register('/sys/module/page_reporting/parameters/page_reporting_order', { read: () => '9\n' });
  }
  return b;
}

/** /proc/vmstat balloon_inflate, balloon_deflate, balloon_migrate (CONFIG_MEMORY_BALLOON, CONFIG_BALLOON_COMPACTION). */
export function balloonVmstat(mm: Mm): string {
  const b = mm.balloon;
  if (b === null) return '';
  return `balloon_inflate ${b.inflated}\nballoon_deflate ${b.deflated}\nballoon_migrate 0\n`;
}
