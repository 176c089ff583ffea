import type { BlockDeviceSpec } from '../../scenario/types';

/** Operation codes on the device hot path (numbers, not strings: no allocation, cheap compares). */
export const OP_READ = 0;
export const OP_WRITE = 1;
export const OP_FLUSH = 2;
export const OP_DISCARD = 3;
export type OpCode = 0 | 1 | 2 | 3;

/** Static queue limits a driver reports (what /sys/block/<dev>/queue/* shows). */
export interface DeviceLimits {
  /** Tag-set depth per hardware queue (queue_depth / NVMe io queue size). */
  readonly queueDepth: number;
  readonly nrHwQueues: number;
  readonly rotational: boolean;
  /** Volatile write cache present (queue/write_cache "write back"). */
  readonly volatileCache: boolean;
  /** Device honours REQ_FUA (queue/fua). */
  readonly fua: boolean;
  readonly maxHwSectorsKb: number;
  readonly logicalBlockSize: number;
  readonly physicalBlockSize: number;
  /** Kind of /dev/disk/by-id name ("ata", "nvme", "usb", "virtio"). */
  readonly bus: 'ata' | 'nvme' | 'usb' | 'virtio';
}

/**
 * A device's service model. `service` is called when the block layer hands a
 * request to the driver; it returns the absolute completion time (ns). The
 * model keeps its own state (head position, channel busy times, cache).
 * It never schedules events itself: the block layer does.
 */
export interface DeviceModel {
  readonly limits: DeviceLimits;
  /** Sectors are 512-byte, absolute on the disk. `fua` = REQ_FUA reached the device. */
  service(op: OpCode, sector: number, bytes: number, fua: boolean, now: number): number;
  /** Bytes in the volatile write cache not yet on media (0 if write-through). */
  readonly cacheDirtyBytes: number;
}

/** Thrown for bad device parameters; names the device and the parameter. */
export class DeviceParamError extends Error {
  constructor(
    device: string,
    readonly param: string,
    /** "a number in [1, 4096]": what the parameter takes. */
    readonly expected: string,
    readonly got: unknown,
  ) {
    super(`machine.devices[${device}].params.${param}: expected ${expected}, got ${JSON.stringify(got)}`);
    this.name = 'DeviceParamError';
  }
}

/** Read a numeric parameter with a default; rejects non-numbers and values outside [min, max]. */
export function numParam(spec: BlockDeviceSpec, key: string, dflt: number, min = 0, max = Infinity): number {
  const v = spec.params[key];
  if (v === undefined) return dflt;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
    throw new DeviceParamError(spec.name, key, `a number in [${min}, ${max}]`, v);
  }
  return n;
}

export function boolParam(spec: BlockDeviceSpec, key: string, dflt: boolean): boolean {
  const v = spec.params[key];
  if (v === undefined) return dflt;
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === '0' || v === 'false') return false;
  if (v === 1 || v === '1' || v === 'true') return true;
  throw new DeviceParamError(spec.name, key, 'a boolean', v);
}

export const NS_PER_SEC = 1e9;
export const MB = 1e6;

/**
 * Per-command variation of a solid-state device's latency: a log-normal
 * multiplier with mean 1 and coefficient of variation `cv` (param
 * `lat_cv`). NAND read time differs by page type (lower/middle/upper page
 * of a TLC word line), program time by cell state, and the controller's
 * firmware adds its own: a real device at queue depth 1 never shows one
 * fixed latency. 0 turns the variation off.
 */
/**
 * Largest `lat_cv` accepted. A mean-1 log-normal's 99th percentile peaks at
 * e^(2.326²/2) ≈ 15× its mean (σ = 2.326, cv ≈ 15): no larger cv makes a
 * heavier p99, so calibration against a device with a longer tail stops here.
 */
export const MAX_LAT_CV = 15;

/** Where the jitter draws its uniforms: the device's Rng (a monomorphic method call, no closure per draw). */
export interface UniformSource {
  next(): number;
}

export class LatencyJitter {
  private readonly sigma: number;
  private readonly mu: number;

  constructor(
    private readonly rng: UniformSource,
    cv: number,
  ) {
    this.sigma = Math.sqrt(Math.log(1 + cv * cv));
    this.mu = -(this.sigma * this.sigma) / 2;
  }

  /** A multiplier for one command's latency (mean 1). */
  factor(): number {
    if (this.sigma === 0) return 1;
    // Box–Muller: one standard normal from two uniforms.
    const rng = this.rng;
    const u = 1 - rng.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
    return Math.exp(this.mu + this.sigma * z);
  }
}
