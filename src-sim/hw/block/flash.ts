import type { Rng } from '../../engine/rng';
import type { BlockDeviceSpec } from '../../scenario/types';
import { MAX_LAT_CV, MB, NS_PER_SEC, OP_DISCARD, OP_FLUSH, OP_READ, boolParam, LatencyJitter, numParam, type DeviceLimits, type DeviceModel, type OpCode } from './model';

const PAGE_SECTORS = 8; // 4 KiB flash pages striped over channels

/**
 * Flash storage: SATA SSD and NVMe. Logical 4 KiB pages are striped over
 * `channels` (dies × channels collapsed into one number); a request occupies
 * every channel its pages map to for read/write latency + its share of the
 * bytes at channel speed, and the host link (SATA 6 Gb/s or PCIe) carries
 * all bytes at `bandwidth_mbps`. Writes land in the drive's DRAM cache
 * (write latency); a FLUSH costs `flush_us`.
 */
export class FlashModel implements DeviceModel {
  readonly limits: DeviceLimits;
  readonly cacheDirtyBytes = 0;
  private readonly busy: Float64Array;
  private readonly nch: number;
  private readonly readNs: number;
  private readonly writeNs: number;
  private readonly flushNs: number;
  private readonly nsPerByteChan: number;
  private readonly nsPerByteLink: number;
  private linkFree = 0;
  private readonly jitter: LatencyJitter;
  /** Writes vary as reads unless `write_lat_cv` is set (a drive's DRAM write cache makes write latency tighter or spikier than NAND reads). */
  private readonly writeJitter: LatencyJitter;

  constructor(spec: BlockDeviceSpec, kind: 'ssd' | 'nvme', nrCpus: number, rng: Rng) {
    const nvme = kind === 'nvme';
    const cv = numParam(spec, 'lat_cv', 0.15, 0, MAX_LAT_CV);
    this.jitter = new LatencyJitter(rng, cv);
    // One stream of draws either way: the same scenario without write_lat_cv draws exactly as before.
    const writeCv = numParam(spec, 'write_lat_cv', cv, 0, MAX_LAT_CV);
    this.writeJitter = writeCv === cv ? this.jitter : new LatencyJitter(rng, writeCv);
    this.nch = numParam(spec, 'channels', nvme ? 64 : 8, 1, 4096);
    this.busy = new Float64Array(this.nch);
    this.readNs = numParam(spec, 'read_lat_us', nvme ? 60 : 90, 0, 1e6) * 1e3;
    this.writeNs = numParam(spec, 'write_lat_us', nvme ? 20 : 40, 0, 1e6) * 1e3;
    this.flushNs = numParam(spec, 'flush_us', nvme ? 500 : 2000, 0, 1e7) * 1e3;
    this.nsPerByteChan = NS_PER_SEC / (numParam(spec, 'channel_mbps', nvme ? 400 : 200, 1, 1e6) * MB);
    this.nsPerByteLink = NS_PER_SEC / (numParam(spec, 'bandwidth_mbps', nvme ? 7000 : 550, 1, 1e6) * MB);
    const hwq = numParam(spec, 'nr_hw_queues', nvme ? Math.min(nrCpus, 128) : 1, 1, 1024);
    this.limits = {
      // drivers/nvme/host/pci.c: io_queue_depth default 1024 → tag depth 1023.
      queueDepth: numParam(spec, 'queue_depth', nvme ? 1023 : 32, 1, 65535),
      nrHwQueues: hwq,
      rotational: false,
      volatileCache: boolParam(spec, 'write_cache', true),
      fua: boolParam(spec, 'fua', nvme),
      maxHwSectorsKb: numParam(spec, 'max_hw_sectors_kb', nvme ? 128 : 32767, 4, 1 << 20),
      logicalBlockSize: 512,
      physicalBlockSize: 4096,
      bus: nvme ? 'nvme' : 'ata',
    };
  }

  service(op: OpCode, sector: number, bytes: number, fua: boolean, now: number): number {
    if (op === OP_FLUSH) {
      // A flush waits for everything in flight, then commits the cache.
      let end = now > this.linkFree ? now : this.linkFree;
      for (let c = 0; c < this.nch; c++) if (this.busy[c]! > end) end = this.busy[c]!;
      return Math.round(end + (this.limits.volatileCache ? this.flushNs : 0));
    }
    if (op === OP_DISCARD) return Math.round(now + this.writeNs);
    const lat = op === OP_READ ? this.readNs * this.jitter.factor() : (fua ? this.readNs + this.writeNs : this.writeNs) * this.writeJitter.factor();
    const pages = Math.max(1, Math.ceil(bytes / 4096));
    const n = pages < this.nch ? pages : this.nch;
    const perChan = Math.ceil(pages / n) * 4096;
    const chanNs = lat + (Math.min(bytes, perChan) * this.nsPerByteChan);
    let c = Math.floor(sector / PAGE_SECTORS) % this.nch;
    let end = 0;
    const busy = this.busy;
    for (let i = 0; i < n; i++) {
      const s = busy[c]! > now ? busy[c]! : now;
      const e = s + chanNs;
      busy[c] = e;
      if (e > end) end = e;
      if (++c === this.nch) c = 0;
    }
    const ls = this.linkFree > now ? this.linkFree : now;
    this.linkFree = ls + bytes * this.nsPerByteLink;
    if (this.linkFree > end) end = this.linkFree;
    return Math.round(end);
  }
}
