import type { BlockDeviceInfo } from '../block/bio';
import type { Cgroup } from '../cgroup/cgroup';
import type { IoMaxValues, WeightConf } from './io-conf';
import type { IoStat } from './io-stat';

/** Per-cgroup io controller state (cg.io). */
export interface IocgGroup {
  /** io.max / blkio.throttle.*: devt → [rbps, wbps, riops, wiops]. */
  readonly limits: Map<string, IoMaxValues>;
  readonly weight: WeightConf;
  readonly bfqWeight: WeightConf;
  /** io.latency targets, devt → ns. */
  readonly latency: Map<string, number>;
  readonly stat: IoStat;
}

/** What writeback, filesystems and experiments may ask of the io controller: `k.iocg`. */
export interface IocgApi {
  group(cg: Cgroup): IocgGroup;
  /** Bios of `cg` currently held by blk-throttle on `disk`. */
  throttled(cg: Cgroup, disk: BlockDeviceInfo): number;
}

export function iocgOf(cg: Cgroup): IocgGroup {
  return cg.io as IocgGroup;
}
