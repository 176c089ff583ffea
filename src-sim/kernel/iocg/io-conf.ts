import { fail } from '../../vfs/errors';
import type { BlockDeviceInfo } from '../block/bio';

/**
 * Parsers and printers for the per-device io cgroup files, with the
 * kernel's errors: blkg_conf_open_bdev (block/blk-cgroup.c), tg_set_limit /
 * tg_set_conf (block/blk-throttle.c), ioc_weight_write (block/blk-iocost.c),
 * bfq_io_set_weight (block/bfq-cgroup.c), iolatency_set_limit
 * (block/blk-iolatency.c).
 */

export type DevLookup = (major: number, minor: number) => BlockDeviceInfo | null;

/** io.max fields in file order: rbps wbps riops wiops (Infinity = max). */
export type IoMaxValues = [number, number, number, number];
export const IO_MAX_KEYS = ['rbps', 'wbps', 'riops', 'wiops'] as const;

// include/linux/limits.h: UINT_MAX (iops limits are u32 in blk-throttle).
const UINT_MAX = 4294967295;

/**
 * blkg_conf_open_bdev(): "MAJ:MIN" followed by whitespace; the device must
 * exist and be a whole disk (a partition gives ENODEV).
 */
export function parseDevKey(input: string, lookup: DevLookup): { dev: BlockDeviceInfo; body: string } {
  const m = /^\s*(\d+):(\d+)/.exec(input);
  if (!m) fail('EINVAL', `expected "MAJ:MIN ...", got "${input}"`);
  const rest = input.slice(m[0].length);
  if (!/^\s/.test(rest)) fail('EINVAL', `expected a space after ${m[1]}:${m[2]}`);
  const dev = lookup(Number(m[1]), Number(m[2]));
  if (!dev) fail('ENODEV', `no block device ${m[1]}:${m[2]}`);
  if (dev.isPartition) fail('ENODEV', `${m[1]}:${m[2]} is a partition; limits apply to whole disks`);
  return { dev, body: rest.trim() };
}

/** sscanf("%llu"): leading decimal digits; anything after them is ignored. */
function scanU64(s: string): number | null {
  const m = /^\+?(\d+)/.exec(s);
  return m ? Number(m[1]) : null;
}

/** tg_set_limit(): "key=value" tokens update `cur`; value "max" removes a limit; 0 is ERANGE. */
export function parseIoMaxBody(body: string, cur: IoMaxValues): IoMaxValues {
  const v: IoMaxValues = [...cur];
  for (const tok of body.split(/\s+/).filter((t) => t !== '')) {
    const eq = tok.indexOf('=');
    const key = eq < 0 ? tok : tok.slice(0, eq);
    const val = eq < 0 ? null : tok.slice(eq + 1);
    if (val === null) fail('EINVAL', `expected key=value, got "${tok}"`);
    let n: number;
    if (val === 'max') n = Infinity;
    else {
      const scanned = scanU64(val);
      if (scanned === null) fail('EINVAL', `"${key}" needs a number or "max", got "${val}"`);
      n = scanned;
    }
    if (n === 0) fail('ERANGE', `${key}=0 is not a limit (write "max" to remove one)`);
    const i = IO_MAX_KEYS.indexOf(key as (typeof IO_MAX_KEYS)[number]);
    if (i < 0) fail('EINVAL', `unknown key "${key}" (expected rbps, wbps, riops or wiops)`);
    v[i] = i >= 2 && n !== Infinity ? Math.min(n, UINT_MAX) : n;
  }
  return v;
}

function fmt(n: number): string {
  return n === Infinity ? 'max' : String(n);
}

/** tg_prfill_limit(): one line per device with any limit set. */
export function formatIoMaxLine(devt: string, v: IoMaxValues): string {
  if (v.every((x) => x === Infinity)) return '';
  return `${devt} rbps=${fmt(v[0])} wbps=${fmt(v[1])} riops=${fmt(v[2])} wiops=${fmt(v[3])}\n`;
}

/** tg_set_conf() (v1 blkio.throttle.*_device): one number; 0 removes the limit. */
export function parseV1Limit(body: string): number {
  const n = scanU64(body);
  if (n === null) fail('EINVAL', `expected a number after the device, got "${body}"`);
  return n === 0 ? Infinity : n;
}

export interface WeightRange {
  min: number;
  max: number;
  /** iocost answers EINVAL, bfq and CFQ-era blkio ERANGE. */
  errno: 'EINVAL' | 'ERANGE';
}

// include/linux/cgroup.h: CGROUP_WEIGHT_MIN/MAX (iocost io.weight)
export const IO_WEIGHT: WeightRange = { min: 1, max: 10000, errno: 'EINVAL' };
// block/bfq-iosched.h: BFQ_MIN_WEIGHT, BFQ_MAX_WEIGHT
export const BFQ_WEIGHT: WeightRange = { min: 1, max: 1000, errno: 'ERANGE' };
// CFQ-era blkio.weight: CFQ_WEIGHT_LEGACY_MIN / MAX
export const BLKIO_WEIGHT: WeightRange = { min: 10, max: 1000, errno: 'ERANGE' };
/** BFQ_DEFAULT_GRP_WEIGHT / CGROUP_WEIGHT_DFL */
export const DEFAULT_WEIGHT = 100;

/** A weight file's state: a default and per-device overrides (devt → weight). */
export class WeightConf {
  dfl = DEFAULT_WEIGHT;
  readonly perDev = new Map<string, number>();

  constructor(readonly range: WeightRange) {}

  weightFor(devt: string): number {
    return this.perDev.get(devt) ?? this.dfl;
  }

  private check(v: number, what: string): number {
    if (v < this.range.min || v > this.range.max) fail(this.range.errno, `${what} ${v} is outside ${this.range.min}-${this.range.max}`);
    return v;
  }

  /** "N", "default N", "MAJ:MIN N" or "MAJ:MIN default" (drops the override). */
  write(input: string, lookup: DevLookup): void {
    const s = input.trim();
    if (!s.includes(':')) {
      const m = /^(?:default\s+)?(\d+)/.exec(s);
      if (!m) fail('EINVAL', `expected "default N", "N" or "MAJ:MIN N", got "${input}"`);
      this.dfl = this.check(Number(m[1]), 'weight');
      return;
    }
    const { dev, body } = parseDevKey(s, lookup);
    if (body.startsWith('default')) {
      this.perDev.delete(dev.devt);
      return;
    }
    const n = scanU64(body);
    if (n === null) fail('EINVAL', `expected a weight or "default" after ${dev.devt}, got "${body}"`);
    this.perDev.set(dev.devt, this.check(n, 'weight'));
  }

  /** "default N" then "MAJ:MIN W" per override, devices in numeric order. */
  read(): string {
    const lines = [`default ${this.dfl}\n`];
    for (const [devt, w] of [...this.perDev].sort(byDevt)) lines.push(`${devt} ${w}\n`);
    return lines.join('');
  }
}

/** Sort [devt, x] pairs by major then minor. */
export function byDevt<T>(a: [string, T], b: [string, T]): number {
  const [am, an] = a[0].split(':').map(Number) as [number, number];
  const [bm, bn] = b[0].split(':').map(Number) as [number, number];
  return am - bm || an - bn;
}

/** iolatency_set_limit(): "target=<µs>" or "target=max"; returns ns or 0 for none. */
export function parseIoLatencyBody(body: string): number {
  let target: number | null = null;
  for (const tok of body.split(/\s+/).filter((t) => t !== '')) {
    const m = /^target=(.*)$/.exec(tok);
    if (!m) fail('EINVAL', `unknown key in "${tok}" (expected target=<usec>)`);
    if (m[1] === 'max') target = 0;
    else {
      const n = scanU64(m[1]!);
      if (n === null) fail('EINVAL', `target needs microseconds or "max", got "${m[1]}"`);
      target = n * 1000;
    }
  }
  if (target === null) fail('EINVAL', 'expected target=<usec>');
  return target;
}
