import type { BlockDeviceSpec } from '../../scenario/types';
import { MB, NS_PER_SEC, OP_FLUSH, OP_READ, boolParam, numParam, type DeviceLimits, type DeviceModel, type OpCode } from './model';

/**
 * A device described by latency + bandwidth + queue depth: a USB flash stick
 * (serial, slow writes, high latency — the device behind the 2011 "writeback
 * to a USB stick stalls the system" reports) and a generic virtio disk
 * (`queue_depth` requests overlap their latency; bytes share `bandwidth`).
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

  constructor(spec: BlockDeviceSpec, kind: 'usb' | 'virtio') {
    const usb = kind === 'usb';
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
    const i = this.next;
    this.next = i + 1 === slots.length ? 0 : i + 1;
    const read = op === OP_READ;
    const s = slots[i]! > now ? slots[i]! : now;
    let end = s + (read ? this.readLatNs : this.writeLatNs);
    const ls = this.linkFree > now ? this.linkFree : now;
    this.linkFree = ls + bytes * (read ? this.readNsPerByte : this.writeNsPerByte);
    if (this.linkFree > end) end = this.linkFree;
    slots[i] = end;
    return Math.round(end);
  }
}
