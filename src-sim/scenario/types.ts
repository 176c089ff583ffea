/**
 * The resolved scenario: what the loader hands to the simulator after parsing,
 * validating and converting units. Durations are integer nanoseconds, sizes
 * are bytes, rates are per second. The on-disk format (kernel-lab/scenario@1)
 * is described by the zod schema in ./schema.ts; this is its output.
 */

import type { ZswapSpec } from '../kernel/mm/zswap-params';
export type { ZswapSpec } from '../kernel/mm/zswap-params';
import type { BalloonSpec } from '../kernel/mm/balloon';
export type { BalloonSpec } from '../kernel/mm/balloon';

export const SCENARIO_FORMAT = 'kernel-lab/scenario@1';

export interface Scenario {
  format: typeof SCENARIO_FORMAT;
  name: string;
  /** Free text shown in the experiments gallery. */
  description: string;
  seed: number;
  /** Replication number (ns-3 style): same seed, independent random stream. */
  run: number;
  durationNs: number;
  sampleIntervalNs: number;
  cgroupVersion: 1 | 2;
  machine: MachineSpec;
  kernel: KernelSpec;
  /** Cgroup path ("/batch", "/web/frontend") → file → value written as `echo` would. In file order. */
  cgroups: CgroupSpec[];
  files: FileSpec[];
  tasks: TaskSpec[];
  timeline: TimelineAction[];
  /** Virtual-file paths to sample as series; empty = every observable file. */
  record: string[];
}

export interface CgroupSpec {
  path: string;
  /** Interface file name → value, in the order written in the scenario. */
  writes: [string, string][];
}

export interface NumaNodeSpec {
  cpus: number[];
  memoryBytes: number;
}

export interface MachineSpec {
  /** Number of CPUs, 0..cpus-1. Equals the sum over NUMA nodes. */
  cpus: number;
  memoryBytes: number;
  /** Always at least one node; a flat machine is one node holding all CPUs. */
  numa: { nodes: NumaNodeSpec[]; distances: number[][] };
  swap: SwapSpec | null;
  devices: BlockDeviceSpec[];
  /** Network interfaces (src-sim/hw/net); absent or empty = no network stack is installed. */
  nics?: NicSpec[];
  /** A virtio-balloon device (the machine is a guest); absent = none (src-sim/kernel/mm/README.md). */
  balloon?: BalloonSpec;
}

export type NicType = 'e1000e' | 'ixgbe' | 'i40e' | 'mlx5_core' | 'virtio_net';

export interface NicSpec {
  name: string;
  type: NicType;
  /** Link speed, Mbit/s (ethtool's unit). */
  speedMbps: number;
  queues: number;
  /** RX/TX descriptor ring size (ethtool -G rx/tx). */
  ring: number;
  /** CPU each queue's interrupt is affine to, queue i → irqCpus[i % length]. */
  irqCpus: number[];
  /** Interrupt coalescing (ethtool -C rx-usecs / rx-frames). */
  rxUsecs: number;
  rxFrames: number;
  /** Generic receive offload (ethtool -K gro). */
  gro: boolean;
  /** TCP segmentation offload (ethtool -K tso); absent = on. */
  tso?: boolean;
  /** Generic segmentation offload (ethtool -K gso); absent = on. */
  gso?: boolean;
  /** Hard-interrupt entry + handler cost per interrupt, ns. */
  irqCostNs: number;
  /** Driver cost per received packet (descriptor, DMA unmap, skb build), ns. */
  rxCostNs: number;
  /** PCI bus number of the slot, for the predictable name enp<bus>s0. */
  pciBus: number;
}

/** kernel.net: how the receive path runs. */
export interface NetSpec {
  /** napi: interrupt → disable → poll with a budget; per-packet: the pre-NAPI netif_rx() path. */
  rxMode: 'napi' | 'per-packet';
  /** Protocol stack cost per packet (or per GRO super-packet) above the driver: ip_rcv … socket enqueue, ns. */
  stackCostNs: number;
}

export interface SwapSpec {
  sizeBytes: number;
  /** Name of a block device in machine.devices, or null for a fixed-speed swap. */
  device: string | null;
  /** Per-page swap-in/out latency when device is null. */
  latencyNs: number;
  bandwidthBytesPerSec: number;
}

export type BlockDeviceType = 'hdd' | 'ssd' | 'nvme' | 'usb' | 'virtio';

export interface BlockDeviceSpec {
  name: string;
  type: BlockDeviceType;
  sizeBytes: number;
  major: number;
  minor: number;
  /** Model/serial for /dev/disk/by-id; defaults derived from the name. */
  model: string;
  serial: string;
  /** Partitions: sizes in bytes, created as <name>1, <name>2… (nvme: p1). */
  partitions: number[];
  /** Type-specific overrides (rpm, seek times, channels, latency, bandwidth, queue_depth…). */
  params: Record<string, number | string | boolean>;
  /** Error injection. */
  badSectors: { start: number; end: number; op: 'read' | 'write' | 'both' }[];
}

export interface KernelSpec {
  /** "6.18" etc.: selects version-dependent defaults (EEVDF base slice 0.75 ms ≤6.14, 0.7 ms ≥6.15). */
  version: string;
  scheduler: 'eevdf' | 'cfs';
  /** sysctl name (dotted, as `sysctl -w` takes it) → value as written. In file order. */
  sysctl: [string, string][];
  /** HZ, for the few behaviours that are in jiffies (PSI period, memory.high penalty). */
  hz: number;
  /** The network stack's receive mode and costs; absent = defaults (napi). */
  net?: NetSpec;
  /** zswap boot parameters and compression ratio; absent = a kernel built without CONFIG_ZSWAP (src-sim/kernel/mm/README.md). */
  zswap?: ZswapSpec;
}

export interface FileSpec {
  path: string;
  sizeBytes: number;
  /** Block device name; null = a file whose reads cost a fixed backing latency. */
  device: string | null;
}

export type SchedPolicy = 'SCHED_OTHER' | 'SCHED_BATCH' | 'SCHED_IDLE' | 'SCHED_FIFO' | 'SCHED_RR';

/** include/uapi/linux/mempolicy.h modes, named as numactl does (MPOL_DEFAULT, MPOL_BIND, …). */
export const MEMPOLICY_MODES = ['default', 'bind', 'preferred', 'interleave', 'weighted-interleave'] as const;
export type MemPolicyMode = (typeof MEMPOLICY_MODES)[number];

/** set_mempolicy() as numactl --membind/--preferred/--interleave/--weighted-interleave would call it. */
export interface MemPolicySpec {
  mode: MemPolicyMode;
  /** Node numbers (empty for default). */
  nodes: number[];
}

export interface TaskSpec {
  name: string;
  cgroup: string;
  /** Allowed CPUs (taskset list syntax resolved); empty = all. */
  cpus: number[];
  nice: number;
  policy: SchedPolicy;
  rtPriority: number;
  count: number;
  oomScoreAdj: number;
  /** When the task is created (fork), ns. */
  startNs: number;
  /** EEVDF custom slice (sched_setattr sched_runtime), ns; 0 = default. */
  sliceNs: number;
  /** The task's memory policy; absent = default (local allocation). */
  mempolicy?: MemPolicySpec;
  run: RunSpec;
}

export type RunSpec =
  | { type: 'cpu' }
  | { type: 'periodic'; busyNs: number; periodNs: number; /** uniform ± fraction of period */ jitter: number }
  | {
      type: 'alloc';
      sizeBytes: number;
      stepBytes: number;
      everyNs: number;
      touch: 'sequential' | 'random';
      then: 'hold' | 'free' | 'loop';
      /** madvise(MADV_HUGEPAGE | MADV_NOHUGEPAGE) on the region; absent = none. */
      madvise?: 'hugepage' | 'nohugepage';
      /** Long-term pinned (FOLL_LONGTERM, as RDMA or vfio pin): never in ZONE_MOVABLE, never migrated; absent = false. */
      pin?: boolean;
      /** mmap(MAP_HUGETLB): 2 MiB pages from the hugetlbfs pool (vm.nr_hugepages), reserved at mmap; absent = false. */
      hugetlb?: boolean;
    }
  | {
      type: 'workingset';
      sizeBytes: number;
      pattern: 'uniform' | 'zipf';
      theta: number;
      ratePerSec: number;
      /** CPU time the loop needs with all memory local; the task exits when done (0 = runs forever). */
      workNs?: number;
      /** madvise(MADV_HUGEPAGE | MADV_NOHUGEPAGE) on the region; absent = none. */
      madvise?: 'hugepage' | 'nohugepage';
      /** mmap(MAP_HUGETLB): 2 MiB pages from the hugetlbfs pool (vm.nr_hugepages), reserved at mmap; absent = false. */
      hugetlb?: boolean;
    }
  | {
      /**
       * A user-space working-set scanner (idle page tracking): every period it
       * reads /sys/kernel/mm/page_idle/bitmap over all PFNs, counts the pages
       * found accessed per memcg, and marks every page idle again.
       */
      type: 'wss-scanner';
      /** From the start of one scan to the start of the next (default 2 min). */
      periodNs: number;
      /** CPU time per PFN per scan (read the bit, rmap walk, re-mark, memcg lookup); default 290 ns. */
      pageCostNs: number;
    }
  | {
      type: 'read' | 'write';
      file: string;
      sizeBytes: number;
      bs: number;
      pattern: 'sequential' | 'random';
      direct: boolean;
      /** write only: fsync after every N bytes (0 = never) */
      fsyncEveryBytes: number;
      /** repeat forever */
      loop: boolean;
      /** Access through a shared file mapping instead of read()/write(): page-cache misses are major faults. Default false. */
      mmap?: boolean;
    }
  | {
      type: 'pktgen';
      /** The NIC the packets arrive on (sent by the link partner). */
      nic: string;
      ratePerSec: number;
      /** Frame size without FCS, bytes (pktgen pkt_size). */
      sizeBytes: number;
      flows: number;
      /** Destination UDP port; a netrecv socket bound to it receives the packets. */
      port: number;
      /** 'udp' datagrams, or 'tcp' segments of one bulk stream per flow (GRO merges them). */
      proto: 'udp' | 'tcp';
    }
  | {
      type: 'stream';
      /** A TCP-like bulk stream from the link partner into `nic`, to the socket on `port`. */
      nic: string;
      port: number;
      /** Frame size (MSS + 66 bytes of headers). */
      sizeBytes: number;
      /** Sender's window limit (bytes in flight), also capped by the receiver's free buffer. */
      windowBytes: number;
      /** Round-trip time: the ACK clock's period. */
      rttNs: number;
    }
  | {
      type: 'assoc';
      /** SCTP-like multi-homed association from the link partner: the primary path first, then alternates. */
      paths: string[];
      port: number;
      ratePerSec: number;
      sizeBytes: number;
      /** Time until the sender declares the path dead and moves to the next (path.max.retrans × RTO). */
      failoverNs: number;
    }
  | {
      type: 'forward';
      /** Packets to this UDP port are routed out of `to` (ip_forward) instead of going to a socket. */
      port: number;
      to: string;
      /** Softirq CPU per forwarded packet (route lookup, ip_forward, dev_queue_xmit, driver TX), ns. */
      costNs: number;
    }
  | {
      type: 'send';
      /** A local bulk TCP sender (iperf3 -c from this machine) out of `nic`. */
      nic: string;
      port: number;
    }
  | {
      type: 'netrecv';
      port: number;
      /** CPU cost per packet consumed (recvmsg + the application's work), ns. */
      costNs: number;
      /** Packets read per wake-up at most (recvmmsg vlen). */
      batch: number;
      /** Socket receive buffer (SO_RCVBUF), bytes; 0 = net.core.rmem_default. */
      rcvbufBytes: number;
    }
  | {
      type: 'fio';
      /** Path as written in the scenario (for messages). */
      jobPath: string | null;
      /** The job file's text (read by the host) or the inline options rendered as a job file. */
      jobText: string;
    };

export type TimelineAction =
  | { atNs: number; kind: 'write'; path: string; value: string }
  | { atNs: number; kind: 'plug'; device: BlockDeviceSpec }
  | { atNs: number; kind: 'unplug'; device: string }
  /** A NIC hot-added (PCI hot-plug): the interface appears with its files and a net uevent. */
  | { atNs: number; kind: 'plug_nic'; nic: NicSpec }
  /** A NIC surprise-removed, as /sys/bus/pci/devices/<addr>/remove does. */
  | { atNs: number; kind: 'unplug_nic'; nic: string };
