import { z } from 'zod';
import { MEMPOLICY_MODES, SCENARIO_FORMAT } from '../../src-sim/scenario/types';
import { ZSWAP_COMPRESSORS, ZSWAP_ZPOOLS } from '../../src-sim/kernel/mm/zswap-params';

/**
 * The resolved scenario (src-sim/scenario/types.ts) as it crosses the IPC
 * boundary: checked field by field so a malformed request fails here, with
 * its path, and never reaches a worker. Units are already resolved (ns, bytes).
 */
const ns = z.number().int().nonnegative();
const bytes = z.number().nonnegative();

const device = z.object({
  name: z.string().min(1),
  type: z.enum(['hdd', 'ssd', 'nvme', 'usb', 'virtio']),
  sizeBytes: bytes,
  major: z.number().int().nonnegative(),
  minor: z.number().int().nonnegative(),
  model: z.string(),
  serial: z.string(),
  partitions: z.array(bytes),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  badSectors: z.array(z.object({ start: z.number(), end: z.number(), op: z.enum(['read', 'write', 'both']) })),
});

// src-sim/scenario/types.ts NicSpec (a network interface; the stack is installed only with some)
const nic = z.object({
  name: z.string().min(1).max(15),
  type: z.enum(['e1000e', 'ixgbe', 'i40e', 'mlx5_core', 'virtio_net']),
  speedMbps: z.number().int().positive(),
  queues: z.number().int().min(1).max(128),
  ring: z.number().int().min(1).max(65536),
  irqCpus: z.array(z.number().int().nonnegative()).min(1),
  rxUsecs: z.number().int().nonnegative(),
  rxFrames: z.number().int().nonnegative(),
  gro: z.boolean(),
  tso: z.boolean().optional(),
  gso: z.boolean().optional(),
  irqCostNs: ns,
  rxCostNs: ns,
  pciBus: z.number().int().min(0).max(255),
});

export const nicSchema = nic;

const madvise = z.enum(['hugepage', 'nohugepage']);

const run = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cpu') }),
  z.object({ type: z.literal('periodic'), busyNs: ns, periodNs: ns, jitter: z.number() }),
  z.object({
    type: z.literal('alloc'),
    sizeBytes: bytes,
    stepBytes: bytes,
    everyNs: ns,
    touch: z.enum(['sequential', 'random']),
    then: z.enum(['hold', 'free', 'loop']),
    madvise: madvise.optional(),
    pin: z.boolean().optional(),
    hugetlb: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('workingset'),
    sizeBytes: bytes,
    pattern: z.enum(['uniform', 'zipf']),
    theta: z.number(),
    ratePerSec: z.number(),
    workNs: ns.optional(),
    madvise: madvise.optional(),
    hugetlb: z.boolean().optional(),
  }),
  z.object({ type: z.literal('wss-scanner'), periodNs: z.number().int().positive(), pageCostNs: ns }),
  z.object({
    type: z.enum(['read', 'write']),
    file: z.string(),
    sizeBytes: bytes,
    bs: z.number().positive(),
    pattern: z.enum(['sequential', 'random']),
    direct: z.boolean(),
    fsyncEveryBytes: bytes,
    loop: z.boolean(),
    mmap: z.boolean().optional(),
  }),
  z.object({ type: z.literal('fio'), jobPath: z.string().nullable(), jobText: z.string() }),
  z.object({ type: z.literal('pktgen'), nic: z.string().min(1), ratePerSec: z.number().nonnegative(), sizeBytes: bytes, flows: z.number().int().positive(), port: z.number().int().nonnegative(), proto: z.enum(['udp', 'tcp']) }),
  z.object({ type: z.literal('stream'), nic: z.string().min(1), port: z.number().int().nonnegative(), sizeBytes: bytes, windowBytes: bytes, rttNs: ns }),
  z.object({ type: z.literal('assoc'), paths: z.array(z.string().min(1)).min(1), port: z.number().int().nonnegative(), ratePerSec: z.number().nonnegative(), sizeBytes: bytes, failoverNs: ns }),
  z.object({ type: z.literal('forward'), port: z.number().int().nonnegative(), to: z.string().min(1), costNs: ns }),
  z.object({ type: z.literal('send'), nic: z.string().min(1), port: z.number().int().nonnegative() }),
  z.object({ type: z.literal('netrecv'), port: z.number().int().nonnegative(), costNs: ns, batch: z.number().int().positive(), rcvbufBytes: bytes }),
]);

export const deviceSchema = device;

export const timelineActionSchema = z.discriminatedUnion('kind', [
  z.object({ atNs: ns, kind: z.literal('write'), path: z.string().startsWith('/'), value: z.string() }),
  z.object({ atNs: ns, kind: z.literal('plug'), device }),
  z.object({ atNs: ns, kind: z.literal('unplug'), device: z.string().min(1) }),
  z.object({ atNs: ns, kind: z.literal('plug_nic'), nic }),
  z.object({ atNs: ns, kind: z.literal('unplug_nic'), nic: z.string().min(1) }),
]);

export const scenarioSchema = z.object({
  format: z.literal(SCENARIO_FORMAT),
  name: z.string(),
  description: z.string(),
  seed: z.number().int(),
  run: z.number().int().nonnegative(),
  durationNs: z.number().int().positive(),
  sampleIntervalNs: z.number().int().positive(),
  cgroupVersion: z.union([z.literal(1), z.literal(2)]),
  machine: z.object({
    cpus: z.number().int().positive(),
    memoryBytes: bytes,
    numa: z.object({
      nodes: z.array(z.object({ cpus: z.array(z.number().int().nonnegative()), memoryBytes: bytes })).min(1),
      distances: z.array(z.array(z.number())),
    }),
    swap: z
      .object({ sizeBytes: bytes, device: z.string().nullable(), latencyNs: ns, bandwidthBytesPerSec: z.number().nonnegative() })
      .nullable(),
    devices: z.array(device),
    nics: z.array(nic).optional(),
    // src-sim/kernel/mm/balloon.ts BalloonSpec
    balloon: z.object({ targetPages: z.number().int().nonnegative(), deflateOnOom: z.boolean(), freePageReporting: z.boolean() }).optional(),
  }),
  kernel: z.object({
    version: z.string(),
    scheduler: z.enum(['eevdf', 'cfs']),
    sysctl: z.array(z.tuple([z.string(), z.string()])),
    hz: z.number().int().positive(),
    net: z.object({ rxMode: z.enum(['napi', 'per-packet']), stackCostNs: ns }).optional(),
    // src-sim/kernel/mm/zswap-params.ts ZswapSpec
    zswap: z
      .object({
        enabled: z.boolean(),
        maxPoolPercent: z.number().int().min(0).max(100),
        compressor: z.enum(ZSWAP_COMPRESSORS),
        zpool: z.enum(ZSWAP_ZPOOLS),
        acceptThresholdPercent: z.number().int().min(0).max(100),
        shrinkerEnabled: z.boolean(),
        ratio: z.number().min(1).max(64),
      })
      .optional(),
  }),
  cgroups: z.array(z.object({ path: z.string().startsWith('/'), writes: z.array(z.tuple([z.string(), z.string()])) })),
  files: z.array(z.object({ path: z.string(), sizeBytes: bytes, device: z.string().nullable() })),
  tasks: z.array(
    z.object({
      name: z.string().min(1),
      cgroup: z.string().startsWith('/'),
      cpus: z.array(z.number().int().nonnegative()),
      nice: z.number().int().min(-20).max(19),
      policy: z.enum(['SCHED_OTHER', 'SCHED_BATCH', 'SCHED_IDLE', 'SCHED_FIFO', 'SCHED_RR']),
      rtPriority: z.number().int().min(0).max(99),
      count: z.number().int().positive(),
      oomScoreAdj: z.number().int().min(-1000).max(1000),
      startNs: ns,
      sliceNs: ns,
      mempolicy: z.object({ mode: z.enum(MEMPOLICY_MODES), nodes: z.array(z.number().int().nonnegative()) }).optional(),
      run,
    }),
  ),
  timeline: z.array(timelineActionSchema),
  record: z.array(z.string()),
});
