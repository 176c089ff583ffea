import { parseKernelInt } from '../cgroup/tree';
import type { Kernel } from '../kernel';
import { fail } from '../../vfs/errors';
import type { VirtualFile } from '../../vfs/vfs';
import { BLKDEV_MIN_RQ, BLK_DEF_MAX_SECTORS_CAP_KB, MAX_SCHED_RQ, tagSetDepth, type Disk, type Partition } from './disk';
import { formatStat } from './disk-stats';
import type { ElevatorName } from './elevator';
import type { LatencyHistogram } from './histogram';

/** Registered elevators in module-load order (the order `scheduler` lists them). */
export const ELEVATORS: ElevatorName[] = ['mq-deadline', 'kyber', 'bfq'];

/**
 * block/elevator.c: elv_iosched_show() (6.x): "none" first, the current one
 * in brackets, every name followed by a space, then a newline.
 */
export function schedulerLine(cur: ElevatorName): string {
  let out = cur === 'none' ? '[none] ' : 'none ';
  for (const e of ELEVATORS) out += e === cur ? `[${e}] ` : `${e} `;
  return `${out}\n`;
}

const ro = (read: () => string, observable = false): VirtualFile => ({ read, observable });

/** /sys/block/<disk>/… for a disk and its partitions, plus the kernel-lab latency debug file. */
export function registerDiskFiles(k: Kernel, disk: Disk): void {
  const vfs = k.vfs;
  const base = `/sys/block/${disk.name}`;
  const q = `${base}/queue`;
  const lim = disk.model.limits;
  vfs.register(`${base}/dev`, ro(() => `${disk.devt}\n`));
  vfs.register(`${base}/size`, ro(() => `${disk.sectors}\n`));
  vfs.register(`${base}/ro`, ro(() => '0\n'));
  vfs.register(`${base}/removable`, ro(() => (lim.bus === 'usb' ? '1\n' : '0\n')));
  vfs.register(`${base}/stat`, ro(() => formatStat(disk.stats[0]!.fields(k.now)), true));
  vfs.register(`${base}/inflight`, ro(() => inflightLine(disk, 0)));

  vfs.register(`${q}/scheduler`, {
    read: () => schedulerLine(disk.elevator.name),
    write: (v) => {
      const name = v.trim();
      if (name !== 'none' && !ELEVATORS.includes(name as ElevatorName)) fail('EINVAL', `elevator "${name}" not found`);
      disk.switchElevator(name as ElevatorName);
      registerIosched(k, disk);
    },
  });
  vfs.register(`${q}/nr_requests`, {
    read: () => `${disk.nrRequests}\n`,
    write: (v) => {
      let nr = parseUnsignedLong(v);
      if (nr < BLKDEV_MIN_RQ) nr = BLKDEV_MIN_RQ;
      // block/blk-mq.c: blk_mq_tag_update_depth() — driver tags cannot grow; sched tags up to MAX_SCHED_RQ.
      if (disk.elevator.name === 'none' ? nr > tagSetDepth(lim) : nr > MAX_SCHED_RQ) fail('EINVAL', `nr_requests ${nr} exceeds the tag depth`);
      disk.nrRequests = nr;
    },
  });
  vfs.register(`${q}/max_hw_sectors_kb`, ro(() => `${lim.maxHwSectorsKb}\n`));
  vfs.register(`${q}/max_sectors_kb`, {
    read: () => `${disk.maxSectorsKb}\n`,
    write: (v) => {
      const kb = parseUnsignedLong(v);
      // block/blk-sysfs.c: queue_max_sectors_store() — 0 restores the default; at least a page, at most the hardware limit.
      if (kb === 0) disk.maxSectorsKb = Math.min(lim.maxHwSectorsKb, BLK_DEF_MAX_SECTORS_CAP_KB);
      else if (kb > lim.maxHwSectorsKb || kb < 4) fail('EINVAL', `max_sectors_kb must be between 4 and ${lim.maxHwSectorsKb}`);
      else disk.maxSectorsKb = kb;
    },
  });
  let rotational = lim.rotational;
  vfs.register(`${q}/rotational`, {
    read: () => (rotational ? '1\n' : '0\n'),
    write: (v) => {
      rotational = parseUnsignedLong(v) !== 0;
    },
  });
  vfs.register(`${q}/write_cache`, {
    read: () => (disk.writeBack ? 'write back\n' : 'write through\n'),
    write: (v) => {
      // block/blk-sysfs.c: queue_wc_store()
      if (v.startsWith('write back')) disk.writeBack = lim.volatileCache;
      else if (v.startsWith('write through') || v.startsWith('none')) disk.writeBack = false;
      else fail('EINVAL', `expected "write back" or "write through", got "${v}"`);
    },
  });
  vfs.register(`${q}/fua`, ro(() => (lim.fua ? '1\n' : '0\n')));
  vfs.register(`${q}/nomerges`, {
    read: () => `${disk.nomerges}\n`,
    write: (v) => {
      const nm = parseUnsignedLong(v);
      disk.nomerges = nm === 2 ? 2 : nm !== 0 ? 1 : 0;
    },
  });
  vfs.register(`${q}/logical_block_size`, ro(() => `${lim.logicalBlockSize}\n`));
  vfs.register(`${q}/hw_sector_size`, ro(() => `${lim.logicalBlockSize}\n`));
  vfs.register(`${q}/physical_block_size`, ro(() => `${lim.physicalBlockSize}\n`));
  vfs.register(`${q}/minimum_io_size`, ro(() => `${lim.physicalBlockSize}\n`));
  vfs.register(`${q}/optimal_io_size`, ro(() => '0\n'));
  vfs.register(`${q}/read_ahead_kb`, ro(() => '128\n'));
  let stable = 0;
  vfs.register(`${q}/stable_writes`, {
    read: () => `${stable}\n`,
    write: (v) => {
      stable = parseUnsignedLong(v) !== 0 ? 1 : 0;
    },
  });
  registerIosched(k, disk);

  vfs.register(`${base}/device/model`, ro(() => `${disk.spec.model}\n`));
  if (lim.bus === 'ata' || lim.bus === 'usb') {
    vfs.register(`${base}/device/queue_depth`, {
      read: () => `${disk.deviceDepth}\n`,
      write: (v) => {
        // drivers/scsi/scsi_sysfs.c: sdev_store_queue_depth() — 1 … can_queue; "echo 1" turns NCQ off.
        const d = parseUnsignedLong(v);
        if (d < 1 || d > lim.queueDepth) fail('EINVAL', `queue_depth must be between 1 and ${lim.queueDepth}`);
        disk.deviceDepth = d;
        disk.run();
      },
    });
  }
  let state: 'running' | 'offline' = 'running';
  vfs.register(`${base}/device/state`, {
    read: () => `${state}\n`,
    write: (v) => {
      // drivers/scsi/scsi_sysfs.c: store_state_field() accepts the names of scsi_device states.
      if (v !== 'running' && v !== 'offline') fail('EINVAL', `unknown device state "${v}"`);
      state = v;
      disk.offline = v === 'offline';
    },
  });

  vfs.register(`/sys/kernel/debug/kernel-lab/block/${disk.name}/latency`, ro(() => latencyText(disk), true));

  for (const p of disk.parts) registerPartitionFiles(k, disk, p);
}

function registerPartitionFiles(k: Kernel, disk: Disk, p: Partition): void {
  const base = `/sys/block/${disk.name}/${p.name}`;
  const vfs = k.vfs;
  vfs.register(`${base}/dev`, ro(() => `${p.devt}\n`));
  vfs.register(`${base}/size`, ro(() => `${p.sectors}\n`));
  vfs.register(`${base}/start`, ro(() => `${p.startSect}\n`));
  vfs.register(`${base}/partition`, ro(() => `${p.index}\n`));
  vfs.register(`${base}/ro`, ro(() => '0\n'));
  vfs.register(`${base}/stat`, ro(() => formatStat(disk.stats[p.index]!.fields(k.now)), true));
  vfs.register(`${base}/inflight`, ro(() => inflightLine(disk, p.index)));
}

/** queue/iosched/ holds the current elevator's tunables (empty for none). */
export function registerIosched(k: Kernel, disk: Disk): void {
  const dir = `/sys/block/${disk.name}/queue/iosched`;
  k.vfs.unregisterTree(dir);
  for (const [name, t] of Object.entries(disk.elevator.tunables)) {
    k.vfs.register(`${dir}/${name}`, { read: () => `${t.read()}\n`, write: (v) => t.write(v), ...(t.notSimulated !== undefined ? { notSimulated: t.notSimulated } : {}) });
  }
}

export function unregisterDiskFiles(k: Kernel, disk: Disk): void {
  k.vfs.unregisterTree(`/sys/block/${disk.name}`);
  k.vfs.unregisterTree(`/sys/kernel/debug/kernel-lab/block/${disk.name}`);
}

/** block/genhd.c: part_inflight_show() "%8u %8u\n" */
function inflightLine(disk: Disk, part: number): string {
  const f = disk.stats[part]!.inflight;
  return `${String(f[0]).padStart(8)} ${String(f[1]).padStart(8)}\n`;
}

function histLine(name: string, h: LatencyHistogram): string {
  const us = (ns: number): string => (ns / 1000).toFixed(1);
  return `${name} count=${h.total} mean_us=${us(h.mean)} p50_us=${us(h.percentile(50))} p90_us=${us(h.percentile(90))} p99_us=${us(h.percentile(99))} max_us=${us(h.max)}\n`;
}

/** Per-layer latency: queue (submit → elevator), dispatch (elevator → driver), device (driver → completion). */
function latencyText(disk: Disk): string {
  return histLine('queue', disk.histQueue) + histLine('dispatch', disk.histDispatch) + histLine('device', disk.histDevice);
}

function parseUnsignedLong(v: string): number {
  const n = parseKernelInt(v);
  if (n < 0) fail('EINVAL', `expected an unsigned integer, got "${v}"`);
  return n;
}
