/**
 * Fits the flash device model (hw/block/flash.ts: ssd, nvme) to real fio
 * results, then runs the same jobs in the simulator and reports the error.
 *
 * The model: a request of B bytes occupies min(pages, channels) channels for
 * lat + min(B, perChannel)/channel_bw each, and the link for B/bandwidth.
 * So, from the measured jobs:
 *   - bandwidth_mbps: the highest bandwidth of a job that keeps the device
 *     busy (depth × numjobs ≥ 4, bs ≥ 64 KiB);
 *   - read_lat_us / write_lat_us: depth-1 jobs' mean completion latency less
 *     the transfer time of their first page (channel_mbps kept at its default:
 *     depth-1 small-block latency cannot separate the two);
 *   - channels: a deep small-block random-read job's IOPS × the per-request
 *     channel time (Little's law over the channels);
 * then each estimate is corrected against the simulator itself (the block
 * layer adds its own overhead): latency twice, additively, by the difference
 * of mean latencies; channels multiplicatively by the IOPS ratio until
 * within 2 % (at most 6 passes; random pages collide on channels, so IOPS
 * grows less than linearly with them).
 */
import { baseScenario, flatMachine, taskSpec } from '../../src-sim/scenario/defaults';
import type { BlockDeviceSpec } from '../../src-sim/scenario/types';
import { Simulation } from '../../src-sim/simulation';
import type { FioDirResult, FioMeasuredJob } from './fio-json';

export interface FlashParams {
  read_lat_us: number;
  write_lat_us: number;
  channels: number;
  channel_mbps: number;
  bandwidth_mbps: number;
}

const DEFAULTS: Record<'ssd' | 'nvme', FlashParams> = {
  // hw/block/flash.ts defaults
  nvme: { read_lat_us: 60, write_lat_us: 20, channels: 64, channel_mbps: 400, bandwidth_mbps: 7000 },
  ssd: { read_lat_us: 90, write_lat_us: 40, channels: 8, channel_mbps: 200, bandwidth_mbps: 550 },
};

export interface JobError {
  job: string;
  dir: 'read' | 'write';
  real: FioDirResult;
  model: FioDirResult;
}

export interface Calibration {
  type: 'ssd' | 'nvme';
  params: FlashParams;
  errors: JobError[];
}

const depthOf = (j: FioMeasuredJob): number => j.iodepth * j.numjobs;
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

function device(type: 'ssd' | 'nvme', name: string, p: FlashParams): BlockDeviceSpec {
  return {
    name, type, sizeBytes: 1024 ** 4, major: type === 'nvme' ? 259 : 8, minor: 0, model: 'calibrated', serial: 'CAL0',
    partitions: [], params: { ...p }, badSectors: [],
  };
}

/** Run one measured job (same rw, bs, depth, numjobs, direct) for `simNs` on a device with `p`. */
export function simulateJob(j: FioMeasuredJob, type: 'ssd' | 'nvme', p: FlashParams, simNs: number): { read: FioDirResult | null; write: FioDirResult | null } {
  const name = type === 'nvme' ? 'nvme0n1' : 'sda';
  const job = [
    `[${j.name}]`, `filename=/dev/${name}`, `rw=${j.rw}`, `bs=${j.bs}`, `iodepth=${j.iodepth}`, `numjobs=${j.numjobs}`,
    `direct=${j.direct ? 1 : 0}`, 'ioengine=libaio', 'time_based=1', `runtime=${Math.round(simNs / 1e6)}ms`, 'group_reporting=1',
  ].join('\n');
  const s = baseScenario({
    name: `calibrate ${j.name}`,
    durationNs: simNs + 50_000_000,
    machine: { ...flatMachine(Math.max(4, j.numjobs)), devices: [device(type, name, p)] },
    tasks: [taskSpec({ name: 'fio', run: { type: 'fio', jobPath: null, jobText: job } })],
    record: ['/proc/loadavg'],
  });
  const sim = new Simulation(s);
  sim.runToEnd();
  const doc = JSON.parse(sim.kernel.vfs.read(`/sys/kernel/debug/kernel-lab/fio/fio/${j.name}.json`)) as Record<string, { total_ios: number; bw_bytes: number; iops: number; clat_ns: { mean: number; percentile: Record<string, number> } }>;
  const dir = (d: 'read' | 'write'): FioDirResult | null => {
    const x = doc[d]!;
    return x.total_ios === 0 ? null : { ios: x.total_ios, bwBytes: x.bw_bytes, iops: x.iops, clatMeanNs: x.clat_ns.mean, clatP99Ns: x.clat_ns.percentile['99.000000']! };
  };
  return { read: dir('read'), write: dir('write') };
}

/** Per-request channel time of a small request (its first page), ns. */
const pageNs = (p: FlashParams, bs: number): number => (Math.min(bs, 4096) / (p.channel_mbps * 1e6)) * 1e9;

export function calibrate(jobs: readonly FioMeasuredJob[], type: 'ssd' | 'nvme', simNs = 200_000_000): Calibration {
  const p: FlashParams = { ...DEFAULTS[type] };
  const busy = jobs.filter((j) => depthOf(j) >= 4 && j.bs >= 65536);
  const bw = Math.max(0, ...busy.flatMap((j) => [j.read?.bwBytes ?? 0, j.write?.bwBytes ?? 0]));
  if (bw > 0) p.bandwidth_mbps = round(bw / 1e6, 0);
  const qd1 = (d: 'read' | 'write'): FioMeasuredJob[] => jobs.filter((j) => depthOf(j) === 1 && j[d] !== null && j.bs <= 16384);
  const fitLat = (d: 'read' | 'write'): void => {
    const list = qd1(d);
    if (!list.length) return;
    const key = d === 'read' ? 'read_lat_us' : 'write_lat_us';
    const est = list.reduce((s, j) => s + j[d]!.clatMeanNs - pageNs(p, j.bs), 0) / list.length;
    p[key] = round(Math.max(1, est / 1000), 2);
  };
  fitLat('read');
  fitLat('write');
  const deep = jobs.filter((j) => depthOf(j) >= 8 && j.bs <= 16384 && j.rw === 'randread' && j.read !== null);
  const fitChannels = (): void => {
    if (!deep.length) return;
    const j = deep[0]!;
    p.channels = Math.max(1, Math.round((j.read!.iops * (p.read_lat_us * 1000 + pageNs(p, j.bs))) / 1e9));
  };
  fitChannels();
  // Correct against the simulator (block-layer overhead, queueing the formulas leave out).
  for (let pass = 0; pass < 2; pass++) {
    for (const d of ['read', 'write'] as const) {
      const list = qd1(d);
      if (!list.length) continue;
      const key = d === 'read' ? 'read_lat_us' : 'write_lat_us';
      const diff = list.reduce((s, j) => s + (j[d]!.clatMeanNs - simulateJob(j, type, p, simNs)[d]!.clatMeanNs), 0) / list.length;
      p[key] = round(Math.max(1, p[key] + diff / 1000), 2);
    }
  }
  if (deep.length) {
    // Random pages collide on channels, so IOPS grows less than linearly with them: iterate (capped at the model's 4096).
    // Keep the best tried: past the point where the host side (fio's CPU per I/O, depth) limits, more channels do not help.
    const j = deep[0]!;
    let best = { channels: p.channels, miss: Infinity };
    for (let pass = 0; pass < 6; pass++) {
      const ratio = j.read!.iops / simulateJob(j, type, p, simNs).read!.iops;
      if (Math.abs(ratio - 1) < best.miss) best = { channels: p.channels, miss: Math.abs(ratio - 1) };
      if (Math.abs(ratio - 1) < 0.02) break;
      const next = Math.min(4096, Math.max(1, Math.round(p.channels * ratio)));
      if (next === p.channels) break;
      p.channels = next;
    }
    p.channels = best.channels;
  }
  const errors: JobError[] = [];
  for (const j of jobs) {
    const m = simulateJob(j, type, p, simNs);
    for (const d of ['read', 'write'] as const) {
      const real = j[d];
      const model = m[d];
      if (real && model) errors.push({ job: j.name, dir: d, real, model });
    }
  }
  return { type, params: p, errors };
}

/** The fitted device as a `machine.devices` entry (YAML). */
export function deviceEntryYaml(c: Calibration, name: string, sources: string[]): string {
  const params = Object.entries(c.params).map(([k, v]) => `${k}: ${v}`).join(', ');
  return [
    `# machine.devices entry fitted by kernel-lab calibrate from ${sources.join(', ')}`,
    `# (flash model: hw/block/flash.ts; size, major and minor are placeholders: set the real disk's)`,
    `- { name: ${name}, type: ${c.type}, size: 1T, major: ${c.type === 'nvme' ? 259 : 8}, minor: 0,`,
    `    params: { ${params} } }`,
    '',
  ].join('\n');
}

const pctErr = (model: number, real: number): string => (real === 0 ? '—' : `${((100 * (model - real)) / real >= 0 ? '+' : '')}${((100 * (model - real)) / real).toFixed(1)} %`);

/** Model-vs-real table: bandwidth, IOPS, mean and p99 completion latency per job and direction. */
export function errorTable(c: Calibration): string {
  const rows: string[][] = [['job', 'dir', 'metric', 'real', 'model', 'error']];
  for (const e of c.errors) {
    const m: [string, number, number, (x: number) => string][] = [
      ['bandwidth', e.real.bwBytes, e.model.bwBytes, (x) => `${(x / 1e6).toFixed(1)} MB/s`],
      ['IOPS', e.real.iops, e.model.iops, (x) => x.toFixed(0)],
      ['mean clat', e.real.clatMeanNs, e.model.clatMeanNs, (x) => `${(x / 1000).toFixed(1)} us`],
      ['p99 clat', e.real.clatP99Ns, e.model.clatP99Ns, (x) => `${(x / 1000).toFixed(1)} us`],
    ];
    for (const [metric, real, model, f] of m) rows.push([e.job, e.dir, metric, f(real), f(model), pctErr(model, real)]);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((c, i) => (i >= 3 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd()).join('\n')}\n`;
}
