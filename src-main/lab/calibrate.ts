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
 *   - lat_cv / write_lat_cv: the per-command latency variation, from the
 *     depth-1 jobs' p99 completion latency (fio's clat_ns percentiles);
 * then each estimate is corrected against the simulator itself (the block
 * layer adds its own overhead): latency and variation three times, the
 * latency additively by the difference of mean latencies, the variation by
 * solving the log-normal's p99 for the real p99; channels multiplicatively
 * by the IOPS ratio until within 2 % (at most 6 passes; random pages collide
 * on channels, so IOPS grows less than linearly with them).
 */
import { baseScenario, flatMachine, taskSpec } from '../../src-sim/scenario/defaults';
import type { BlockDeviceSpec } from '../../src-sim/scenario/types';
import { MAX_LAT_CV } from '../../src-sim/hw/block/model';
import { Simulation } from '../../src-sim/simulation';
import type { FioDirResult, FioMeasuredJob } from './fio-json';

export interface FlashParams {
  read_lat_us: number;
  write_lat_us: number;
  /** Per-command latency variation (hw/block/model.ts LatencyJitter); writes too unless write_lat_cv. */
  lat_cv: number;
  write_lat_cv?: number;
  channels: number;
  channel_mbps: number;
  bandwidth_mbps: number;
}

const DEFAULTS: Record<'ssd' | 'nvme', FlashParams> = {
  // hw/block/flash.ts defaults
  nvme: { read_lat_us: 60, write_lat_us: 20, lat_cv: 0.15, write_lat_cv: 0.15, channels: 64, channel_mbps: 400, bandwidth_mbps: 7000 },
  ssd: { read_lat_us: 90, write_lat_us: 40, lat_cv: 0.15, write_lat_cv: 0.15, channels: 8, channel_mbps: 200, bandwidth_mbps: 550 },
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
  /** What could not be fitted from these jobs, and tails the model cannot reach. */
  notes: string[];
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

/** Standard normal 99th percentile. */
const Z99 = 2.3263478740408408;

/**
 * lat_cv whose mean-1 log-normal multiplier has `q` as its 99th percentile:
 * exp(−σ²/2 + z99·σ) = q, the smaller root σ = z99 − √(z99² − 2 ln q);
 * cv = √(e^σ² − 1). Past q ≈ 15 (σ = z99) no log-normal of mean 1 reaches
 * the tail: capped there.
 */
export function latCvForP99(q: number): { cv: number; capped: boolean } {
  if (!(q > 1)) return { cv: 0, capped: false };
  const disc = Z99 * Z99 - 2 * Math.log(q);
  const sigma = disc < 0 ? Z99 : Z99 - Math.sqrt(disc);
  return { cv: Math.min(MAX_LAT_CV, Math.sqrt(Math.expm1(sigma * sigma))), capped: disc < 0 };
}

/** The 99th percentile of the mean-1 log-normal multiplier with coefficient of variation cv (hw/block/model.ts LatencyJitter). */
export function p99Factor(cv: number): number {
  const s2 = Math.log(1 + cv * cv);
  return Math.exp(-s2 / 2 + Z99 * Math.sqrt(s2));
}

type Sim = ReturnType<typeof simulateJob>;
/** One simulated job; a step of the calibration (the async driver yields to the event loop here). */
function* sim(j: FioMeasuredJob, type: 'ssd' | 'nvme', p: FlashParams, simNs: number): Generator<void, Sim> {
  yield;
  return simulateJob(j, type, p, simNs);
}

const LAT_KEY = { read: 'read_lat_us', write: 'write_lat_us' } as const;
const CV_KEY = { read: 'lat_cv', write: 'write_lat_cv' } as const;

/** The calibration as steps: every simulated job is preceded by a yield. */
export function* calibrateSteps(jobs: readonly FioMeasuredJob[], type: 'ssd' | 'nvme', simNs = 200_000_000): Generator<void, Calibration> {
  const p: FlashParams = { ...DEFAULTS[type] };
  const notes: string[] = [];
  const busy = jobs.filter((j) => depthOf(j) >= 4 && j.bs >= 65536);
  const bw = Math.max(0, ...busy.flatMap((j) => [j.read?.bwBytes ?? 0, j.write?.bwBytes ?? 0]));
  if (bw > 0) p.bandwidth_mbps = round(bw / 1e6, 0);
  else notes.push('no deep (depth × numjobs ≥ 4) large-block (≥ 64k) job: bandwidth_mbps kept at the default');
  const qd1 = (d: 'read' | 'write'): FioMeasuredJob[] => jobs.filter((j) => depthOf(j) === 1 && j[d] !== null && j.bs <= 16384);
  const fitLat = (d: 'read' | 'write'): void => {
    const list = qd1(d);
    if (!list.length) {
      notes.push(`no depth-1 small-block (≤ 16k) ${d} job: ${LAT_KEY[d]} and ${CV_KEY[d]} kept at the default`);
      return;
    }
    const est = list.reduce((s, j) => s + j[d]!.clatMeanNs - pageNs(p, j.bs), 0) / list.length;
    p[LAT_KEY[d]] = round(Math.max(1, est / 1000), 2);
  };
  fitLat('read');
  fitLat('write');
  if (!qd1('write').length) delete p.write_lat_cv;
  const deep = jobs.filter((j) => depthOf(j) >= 8 && j.bs <= 16384 && j.rw === 'randread' && j.read !== null);
  if (deep.length) {
    const j = deep[0]!;
    p.channels = Math.max(1, Math.round((j.read!.iops * (p.read_lat_us * 1000 + pageNs(p, j.bs))) / 1e9));
  } else notes.push('no deep (depth × numjobs ≥ 8) small-block randread job: channels kept at the default');
  // Correct against the simulator: the latency by the difference of mean
  // completion latencies; the variation by the p99. A depth-1 job's clat is
  // C + lat·X (C: block layer, driver and transfer, fixed; X the mean-1
  // log-normal of lat_cv), so its p99 is C + lat·q99(cv): solve q99 for the
  // real p99 with C taken from the simulated mean, scaled by how far the
  // simulated p99 sits from the formula (a finite sample's p99 and fio's
  // histogram bins).
  const capped = { read: false, write: false };
  for (let pass = 0; pass < 3; pass++) {
    for (const d of ['read', 'write'] as const) {
      const list = qd1(d);
      if (!list.length) continue;
      const lat = p[LAT_KEY[d]] * 1000;
      const cvKey = CV_KEY[d];
      const cv = p[cvKey] ?? p.lat_cv;
      let diff = 0;
      let want = 0;
      for (const j of list) {
        const m = (yield* sim(j, type, p, simNs))[d]!;
        diff += j[d]!.clatMeanNs - m.clatMeanNs;
        const fixed = m.clatMeanNs - lat;
        const formula = fixed + lat * p99Factor(cv);
        const sampled = m.clatP99Ns / formula;
        const newLat = lat + (j[d]!.clatMeanNs - m.clatMeanNs);
        want += (j[d]!.clatP99Ns / sampled - fixed) / newLat;
      }
      p[LAT_KEY[d]] = round(Math.max(1, p[LAT_KEY[d]] + diff / list.length / 1000), 2);
      const fit = latCvForP99(want / list.length);
      p[cvKey] = round(fit.cv, 3);
      capped[d] = fit.capped;
    }
  }
  for (const d of ['read', 'write'] as const) {
    if (capped[d]) {
      notes.push(`${d}: the measured p99 is more than ${p99Factor(MAX_LAT_CV).toFixed(0)}× the latency part of the mean: no mean-1 log-normal reaches that tail, ${d === 'read' ? 'lat_cv' : 'write_lat_cv'} stops at its heaviest p99 and the model's p99 stays below the real one`);
    }
  }
  if (deep.length) {
    // Random pages collide on channels, so IOPS grows less than linearly with them: iterate (capped at the model's 4096).
    // Keep the best tried: past the point where the host side (fio's CPU per I/O, depth) limits, more channels do not help.
    const j = deep[0]!;
    let best = { channels: p.channels, miss: Infinity };
    for (let pass = 0; pass < 6; pass++) {
      const ratio = j.read!.iops / (yield* sim(j, type, p, simNs)).read!.iops;
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
    const m = yield* sim(j, type, p, simNs);
    for (const d of ['read', 'write'] as const) {
      const real = j[d];
      const model = m[d];
      if (real && model) errors.push({ job: j.name, dir: d, real, model });
    }
  }
  return { type, params: p, errors, notes };
}

export function calibrate(jobs: readonly FioMeasuredJob[], type: 'ssd' | 'nvme', simNs = 200_000_000): Calibration {
  const steps = calibrateSteps(jobs, type, simNs);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** The same, yielding to the event loop (`pause`) before every simulated job, so a service keeps answering other clients. */
export async function calibrateAsync(jobs: readonly FioMeasuredJob[], type: 'ssd' | 'nvme', simNs: number, pause: () => Promise<void>): Promise<Calibration> {
  const steps = calibrateSteps(jobs, type, simNs);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await pause();
  }
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
