import type { Rng } from '../../engine/rng';
import type { BlockDeviceSpec } from '../../scenario/types';
import { MAX_LAT_CV, MB, NS_PER_SEC, OP_FLUSH, OP_READ, boolParam, LatencyJitter, numParam, type DeviceLimits, type DeviceModel, type OpCode } from './model';

/**
 * A device described by latency + bandwidth + queue depth: a USB flash stick
 * (serial: per-command latency then data at read/write bandwidth; slow
 * writes — the device behind the 2011 "writeback to a USB stick stalls the
 * system" reports) and a generic virtio disk (`queue_depth` requests overlap
 * their latency; bytes share `bandwidth`).
 */
export class LatencyBandwidthModel implements DeviceModel {
  readonly limits: DeviceLimits;
  readonly cacheDirtyBytes = 0;
  private readonly readLatNs: number;
  private readonly writeLatNs: number;
  private readonly readNsPerByte: number;
  private readonly writeNsPerByte: number;
  private readonly flushNs: number;
  /** One slot per request the device overlaps (usb: 1). */
  private readonly slots: Float64Array;
  private next = 0;
  private linkFree = 0;
  private readonly serial: boolean;

  private readonly jitter: LatencyJitter;

  constructor(spec: BlockDeviceSpec, kind: 'usb' | 'virtio', rng: Rng) {
    const usb = kind === 'usb';
    this.jitter = new LatencyJitter(rng, numParam(spec, 'lat_cv', usb ? 0 : 0.15, 0, MAX_LAT_CV));
    this.serial = usb;
    this.readLatNs = numParam(spec, 'read_lat_us', usb ? 500 : 100, 0, 1e7) * 1e3;
    this.writeLatNs = numParam(spec, 'write_lat_us', usb ? 2000 : 100, 0, 1e7) * 1e3;
    const bw = numParam(spec, 'bandwidth_mbps', usb ? 30 : 1000, 0.01, 1e6);
    this.readNsPerByte = NS_PER_SEC / (numParam(spec, 'read_mbps', bw, 0.01, 1e6) * MB);
    this.writeNsPerByte = NS_PER_SEC / (numParam(spec, 'write_mbps', usb ? 8 : bw, 0.01, 1e6) * MB);
    this.flushNs = numParam(spec, 'flush_us', usb ? 5000 : 200, 0, 1e8) * 1e3;
    const depth = numParam(spec, 'queue_depth', usb ? 1 : 256, 1, 65535);
    this.slots = new Float64Array(usb ? 1 : depth);
    this.limits = {
      queueDepth: depth,
      nrHwQueues: usb ? 1 : numParam(spec, 'nr_hw_queues', 1, 1, 1024),
      // drivers/scsi/sd.c: a disk is rotational unless its VPD page says otherwise; sticks rarely do.
      rotational: usb ? boolParam(spec, 'rotational', true) : false,
      volatileCache: boolParam(spec, 'write_cache', !usb),
      fua: boolParam(spec, 'fua', false),
      maxHwSectorsKb: numParam(spec, 'max_hw_sectors_kb', usb ? 120 : 1280, 4, 1 << 20),
      logicalBlockSize: 512,
      physicalBlockSize: 512,
      bus: usb ? 'usb' : 'virtio',
    };
  }

  service(op: OpCode, _sector: number, bytes: number, _fua: boolean, now: number): number {
    const slots = this.slots;
    if (op === OP_FLUSH) {
      let end = now;
      for (let i = 0; i < slots.length; i++) if (slots[i]! > end) end = slots[i]!;
      return Math.round(end + (this.limits.volatileCache ? this.flushNs : 0));
    }
    const read = op === OP_READ;
    if (this.serial) {
      // usb-storage Bulk-Only Transport: one command at a time, its overhead then its data.
      const s0 = Math.max(now, slots[0]!);
      const end0 = s0 + (read ? this.readLatNs : this.writeLatNs) * this.jitter.factor() + bytes * (read ? this.readNsPerByte : this.writeNsPerByte);
      slots[0] = end0;
      return Math.round(end0);
    }
    // A free slot if there is one (scan from where the last search stopped), else the one free soonest.
    const n = slots.length;
    let i = this.next;
    let best = i;
    for (let j = 0; j < n; j++) {
      if (slots[i]! <= now) {
        best = i;
        break;
      }
      if (slots[i]! < slots[best]!) best = i;
      if (++i === n) i = 0;
    }
    i = best;
    this.next = i + 1 === n ? 0 : i + 1;
    const s = slots[i]! > now ? slots[i]! : now;
    let end = s + (read ? this.readLatNs : this.writeLatNs) * this.jitter.factor();
    const ls = this.linkFree > now ? this.linkFree : now;
    this.linkFree = ls + bytes * (read ? this.readNsPerByte : this.writeNsPerByte);
    if (this.linkFree > end) end = this.linkFree;
    slots[i] = end;
    return Math.round(end);
  }
}
