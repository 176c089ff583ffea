import { ZSWAP_COMPRESSORS, ZSWAP_ZPOOLS } from '../kernel/mm/zswap-params';
import { z } from 'zod';
import { MEMPOLICY_MODES, SCENARIO_FORMAT } from './types';
import {
  EXPECT_BANDWIDTH,
  EXPECT_DURATION,
  EXPECT_RATE,
  EXPECT_SIZE,
  UnitError,
  parseBandwidth,
  parseDuration,
  parseRate,
  parseSize,
  show,
} from './units';
import { EXPECT_CPULIST } from './cpulist';

/**
 * The on-disk scenario format kernel-lab/scenario@1 (YAML or JSON), as a zod
 * schema. Keys are snake_case as in the file; units are converted here
 * (durations → ns, sizes → bytes, rates → per second). Cross-field rules
 * (NUMA, affinity against the machine, devices, cgroup writes) live in
 * resolve.ts and validate.ts. Every object is strict: an unknown key is an
 * error naming the keys allowed there.
 */

/** Top-level keys with this prefix belong to the file's author (anchors, notes); the loader ignores them. */
export const EXTENSION_PREFIX = 'x-';

/** Marker in an object's unrecognized-keys message; the loader splits it into one issue per key. */
export const ALLOWED_KEYS_PREFIX = 'allowed keys: ';

function strict<S extends z.ZodRawShape>(shape: S) {
  const keys = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') return `${ALLOWED_KEYS_PREFIX}${keys}`;
      if (iss.input === undefined) return `required: expected a mapping with keys ${keys}`;
      return `expected a mapping (keys ${keys}), got ${show(iss.input)}`;
    },
  });
}

function expecting(expected: string) {
  return (iss: { input?: unknown }): string =>
    iss.input === undefined ? `required: expected ${expected}` : `expected ${expected}, got ${show(iss.input)}`;
}

/** A value in one of the scenario units, converted by `parse`; `check` adds a range rule. */
function unit<T>(parse: (v: unknown) => T, expected: string, description: string, pattern: string, check?: (v: T) => string | null) {
  return z
    .union([z.string(), z.number()], { error: expecting(expected) })
    .transform((v, ctx) => {
      try {
        const out = parse(v);
        const bad = check?.(out);
        if (bad) {
          ctx.issues.push({ code: 'custom', message: `expected ${bad}, got ${show(v)}`, input: v });
          return z.NEVER;
        }
        return out;
      } catch (e) {
        if (!(e instanceof UnitError)) throw e;
        ctx.issues.push({ code: 'custom', message: e.message, input: v });
        return z.NEVER;
      }
    })
    .meta({ description, pattern });
}

// Patterns for editors reading the JSON Schema; the parsers in units.ts are the authority.
const NUM = '\\s*([0-9]+(\\.[0-9]*)?|\\.[0-9]+)\\s*';
const DURATION_PATTERN = `^${NUM}(ns|us|µs|ms|s|m|min|h)\\s*$`;
const SIZE_PATTERN = `^${NUM}([KMGTPEkmgtpe]|[KMGTPE]iB|B)?\\s*$`;
const RATE_PATTERN = `^${NUM}/\\s*(s|ms|us|µs|m|min|h)\\s*$`;

const duration = unit(parseDuration, EXPECT_DURATION, 'Duration: a number with unit ns, us, ms, s, m or h, e.g. "10ms".', DURATION_PATTERN);
const positiveDuration = unit(parseDuration, EXPECT_DURATION, 'Duration > 0: a number with unit ns, us, ms, s, m or h.', DURATION_PATTERN, (ns) =>
  ns > 0 ? null : 'a duration > 0',
);
const size = unit(parseSize, EXPECT_SIZE, 'Size in bytes: a byte count or a number with binary suffix K, M, G, T (KiB, MiB, GiB, TiB).', SIZE_PATTERN);
const positiveSize = unit(parseSize, EXPECT_SIZE, 'Size > 0 in bytes (binary suffixes K, M, G, T).', SIZE_PATTERN, (b) => (b > 0 ? null : 'a size > 0'));
const rate = unit(parseRate, EXPECT_RATE, 'Rate: a count per unit of time, e.g. "200000/s".', RATE_PATTERN);
const bandwidth = z
  .string({ error: expecting(EXPECT_BANDWIDTH) })
  .transform((v, ctx) => {
    try {
      return parseBandwidth(v);
    } catch (e) {
      if (!(e instanceof UnitError)) throw e;
      ctx.issues.push({ code: 'custom', message: e.message, input: v });
      return z.NEVER;
    }
  })
  .meta({ description: 'Bandwidth: a size per second, e.g. "200M/s".', pattern: `^${NUM}([KMGTPEkmgtpe]|[KMGTPE]iB|B)?\\s*/\\s*s\\s*$` });

function intIn(min: number, max: number) {
  return z
    .number({ error: expecting(`an integer from ${min} to ${max}`) })
    .int({ error: expecting(`an integer from ${min} to ${max}`) })
    .min(min, { error: expecting(`an integer from ${min} to ${max}`) })
    .max(max, { error: expecting(`an integer from ${min} to ${max}`) });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: expecting(`one of ${values.join(', ')}`) });
}

const text = (what: string) => z.string({ error: expecting(what) });
const bool = z.boolean({ error: expecting('true or false') });

/**
 * A value written to a kernel file (cgroup interface file, sysctl, timeline
 * write) exactly as `echo VALUE > file` would write it. The loader replaces
 * unquoted numbers by their source text, so `0x100` or `1e3` reach the kernel
 * as written and get the kernel's answer.
 */
const echoValue = z
  .union([z.string(), z.number(), z.boolean()], { error: expecting('a value to write, as echo would write it') })
  .transform((v) => String(v));

/** A CPU list in taskset syntax; a bare number is one CPU. Parsed in resolve.ts, where the machine size is known. */
const cpuList = z
  .union([z.string(), z.number().int().min(0)], { error: expecting(EXPECT_CPULIST) })
  .transform((v) => String(v))
  .meta({ description: 'CPU list, taskset/kernel syntax: "0-3,8,10-11", "0-7:2".' });

const NumaNode = strict({ cpus: cpuList, memory: size });

export const BLOCK_DEVICE_TYPES = ['hdd', 'ssd', 'nvme', 'usb', 'virtio'] as const;

export const BlockDeviceFile = strict({
  name: text('a device name like sdb or nvme0n1').regex(/^[a-z][a-z0-9]*$/, {
    error: expecting('a device name like sdb or nvme0n1 (lower-case letters and digits)'),
  }),
  type: oneOf(BLOCK_DEVICE_TYPES),
  size: positiveSize,
  // include/linux/kdev_t.h: MINORBITS 20; majors are 12 bits.
  major: intIn(0, 4095),
  minor: intIn(0, 2 ** 20 - 1),
  model: text('a model string').optional(),
  serial: text('a serial string').optional(),
  partitions: z.array(positiveSize, { error: expecting('a list of partition sizes') }).optional(),
  params: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: expecting('a number, string or true/false') }), {
      error: expecting('a mapping of device parameters'),
    })
    .optional(),
  bad_sectors: z
    .array(
      strict({
        start: intIn(0, Number.MAX_SAFE_INTEGER),
        end: intIn(0, Number.MAX_SAFE_INTEGER),
        op: oneOf(['read', 'write', 'both']).optional(),
      }),
      { error: expecting('a list of sector ranges') },
    )
    .optional(),
});

export const NIC_TYPE_NAMES = ['e1000e', 'ixgbe', 'i40e', 'mlx5_core', 'virtio_net'] as const;

/** Link speed as ethtool prints it: "10G", "25G", "1000M", or Mbit/s as a number. */
const linkSpeed = z
  .union([z.string(), z.number()], { error: expecting('a link speed like 1G, 10G, 25G, 100G or 1000M') })
  .transform((v, ctx) => {
    const m = /^\s*(\d+)\s*([MG])?\s*$/i.exec(String(v));
    if (!m) {
      ctx.issues.push({ code: 'custom', message: `expected a link speed like 1G, 10G, 25G, 100G or 1000M, got ${show(v)}`, input: v });
      return z.NEVER;
    }
    return Number(m[1]) * (m[2]?.toUpperCase() === 'G' ? 1000 : 1);
  })
  .meta({ description: 'Link speed: 1G, 10G, 25G, 40G, 100G (or Mbit/s with M).' });

export const NicFile = strict({
  name: text('an interface name like eth0 or enp3s0').regex(/^[a-z][a-z0-9]{0,14}$/, {
    error: expecting('an interface name like eth0 or enp3s0 (lower-case letters and digits, at most 15)'),
  }).optional(),
  type: oneOf(NIC_TYPE_NAMES),
  speed: linkSpeed.optional(),
  queues: intIn(1, 128).optional(),
  ring: intIn(1, 65536).optional(),
  irq_cpus: cpuList.optional(),
  rx_usecs: intIn(0, 100000).optional(),
  rx_frames: intIn(0, 65536).optional(),
  gro: bool.optional(),
  tso: bool.optional(),
  gso: bool.optional(),
  irq_cost: duration.optional(),
  rx_cost: duration.optional(),
  pci_bus: intIn(0, 255).optional(),
});

const Machine = strict({
  cpus: intIn(1, 8192).optional(),
  memory: positiveSize.optional(),
  numa: strict({
    nodes: z.array(NumaNode, { error: expecting('a list of NUMA nodes') }).min(1, { error: 'expected at least one NUMA node' }),
    distances: z
      .array(z.array(intIn(0, 255), { error: expecting('a row of distances') }), { error: expecting('a square matrix of distances') })
      .optional(),
  }).optional(),
  swap: strict({
    size: positiveSize,
    device: text('a block device name').optional(),
    latency: duration.optional(),
    bandwidth: bandwidth.optional(),
  }).optional(),
  devices: z.array(BlockDeviceFile, { error: expecting('a list of block devices') }).optional(),
  nics: z.array(NicFile, { error: expecting('a list of network interfaces') }).optional(),
  // A virtio-balloon device (drivers/virtio/virtio_balloon.c): the host's initial target and the negotiated features.
  balloon: strict({
    target: size.optional(),
    deflate_on_oom: bool.optional(),
    free_page_reporting: bool.optional(),
  }).optional(),
});

const Kernel = strict({
  version: text('a kernel version like 6.18 or 6.6.30')
    .regex(/^\d+\.\d+(\.\d+)?$/, { error: expecting('a kernel version like 6.18 or 6.6.30') })
    .optional(),
  scheduler: oneOf(['eevdf', 'cfs']).optional(),
  sysctl: z.record(z.string(), echoValue, { error: expecting('a mapping of sysctl name → value') }).optional(),
  // The Kconfig HZ choices (kernel/Kconfig.hz).
  hz: z.union([z.literal(100), z.literal(250), z.literal(300), z.literal(1000)], { error: expecting('one of 100, 250, 300, 1000') }).optional(),
  net: strict({
    rx_mode: oneOf(['napi', 'per-packet']).optional(),
    stack_cost: duration.optional(),
  }).optional(),
  // CONFIG_ZSWAP with its boot parameters (zswap.enabled=…, mm/zswap.c) and the model's compression ratio.
  zswap: strict({
    enabled: bool.optional(),
    max_pool_percent: intIn(0, 100).optional(),
    compressor: oneOf(ZSWAP_COMPRESSORS).optional(),
    zpool: oneOf(ZSWAP_ZPOOLS).optional(),
    accept_threshold_percent: intIn(0, 100).optional(),
    shrinker_enabled: bool.optional(),
    ratio: z
      .number({ error: expecting('a compression ratio from 1 to 64') })
      .min(1, { error: expecting('a compression ratio from 1 to 64 (a page never takes more than a page)') })
      .max(64, { error: expecting('a compression ratio from 1 to 64') })
      .optional(),
  }).optional(),
});

/** JSON Schema for editors: exactly one of these keys (the loader checks it with a clearer message). */
const exactlyOne = (...keys: string[]) => ({ oneOf: keys.map((k) => ({ required: [k] })) });

const sequentialOrRandom = oneOf(['sequential', 'random']).optional();

const Run = z.discriminatedUnion(
  'type',
  [
    strict({ type: z.literal('cpu') }),
    strict({
      type: z.literal('periodic'),
      busy: positiveDuration,
      period: positiveDuration,
      jitter: z.number({ error: expecting('a fraction from 0 to 1') }).min(0, { error: expecting('a fraction from 0 to 1') }).max(1, { error: expecting('a fraction from 0 to 1') }).optional(),
    }),
    strict({
      type: z.literal('alloc'),
      size: positiveSize,
      step: positiveSize.optional(),
      every: duration.optional(),
      touch: sequentialOrRandom,
      then: oneOf(['hold', 'free', 'loop']).optional(),
      madvise: oneOf(['hugepage', 'nohugepage']).optional(),
      pin: bool.optional(),
      hugetlb: bool.optional(),
    }),
    strict({
      type: z.literal('workingset'),
      size: positiveSize,
      pattern: oneOf(['uniform', 'zipf']).optional(),
      theta: z.number({ error: expecting('a number > 0') }).positive({ error: expecting('a number > 0') }).optional(),
      rate,
      work: positiveDuration.optional(),
      madvise: oneOf(['hugepage', 'nohugepage']).optional(),
      hugetlb: bool.optional(),
    }),
    strict({
      type: z.literal('wss-scanner'),
      period: positiveDuration.optional(),
      page_cost: duration.optional(),
    }),
    strict({
      type: z.literal('read'),
      file: text('a file path declared under files'),
      size: positiveSize.optional(),
      bs: positiveSize.optional(),
      pattern: sequentialOrRandom,
      direct: bool.optional(),
      loop: bool.optional(),
      mmap: bool.optional(),
    }),
    strict({
      type: z.literal('write'),
      file: text('a file path declared under files'),
      size: positiveSize.optional(),
      bs: positiveSize.optional(),
      pattern: sequentialOrRandom,
      direct: bool.optional(),
      fsync: size.optional(),
      loop: bool.optional(),
      mmap: bool.optional(),
    }),
    strict({
      type: z.literal('pktgen'),
      nic: text('a NIC name declared under machine.nics'),
      rate,
      size: positiveSize.optional(),
      flows: intIn(1, 65536).optional(),
      port: intIn(1, 65535).optional(),
      proto: oneOf(['udp', 'tcp']).optional(),
    }),
    strict({
      type: z.literal('stream'),
      nic: text('a NIC name declared under machine.nics'),
      port: intIn(1, 65535).optional(),
      size: positiveSize.optional(),
      window: positiveSize.optional(),
      rtt: positiveDuration.optional(),
    }),
    strict({
      type: z.literal('assoc'),
      paths: z.array(text('a NIC name declared under machine.nics'), { error: expecting('a list of NIC names (primary first)') }).min(1, { error: expecting('at least one path') }),
      port: intIn(1, 65535).optional(),
      rate,
      size: positiveSize.optional(),
      failover: duration.optional(),
    }),
    strict({
      type: z.literal('forward'),
      port: intIn(1, 65535).optional(),
      to: text('a NIC name declared under machine.nics'),
      cost: duration.optional(),
    }),
    strict({
      type: z.literal('send'),
      nic: text('a NIC name declared under machine.nics'),
      port: intIn(1, 65535).optional(),
    }),
    strict({
      type: z.literal('netrecv'),
      port: intIn(1, 65535).optional(),
      cost: duration.optional(),
      batch: intIn(1, 1024).optional(),
      rcvbuf: positiveSize.optional(),
    }),
    strict({
      type: z.literal('fio'),
      job: text('a path to a fio job file').optional(),
      text: text('the text of a fio job file').optional(),
      options: z
        .record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: expecting('a fio option value') }), {
          error: expecting('a mapping of fio options'),
        })
        .optional(),
    }).meta(exactlyOne('job', 'options', 'text')),
  ],
  { error: expecting('a run mapping like { type: cpu }') },
);

export const RUN_TYPES = ['cpu', 'periodic', 'alloc', 'workingset', 'wss-scanner', 'read', 'write', 'fio', 'pktgen', 'stream', 'assoc', 'forward', 'send', 'netrecv'] as const;

export const SCHED_POLICIES = ['SCHED_OTHER', 'SCHED_BATCH', 'SCHED_IDLE', 'SCHED_FIFO', 'SCHED_RR'] as const;

const Task = strict({
  name: text('a task name').regex(/^[^\s#/]+$/, { error: expecting('a task name without spaces, "#" or "/"') }),
  cgroup: text('a cgroup path like /batch').optional(),
  cpus: cpuList.optional(),
  nice: intIn(-20, 19).optional(),
  policy: oneOf(SCHED_POLICIES).optional(),
  rt_priority: intIn(0, 99).optional(),
  count: intIn(1, 100000).optional(),
  oom_score_adj: intIn(-1000, 1000).optional(),
  start: duration.optional(),
  slice: duration.optional(),
  mempolicy: strict({
    mode: oneOf(MEMPOLICY_MODES),
    nodes: cpuList.optional(),
  }).optional(),
  run: Run,
});

const Timeline = strict({
  at: duration,
  write: z.record(z.string(), echoValue, { error: expecting('a mapping of file path → value') }).optional(),
  // A disk or a NIC, told apart by its type (hdd|ssd|nvme|usb|virtio vs the NIC drivers).
  plug: z
    .discriminatedUnion('type', [BlockDeviceFile, NicFile], {
      error: expecting(`a block device { name, type: ${BLOCK_DEVICE_TYPES.join('|')}, size } or a NIC { type: ${NIC_TYPE_NAMES.join('|')} }`),
    })
    .optional(),
  unplug: text('a block device or network interface name').optional(),
}).meta(exactlyOne('write', 'plug', 'unplug'));

const FileDecl = strict({
  path: text('an absolute file path').regex(/^\//, { error: expecting('an absolute file path like /data/log') }),
  size: positiveSize,
  device: text('a block device name').optional(),
});

export const ScenarioFileSchema = strict({
  format: z.literal(SCENARIO_FORMAT, { error: expecting(`"${SCENARIO_FORMAT}"`) }).optional(),
  name: text('a scenario name').min(1, { error: expecting('a non-empty name') }).optional(),
  description: text('a description').optional(),
  seed: intIn(0, 2 ** 32 - 1).optional(),
  run: intIn(0, 1_000_000).optional(),
  duration: positiveDuration,
  sample_interval: positiveDuration.optional(),
  cgroup_version: z.union([z.literal(1), z.literal(2)], { error: expecting('1 or 2') }).optional(),
  machine: Machine.optional(),
  kernel: Kernel.optional(),
  cgroups: z
    .record(
      z.string(),
      z.record(z.string(), echoValue, { error: expecting('a mapping of interface file → value') }).nullable(),
      { error: expecting('a mapping of cgroup path → files') },
    )
    .optional(),
  files: z.array(FileDecl, { error: expecting('a list of files') }).optional(),
  tasks: z.array(Task, { error: expecting('a list of tasks') }).optional(),
  timeline: z.array(Timeline, { error: expecting('a list of timeline actions') }).optional(),
  record: z.array(text('an absolute virtual file path'), { error: expecting('a list of virtual file paths') }).optional(),
});

export type ScenarioFile = z.output<typeof ScenarioFileSchema>;
export type ScenarioFileInput = z.input<typeof ScenarioFileSchema>;
export type TaskFile = z.output<typeof Task>;
export type RunFile = z.output<typeof Run>;
export type BlockDeviceFileOut = z.output<typeof BlockDeviceFile>;
export type NicFileOut = z.output<typeof NicFile>;

/** The file format as JSON Schema (draft 2020-12), for editors and for resources/schema/scenario.schema.json. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioFileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    ...schema,
    patternProperties: { [`^${EXTENSION_PREFIX}`]: { description: 'Ignored by the loader: YAML anchors (task templates), notes.' } },
    $id: 'urn:kernel-lab:schema:scenario@1',
    title: 'Kernel Lab scenario (kernel-lab/scenario@1)',
  };
}
