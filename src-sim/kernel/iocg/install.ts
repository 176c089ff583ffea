import { BIO_THROTTLED, REQ_SYNC, type Bio, type BlockDeviceInfo } from '../block/bio';
import type { Cgroup } from '../cgroup/cgroup';
import type { Kernel } from '../kernel';
import { fail } from '../../vfs/errors';
import { ThrotlData, type ThrotlNode, type Throttled } from './blk-throttle';
import {
  BFQ_WEIGHT,
  BLKIO_WEIGHT,
  IO_WEIGHT,
  WeightConf,
  byDevt,
  formatIoMaxLine,
  parseDevKey,
  parseIoLatencyBody,
  parseIoMaxBody,
  parseV1Limit,
  type DevLookup,
  type IoMaxValues,
} from './io-conf';
import { IoLatency } from './io-latency';
import { IoStat, formatIoStat, formatRwstat, ioStatFields } from './io-stat';
import { iocgOf, type IocgApi, type IocgGroup } from './api';
import { READ, WRITE, type Rw } from './throtl-grp';

/** A bio held by blk-throttle, with the callback that sends it on. */
interface HeldBio extends Throttled {
  bio: Bio;
  release: (bio: Bio) => void;
}

/** Per-disk controller state. */
interface DiskIo {
  td: ThrotlData<HeldBio>;
  nodes: Map<Cgroup, ThrotlNode<HeldBio>>;
  lat: IoLatency;
}

/**
 * The io cgroup controller: blk-throttle (io.max / blkio.throttle.*),
 * io.latency, the weights BFQ reads, and io.stat accounting. Installs a
 * throttle hook in the block layer (before the elevator) and a completion
 * hook; registers the per-group files for the mounted cgroup version.
 */
export function installIocg(k: Kernel): void {
  const block = k.block;
  if (!block) k.engine.fail('iocg', 'the io controller needs the block layer (install it first)');
  const v2 = k.cgroups.version === 2;
  const hz = k.scenario.kernel.hz;
  const lookup: DevLookup = (maj, min) => block.byDevt(maj, min);
  const disks = new Map<string, DiskIo>();

  const diskIo = (disk: BlockDeviceInfo): DiskIo => {
    let d = disks.get(disk.devt);
    if (!d) {
      const nrRequests = readNrRequests(k, disk);
      d = {
        td: new ThrotlData<HeldBio>(k.engine, hz, (h) => passThrottle(h.bio, h.release, false)),
        nodes: new Map(),
        lat: new IoLatency(k.engine, nrRequests, disk.rotational),
      };
      disks.set(disk.devt, d);
    }
    return d;
  };

  /** v2: the group's node with its ancestors up to (not including) the root; v1: flat. */
  const nodeOf = (d: DiskIo, cg: Cgroup): ThrotlNode<HeldBio> => {
    let n = d.nodes.get(cg);
    if (!n) {
      const parent = v2 && cg.parent && !cg.parent.isRoot ? nodeOf(d, cg.parent) : null;
      n = d.td.newNode(cg.path, parent);
      d.nodes.set(cg, n);
    }
    return n;
  };

  /** True if `cg` or (v2) an ancestor has a limit on the disk: otherwise blk-throttle is skipped. */
  const limited = (cg: Cgroup, devt: string): boolean => {
    for (let c: Cgroup | null = cg; c && !c.isRoot; c = v2 ? c.parent : null) {
      if (iocgOf(c).limits.has(devt)) return true;
    }
    return false;
  };

  const inflightLat = new Map<Bio, Cgroup>();

  /** After blk-throttle: io.latency's depth gate, then accounting, then on to the elevator. */
  const passThrottle = (bio: Bio, release: ((bio: Bio) => void) | null, immediate: boolean): boolean => {
    bio.flags |= BIO_THROTTLED;
    const cg = bio.cgroup ?? k.cgroups.root;
    // No disk has io.max/io.latency state yet (the common case): no lookup by devt per bio.
    const d = disks.size === 0 ? undefined : disks.get(bio.dev.disk.devt);
    if (d && d.lat.active && d.lat.grp(cg)) {
      const go = (): void => {
        inflightLat.set(bio, cg);
        account(bio, cg);
        if (release) release(bio);
      };
      // Held by io.latency: `go` releases it when one of the group's IOs completes.
      if (!d.lat.admit(cg, go)) return false;
      inflightLat.set(bio, cg);
    }
    account(bio, cg);
    if (!immediate && release) release(bio);
    return true;
  };

  const account = (bio: Bio, cg: Cgroup): void => {
    iocgOf(cg).stat.account(bio, bio.op === 'read' || (bio.flags & REQ_SYNC) !== 0);
  };

  block.addThrottle({
    name: 'blk-throttle+io.latency',
    admit(bio, release) {
      const cg = bio.cgroup ?? k.cgroups.root;
      const op = bio.op;
      if (disks.size === 0) {
        // No disk has io.max or io.latency state (setting either creates it: most runs), so no
        // group is limited: passThrottle's accounting in place, one call per bio instead of four.
        bio.flags |= BIO_THROTTLED;
        (cg.io as IocgGroup).stat.account(bio, op === 'read' || (bio.flags & REQ_SYNC) !== 0);
        return true;
      }
      const disk = bio.dev.disk;
      const isData = op === 'read' || op === 'write';
      if (isData && !(bio.flags & BIO_THROTTLED) && !cg.isRoot && limited(cg, disk.devt)) {
        const d = diskIo(disk);
        const held: HeldBio = { bio, release, bytes: bio.bytes, rw: (op === 'read' ? READ : WRITE) as Rw, bpsCharged: false };
        if (!d.td.submit(nodeOf(d, cg), held)) return false;
      }
      return passThrottle(bio, release, true);
    },
  });

  /**
   * io.latency's completion hook (rq_qos_done → iolatency_done_bio), registered by the first
   * io.latency write: only bios admitted by an active io.latency are in the map, so until then
   * it could do nothing, and the block layer's completions call no hook at all.
   */
  let latencyHooked = false;
  const hookLatencyCompletions = (): void => {
    if (latencyHooked) return;
    latencyHooked = true;
    block.onComplete((bio, _status, now) => {
      if (inflightLat.size === 0) return;
      const cg = inflightLat.get(bio);
      if (cg === undefined) return;
      inflightLat.delete(bio);
      disks.get(bio.dev.disk.devt)?.lat.done(cg, now - bio.submitNs);
    });
  };

  block.setBfqWeightSource((cg, disk) => (v2 ? iocgOf(cg).bfqWeight : iocgOf(cg).weight).weightFor(disk.devt));

  const api: IocgApi = {
    group: iocgOf,
    throttled(cg, disk) {
      const n = disks.get(disk.devt)?.nodes.get(cg);
      return n ? n.nrQueued(READ) + n.nrQueued(WRITE) : 0;
    },
  };
  k.iocg = api;

  k.cgroups.onCreate((cg) => {
    const g: IocgGroup = {
      limits: new Map(),
      weight: new WeightConf(v2 ? IO_WEIGHT : BLKIO_WEIGHT),
      bfqWeight: new WeightConf(BFQ_WEIGHT),
      latency: new Map(),
      stat: new IoStat(),
    };
    cg.io = g;
    const setLimits = (dev: BlockDeviceInfo, v: IoMaxValues): void => {
      if (v.every((x) => x === Infinity)) g.limits.delete(dev.devt);
      else g.limits.set(dev.devt, v);
      const d = diskIo(dev);
      d.td.configure(nodeOf(d, cg), (tg) => {
        tg.bps[READ] = v[0];
        tg.bps[WRITE] = v[1];
        tg.iops[READ] = v[2];
        tg.iops[WRITE] = v[3];
      });
    };
    const current = (devt: string): IoMaxValues => g.limits.get(devt) ?? [Infinity, Infinity, Infinity, Infinity];
    const subtreeStats = (): IoStat[] => [...cg.walk()].map((c) => iocgOf(c).stat);

    if (v2) {
      k.cgroups.registerFile(cg, 'blkio', 'io.stat', {
        read: () => formatIoStat(IoStat.sum(subtreeStats())),
        sample: (o) => ioStatFields(IoStat.sum(subtreeStats()), o),
        observable: true,
      });
      if (cg.isRoot) return;
      k.cgroups.registerFile(cg, 'blkio', 'io.max', {
        read: () => [...g.limits].sort(byDevt).map(([devt, v]) => formatIoMaxLine(devt, v)).join(''),
        write: (data) => {
          const { dev, body } = parseDevKey(data, lookup);
          setLimits(dev, parseIoMaxBody(body, current(dev.devt)));
        },
      });
      k.cgroups.registerFile(cg, 'blkio', 'io.weight', {
        read: () => g.weight.read(),
        write: (data) => g.weight.write(data, lookup),
        notSimulated: 'io.weight belongs to iocost, which is not modelled (bfq uses io.bfq.weight)',
      });
      k.cgroups.registerFile(cg, 'blkio', 'io.bfq.weight', { read: () => g.bfqWeight.read(), write: (data) => g.bfqWeight.write(data, lookup) });
      k.cgroups.registerFile(cg, 'blkio', 'io.latency', {
        read: () =>
          [...g.latency]
            .sort(byDevt)
            .map(([devt, ns]) => `${devt} target=${Math.round(ns / 1000)}\n`)
            .join(''),
        write: (data) => {
          const { dev, body } = parseDevKey(data, lookup);
          const ns = parseIoLatencyBody(body);
          if (ns === 0) g.latency.delete(dev.devt);
          else g.latency.set(dev.devt, ns);
          hookLatencyCompletions();
          diskIo(dev).lat.setTarget(cg, ns);
        },
      });
      return;
    }

    // v1 blkio hierarchy: flat throttling, per-file single limits.
    const v1Limit = (file: string, slot: 0 | 1 | 2 | 3): void => {
      k.cgroups.registerFile(cg, 'blkio', file, {
        read: () =>
          [...g.limits]
            .filter(([, v]) => v[slot] !== Infinity)
            .sort(byDevt)
            .map(([devt, v]) => `${devt} ${v[slot]}\n`)
            .join(''),
        write: (data) => {
          const { dev, body } = parseDevKey(data, lookup);
          const v = current(dev.devt);
          v[slot] = parseV1Limit(body);
          if (slot >= 2 && v[slot] !== Infinity && v[slot] > 4294967295) fail('ERANGE', `${v[slot]} does not fit in 32 bits`);
          setLimits(dev, v);
        },
      });
    };
    v1Limit('blkio.throttle.read_bps_device', 0);
    v1Limit('blkio.throttle.write_bps_device', 1);
    v1Limit('blkio.throttle.read_iops_device', 2);
    v1Limit('blkio.throttle.write_iops_device', 3);
    k.cgroups.registerFile(cg, 'blkio', 'blkio.throttle.io_service_bytes', {
      read: () => formatRwstat(g.stat.devices(), 'bytes'),
      observable: true,
    });
    k.cgroups.registerFile(cg, 'blkio', 'blkio.throttle.io_serviced', { read: () => formatRwstat(g.stat.devices(), 'ios'), observable: true });
    k.cgroups.registerFile(cg, 'blkio', 'blkio.weight', {
      read: () => `${g.weight.dfl}\n`,
      write: (data) => {
        if (data.includes(':')) fail('EINVAL', 'blkio.weight takes one number; per-device weights go to blkio.weight_device');
        g.weight.write(data, lookup);
      },
    });
    k.cgroups.registerFile(cg, 'blkio', 'blkio.weight_device', {
      read: () => [...g.weight.perDev].sort(byDevt).map(([devt, w]) => `${devt} ${w}\n`).join(''),
      write: (data) => g.weight.write(data, lookup),
    });
  });
}

/** queue/nr_requests if the block layer publishes it, else the usual 2 × BLKDEV_DEFAULT_RQ. */
function readNrRequests(k: Kernel, disk: BlockDeviceInfo): number {
  const path = `/sys/block/${disk.name}/queue/nr_requests`;
  if (k.vfs.exists(path)) {
    const n = Number(k.vfs.read(path).trim());
    if (Number.isFinite(n) && n > 0) return n;
  }
  return 256;
}
