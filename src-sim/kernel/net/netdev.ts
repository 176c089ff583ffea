import type { EventId } from '../../engine/engine';
import { lineRatePps, NIC_MODELS, type NicModel } from '../../hw/net/nic-types';
import { RxRing, type RingSource } from '../../hw/net/rx-ring';
import type { NicSpec } from '../../scenario/types';

/** struct napi_struct: one per RX queue (weight 64), plus each CPU's backlog. */
export interface Napi {
  readonly kind: 'dev' | 'backlog';
  /** On its CPU's poll list (NAPI_STATE_SCHED). */
  scheduled: boolean;
  readonly queue: RxQueue | null;
  readonly cpu: number;
}

/** Interface statistics (struct rtnl_link_stats64, the fields modelled). */
export class LinkStats {
  rxPackets = 0;
  rxBytes = 0;
  rxDropped = 0;
  rxMissed = 0;
  rxErrors = 0;
  txPackets = 0;
  txBytes = 0;
  txDropped = 0;
  txErrors = 0;
}

/** One RX queue: its ring, its interrupt (MSI-X vector) and its NAPI instance. */
export class RxQueue {
  readonly ring: RxRing;
  readonly napi: Napi;
  /** The queue's interrupt is enabled (off while NAPI polls). */
  irqEnabled = true;
  /** Pending interrupt event (coalescing timer or the packet that asserts it). */
  irqEvent: EventId = 0;
  irqAt = Infinity;
  /** Interrupts delivered, per CPU (/proc/interrupts). */
  readonly irqCount: Float64Array;
  /** /sys/class/net/<if>/queues/rx-N/rps_cpus as a CPU list (empty = RPS off). */
  rpsCpus: number[] = [];

  constructor(
    readonly dev: NetDevice,
    readonly index: number,
    readonly irq: number,
    public cpu: number,
    nrCpus: number,
  ) {
    this.ring = new RxRing(dev.spec.ring);
    this.napi = { kind: 'dev', scheduled: false, queue: this, cpu };
    this.irqCount = new Float64Array(nrCpus);
  }

  get irqName(): string {
    const d = this.dev;
    switch (d.spec.type) {
      case 'e1000e':
        return `${d.name}-rx-${this.index}`;
      case 'mlx5_core':
        return `mlx5_comp${this.index}@pci:${d.pciAddress}`;
      case 'virtio_net':
        return `virtio${d.ifindex - 2}-input.${this.index}`;
      default:
        return `${d.name}-TxRx-${this.index}`;
    }
  }
}

/** A network interface (struct net_device) on a NIC model. */
export class NetDevice {
  readonly model: NicModel;
  readonly queues: RxQueue[] = [];
  readonly stats = new LinkStats();
  /** Traffic sources (pktgen) and their per-queue shares. */
  readonly sources: { id: number; rate: number; size: number; flows: number; port: number; proto: 'udp' | 'tcp'; perQueue: RingSource[] }[] = [];
  present = true;
  gro: boolean;
  /** Segmentation offload (ethtool -K tso / gso); both default on. */
  tso: boolean;
  gso: boolean;
  /** When the wire has sent what the stack queued for it (the send run type), ns. */
  txBusyUntil = 0;

  constructor(
    readonly spec: NicSpec,
    readonly name: string,
    readonly ifindex: number,
    firstIrq: number,
    nrCpus: number,
  ) {
    this.model = NIC_MODELS[spec.type];
    this.gro = spec.gro;
    this.tso = spec.tso ?? true;
    this.gso = spec.gso ?? true;
    for (let q = 0; q < spec.queues; q++) {
      this.queues.push(new RxQueue(this, q, firstIrq + q, spec.irqCpus[q % spec.irqCpus.length]!, nrCpus));
    }
  }

  get pciAddress(): string {
    return `0000:${this.spec.pciBus.toString(16).padStart(2, '0')}:00.0`;
  }

  /** Line rate for this source's frame size. */
  lineRate(size: number): number {
    return lineRatePps(this.spec.speedMbps, size);
  }
}

/**
 * RSS: the queue a flow lands on. A fixed integer mix of (port, flow) stands
 * in for the Toeplitz hash of the 4-tuple; the indirection table spreads
 * hashes evenly over the queues (ethtool -x default).
 */
export function rssQueue(port: number, flow: number, queues: number): number {
  return flowHash(port, flow) % queues;
}

/** The 32-bit flow hash (skb->hash) RSS and RPS both use. */
export function flowHash(port: number, flow: number): number {
  let h = (port * 0x9e3779b1 + flow * 0x85ebca6b) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  return (h ^ (h >>> 12)) >>> 0;
}

/**
 * RPS: the CPU of rps_cpus a flow is steered to (net/core/dev.c:
 * get_rps_cpu → map->cpus[reciprocal_scale(hash, map->len)]).
 */
export function rpsCpu(hash: number, cpus: readonly number[]): number {
  return cpus[Math.floor((hash * cpus.length) / 4294967296)]!;
}
