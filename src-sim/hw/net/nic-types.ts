import type { NicType } from '../../scenario/types';

/**
 * What a NIC model offers: the link speeds it negotiates, its descriptor
 * ring limits (what `ethtool -g` prints as "Pre-set maximums"), its queue
 * count, the driver's default interrupt coalescing (`ethtool -c`) and the
 * driver's CPU cost per received packet. Limits are the drivers' own; the
 * costs are round figures for a ~3 GHz core (README: Scope and limitations).
 */
export interface NicModel {
  readonly type: NicType;
  readonly driver: string;
  /** Link speeds in Mbit/s; the first is the default (the fastest). */
  readonly speeds: readonly number[];
  readonly maxRing: number;
  readonly minRing: number;
  readonly defaultRing: number;
  readonly maxQueues: number;
  readonly rxUsecs: number;
  readonly rxFrames: number;
  /** Hard-interrupt cost (entry, ack, handler, exit), ns. */
  readonly irqCostNs: number;
  /** Driver per-packet receive cost (descriptor, DMA sync, build_skb), ns. */
  readonly rxCostNs: number;
}

export const NIC_MODELS: Readonly<Record<NicType, NicModel>> = {
  // drivers/net/ethernet/intel/e1000e/e1000.h: E1000_MAX_RXD 4096, E1000_MIN_RXD 64, E1000_DEFAULT_RXD 256;
  // param.c: InterruptThrottleRate default 3 (dynamic conservative) shows as rx-usecs 3.
  e1000e: { type: 'e1000e', driver: 'e1000e', speeds: [1000, 100, 10], maxRing: 4096, minRing: 64, defaultRing: 256, maxQueues: 1, rxUsecs: 3, rxFrames: 0, irqCostNs: 1000, rxCostNs: 1000 },
  // ixgbe.h: IXGBE_MAX_RXD 8192, IXGBE_MIN_RXD 64, IXGBE_DEFAULT_RXD 512; MAX_RX_QUEUES 64 (RSS 16 per TC).
  ixgbe: { type: 'ixgbe', driver: 'ixgbe', speeds: [10000, 1000], maxRing: 8192, minRing: 64, defaultRing: 512, maxQueues: 64, rxUsecs: 1, rxFrames: 0, irqCostNs: 800, rxCostNs: 500 },
  // i40e_txrx.h: I40E_MAX_NUM_DESCRIPTORS 4096, I40E_MIN_NUM_DESCRIPTORS 64, I40E_DEFAULT_NUM_DESCRIPTORS 512; ITR 50 µs.
  i40e: { type: 'i40e', driver: 'i40e', speeds: [40000, 25000, 10000], maxRing: 4096, minRing: 64, defaultRing: 512, maxQueues: 64, rxUsecs: 50, rxFrames: 0, irqCostNs: 800, rxCostNs: 450 },
  // mlx5/core/en.h: MLX5E_PARAMS_MAXIMUM_LOG_RQ_SIZE → 8192, default 1024;
  // MLX5E_PARAMS_DEFAULT_RX_CQ_MODERATION_USEC 8, _PKTS 32 (en_main.c).
  mlx5_core: { type: 'mlx5_core', driver: 'mlx5_core', speeds: [100000, 50000, 25000], maxRing: 8192, minRing: 64, defaultRing: 1024, maxQueues: 128, rxUsecs: 8, rxFrames: 32, irqCostNs: 700, rxCostNs: 400 },
  // virtio_net: the ring is the virtqueue (256 in QEMU's default); no interrupt coalescing by default.
  virtio_net: { type: 'virtio_net', driver: 'virtio_net', speeds: [10000], maxRing: 1024, minRing: 256, defaultRing: 256, maxQueues: 16, rxUsecs: 0, rxFrames: 0, irqCostNs: 1500, rxCostNs: 800 },
};

export const NIC_TYPES = Object.keys(NIC_MODELS) as NicType[];

/** Ethernet wire overhead per frame: FCS 4 + preamble/SFD 8 + inter-frame gap 12 bytes (IEEE 802.3). */
export const WIRE_OVERHEAD_BYTES = 24;
/** Minimum frame without FCS (ETH_ZLEN). */
export const ETH_ZLEN = 60;

/** Line rate in frames per second for frames of `size` bytes (without FCS). */
export function lineRatePps(speedMbps: number, size: number): number {
  return (speedMbps * 1e6) / ((Math.max(size, ETH_ZLEN) + WIRE_OVERHEAD_BYTES) * 8);
}
