import type { Rng } from '../../engine/rng';
import type { BlockDeviceSpec } from '../../scenario/types';
import { MB, NS_PER_SEC, OP_DISCARD, OP_FLUSH, OP_READ, boolParam, numParam, type DeviceLimits, type DeviceModel, type OpCode } from './model';

/**
 * A rotating disk (7200 rpm SATA by default).
 *
 * - Seek: 0 for a sequential continuation; otherwise
 *   track_seek + (full_seek − track_seek)·√(distance/capacity), the
 *   square-root law of short seeks (Ruemmler & Wilkes, "An introduction to
 *   disk drive modeling", 1994). full_seek is derived so that a random seek
 *   (mean distance capacity/3) takes avg_seek_ms.
 * - Rotational latency: uniform in [0, 60/rpm) for any non-sequential access.
 * - Zoned transfer rate: linear from outer_mbps at sector 0 to inner_mbps at the end.
 * - Volatile write cache (write_cache): a write lands in the cache at interface
 *   speed while it has room; the mechanical cost accrues as cache debt that
 *   the drive destages while idle, and that a FLUSH (or an FUA write) pays now.
 */
export class HddModel implements DeviceModel {
  readonly limits: DeviceLimits;
  private readonly sectors: number;
  private readonly trackSeekNs: number;
  private readonly fullSeekNs: number;
  private readonly revNs: number;
  private readonly outerBps: number;
  private readonly innerBps: number;
  private readonly ifaceBps: number;
  private readonly cacheBytes: number;
  private readonly cacheOn: boolean;
  private head = 0;
  private busyUntil = 0;
  /** Mechanical time owed by cached writes not yet on media. */
  private debtNs = 0;
  private dirty = 0;

  constructor(
    spec: BlockDeviceSpec,
    private readonly rng: Rng,
  ) {
    this.sectors = Math.max(1, Math.floor(spec.sizeBytes / 512));
    const rpm = numParam(spec, 'rpm', 7200, 1000, 20000);
    const avgSeekMs = numParam(spec, 'avg_seek_ms', 8.5, 0.1, 100);
    const trackSeekMs = numParam(spec, 'track_seek_ms', 0.8, 0, avgSeekMs);
    this.trackSeekNs = trackSeekMs * 1e6;
    // mean of √(|x−y|) for x, y uniform on [0,1] is 8/15; solve for full stroke.
    this.fullSeekNs = this.trackSeekNs + ((avgSeekMs - trackSeekMs) * 1e6) / (8 / 15);
    this.revNs = (60 * NS_PER_SEC) / rpm;
    this.outerBps = numParam(spec, 'outer_mbps', 200, 1, 10000) * MB;
    this.innerBps = numParam(spec, 'inner_mbps', 100, 1, 10000) * MB;
    this.ifaceBps = numParam(spec, 'interface_mbps', 600, 1, 100000) * MB;
    this.cacheOn = boolParam(spec, 'write_cache', true);
    this.cacheBytes = numParam(spec, 'cache_mb', 64, 0, 1e6) * MB;
    this.limits = {
      queueDepth: numParam(spec, 'queue_depth', 32, 1, 4096),
      nrHwQueues: 1,
      rotational: true,
      volatileCache: this.cacheOn,
      // drivers/ata/libata-core.c: libata.fua defaults to 0, so SATA disks report fua 0.
      fua: boolParam(spec, 'fua', false),
      maxHwSectorsKb: numParam(spec, 'max_hw_sectors_kb', 32767, 4, 1 << 20),
      logicalBlockSize: 512,
      physicalBlockSize: numParam(spec, 'physical_block_size', 4096, 512, 65536),
      bus: 'ata',
    };
  }

  get cacheDirtyBytes(): number {
    return this.dirty;
  }

  /** Seek + rotation + transfer, moving the head. */
  private mechanical(sector: number, bytes: number): number {
    const dist = Math.abs(sector - this.head);
    let t = 0;
    if (dist !== 0) {
      t = this.trackSeekNs + (this.fullSeekNs - this.trackSeekNs) * Math.sqrt(dist / this.sectors);
      t += this.rng.next() * this.revNs;
    }
    const frac = Math.min(1, sector / this.sectors);
    const rate = this.outerBps - (this.outerBps - this.innerBps) * frac;
    t += (bytes / rate) * NS_PER_SEC;
    this.head = sector + Math.ceil(bytes / 512);
    return t;
  }

  service(op: OpCode, sector: number, bytes: number, fua: boolean, now: number): number {
    let start = now > this.busyUntil ? now : this.busyUntil;
    // Idle time destages the cache.
    if (this.debtNs > 0 && now > this.busyUntil) {
      const idle = now - this.busyUntil;
      if (idle >= this.debtNs) {
        this.debtNs = 0;
        this.dirty = 0;
      } else {
        this.dirty *= 1 - idle / this.debtNs;
        this.debtNs -= idle;
      }
    }
    let t: number;
    if (op === OP_FLUSH) {
      t = this.debtNs;
      this.debtNs = 0;
      this.dirty = 0;
    } else if (op === OP_READ) {
      t = this.mechanical(sector, bytes);
    } else if (this.cacheOn && !fua && this.dirty + bytes <= this.cacheBytes) {
      this.debtNs += this.mechanical(sector, bytes);
      this.dirty += bytes;
      t = (bytes / this.ifaceBps) * NS_PER_SEC;
    } else {
      // Write-through, FUA, or a full cache: the write goes to media now (discard is a no-op on HDD).
      t = op === OP_DISCARD ? 0 : this.mechanical(sector, bytes);
    }
    start += Math.round(t);
    this.busyUntil = start;
    return start;
  }
}

