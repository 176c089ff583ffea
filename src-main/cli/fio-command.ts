import { baseScenario, flatMachine, taskSpec } from '../../src-sim/scenario/defaults';
import type { BlockDeviceSpec } from '../../src-sim/scenario/types';
import { Simulation } from '../../src-sim/simulation';
import { FioParseError, isBlockJob, type FioJob } from '../../src-sim/workload/fio/job';
import { parseFioJobFile } from '../../src-sim/workload/fio/parse';
import { fmtBytes } from '../../src-sim/workload/fio/units';
import { InputFileError, readRegularFile } from './read-input';

const USAGE = 'usage: kernel-lab fio FILE.fio [--run SECONDS]';
/** One simulated hour: fio jobs run for seconds to minutes; this bounds the command's own time. */
const MAX_RUN_SECONDS = 3600;

/**
 * `kernel-lab fio FILE.fio`: parse a job file and print how each job was
 * understood (resolved options and warnings); exit 0. A malformed file
 * prints "FILE:LINE: …" and exits 2. With `--run SECONDS` the jobs also run
 * for that long on a default machine (every /dev/<name> the file names, as
 * NVMe for nvme* names and SATA SSD otherwise, plus sda for plain files) and
 * the fio-style results are printed.
 */
export async function fioCommand(argv: string[], out: (s: string) => void = (s) => void process.stdout.write(s), err: (s: string) => void = (s) => void process.stderr.write(s)): Promise<number> {
  const args = [...argv];
  let runSeconds = 0;
  const ri = args.indexOf('--run');
  if (ri >= 0) {
    // Decimal only: Number() would take "Infinity", "1e300" and "0x10".
    const text = args[ri + 1] ?? '';
    runSeconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    if (!(runSeconds > 0 && runSeconds <= MAX_RUN_SECONDS)) {
      err(`kernel-lab fio: --run expects a number of seconds from 0 to ${MAX_RUN_SECONDS} (like 2 or 0.5), got ${JSON.stringify(text)}\n${USAGE}\n`);
      return 2;
    }
    args.splice(ri, 2);
  }
  if (args.length !== 1 || args[0]!.startsWith('--')) {
    err(`${USAGE}\n`);
    return 2;
  }
  const file = args[0]!;
  let text: string;
  try {
    text = readRegularFile(file);
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    err(`${e.message}\n`);
    return 2;
  }
  let jobs: FioJob[];
  try {
    jobs = parseFioJobFile(text, file).jobs;
  } catch (e) {
    if (e instanceof FioParseError) {
      err(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  for (const j of jobs) out(describeJob(j));
  if (runSeconds > 0) out(await runJobs(file, text, jobs, runSeconds));
  return 0;
}

/** How the simulator understood one job section. */
export function describeJob(j: FioJob): string {
  const dirs = j.rw.includes('rw') ? `${j.rw} (rwmixread=${j.rwmixread})` : j.rw;
  const bs = j.bssplit
    ? `bssplit ${j.bssplit[0]!.map((e) => `${fmtBytes(e.bs)}/${e.perc}%`).join(':')}`
    : j.bsrange
      ? `bsrange ${fmtBytes(j.bsrange[0]![0])}-${fmtBytes(j.bsrange[0]![1])}`
      : `bs ${j.bs.map(fmtBytes).join(',')}`;
  const size = j.size === null ? 'device/file size' : j.size < 0 ? `${-j.size * 100}% of the target` : fmtBytes(j.size);
  const lines = [
    `[${j.name}] (line ${j.line})${isBlockJob(j) ? '' : ' — not block I/O, not run'}`,
    `  target: ${j.filename ?? `${j.name}.N.0`}${j.directory ? ` in ${j.directory}` : ''}, size ${size}${j.offset ? `, offset ${fmtBytes(j.offset)}` : ''}`,
    `  io: ${dirs}, ${bs}, ioengine ${j.ioengine}, iodepth ${j.iodepth}${j.batchCompleteMin > 1 ? ` (reap ≥${j.batchCompleteMin})` : ''}, direct ${j.direct ? 1 : 0}, numjobs ${j.numjobs}`,
    `  time: ${j.runtimeNs ? `runtime ${j.runtimeNs / 1e9}s` : 'until size is done'}${j.timeBased ? ', time_based' : ''}${j.startdelayNs ? `, startdelay ${j.startdelayNs / 1e9}s` : ''}${j.stonewall ? ', stonewall' : ''}${j.waitFor ? `, wait_for ${j.waitFor}` : ''}`,
  ];
  if (j.rate.some((r) => r > 0) || j.rateIops.some((r) => r > 0)) {
    lines.push(`  rate: ${j.rate.map((r) => (r ? `${fmtBytes(r)}/s` : '-')).join(',')} iops ${j.rateIops.map((r) => r || '-').join(',')} (${j.rateProcess})`);
  }
  if (j.thinktimeNs) lines.push(`  thinktime ${j.thinktimeNs / 1000}us every ${j.thinktimeBlocks} I/O`);
  if (j.fsync || j.endFsync) lines.push(`  fsync every ${j.fsync || '-'} writes${j.endFsync ? ', end_fsync' : ''}`);
  if (j.cgroup || j.nice) lines.push(`  cgroup ${j.cgroup ?? '(inherited)'}, nice ${j.nice}`);
  for (const w of j.warnings) lines.push(`  warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

async function runJobs(file: string, text: string, jobs: FioJob[], seconds: number): Promise<string> {
  const names = new Set<string>(['sda']);
  for (const j of jobs) for (const f of (j.filename ?? '').split(':')) if (f.startsWith('/dev/')) names.add(diskOf(f.slice(5)));
  let minor = 0;
  const devices: BlockDeviceSpec[] = [...names].map((name) => {
    const nvme = name.startsWith('nvme');
    return {
      name, type: nvme ? 'nvme' : 'ssd', sizeBytes: 1024 ** 4, major: nvme ? 259 : 8, minor: nvme ? minor++ * 2 : minor++ * 16,
      model: 'kernel-lab', serial: name.toUpperCase(), partitions: [256 * 1024 ** 3], params: {}, badSectors: [],
    };
  });
  const s = baseScenario({
    name: `fio ${file}`,
    durationNs: Math.round(seconds * 1e9),
    machine: { ...flatMachine(4), devices },
    tasks: [taskSpec({ name: 'fio', run: { type: 'fio', jobPath: file, jobText: text } })],
    record: ['/proc/diskstats'],
  });
  const sim = new Simulation(s);
  sim.runToEnd();
  let outText = `\nsimulated ${seconds}s on: ${devices.map((d) => `${d.name} (${d.type})`).join(', ')}\n`;
  for (const j of jobs) outText += sim.kernel.vfs.read(`/sys/kernel/debug/kernel-lab/fio/fio/${j.name}.txt`);
  return outText;
}

/** The whole disk a device name belongs to: sdb1 → sdb, nvme0n1p2 → nvme0n1. */
function diskOf(dev: string): string {
  const nv = /^(nvme\d+n\d+)(p\d+)?$/.exec(dev);
  if (nv) return nv[1]!;
  const sd = /^([a-z]+?)\d*$/.exec(dev);
  return sd ? sd[1]! : dev;
}
