import { LatencyHistogram } from '../../kernel/block/histogram';
import { fmtBytes } from './units';

/** fio's default percentile list (stat.c: def_percentile_list). */
export const FIO_PERCENTILES = [1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99];

export class DirStats {
  ios = 0;
  bytes = 0;
  readonly clat = new LatencyHistogram();
}

const DIRS = ['read', 'write', 'trim'] as const;

/** One job section's results, its clones (numjobs) aggregated like group_reporting. */
export class JobResult {
  readonly dirs = [new DirStats(), new DirStats(), new DirStats()];
  startNs = -1;
  endNs = -1;
  /** First error, fio style ("EIO"), or null. */
  error: string | null = null;
  finished = 0;
  fsyncs = 0;
  /** Every clone has ended (else the job is still running, or was when the simulation ended). */
  done = false;

  constructor(
    readonly name: string,
    readonly clones: number,
    readonly warnings: string[],
    private readonly clock: () => number = () => -1,
  ) {}

  /**
   * fio's job runtime: start (after ramp_time) to the end of the job; a job
   * still running is timed to now — when the simulation ends mid-job, to the
   * end of the simulation, not to its last completion.
   */
  get runtimeNs(): number {
    if (this.startNs < 0) return 0;
    const end = this.done ? this.endNs : Math.max(this.endNs, this.clock());
    return Math.max(0, end - this.startNs);
  }

  json(): Record<string, unknown> {
    const rt = this.runtimeNs;
    const out: Record<string, unknown> = {
      jobname: this.name,
      groupid: 0,
      jobs: this.clones,
      error: this.error === null ? 0 : this.error,
      job_runtime: Math.round(rt / 1e6),
      fsyncs: this.fsyncs,
    };
    DIRS.forEach((d, i) => {
      const s = this.dirs[i]!;
      const sec = rt / 1e9;
      const pct: Record<string, number> = {};
      for (const p of FIO_PERCENTILES) pct[p.toFixed(6)] = s.clat.percentile(p);
      out[d] = {
        io_bytes: s.bytes,
        io_kbytes: Math.floor(s.bytes / 1024),
        bw_bytes: sec > 0 ? Math.round(s.bytes / sec) : 0,
        bw: sec > 0 ? Math.round(s.bytes / 1024 / sec) : 0,
        iops: sec > 0 ? s.ios / sec : 0,
        runtime: s.ios > 0 ? Math.round(rt / 1e6) : 0,
        total_ios: s.ios,
        clat_ns: {
          min: s.clat.total ? s.clat.min : 0,
          max: s.clat.max,
          mean: s.clat.mean,
          stddev: s.clat.stddev,
          N: s.clat.total,
          percentile: pct,
        },
      };
    });
    out['warnings'] = this.warnings;
    return out;
  }

  /** The shape of fio's normal output for one job. */
  text(): string {
    const rt = this.runtimeNs;
    let out = `${this.name}: (groupid=0, jobs=${this.clones}): err=${this.error === null ? ' 0' : ` ${this.error}`}\n`;
    DIRS.forEach((d, i) => {
      const s = this.dirs[i]!;
      if (s.ios === 0) return;
      const sec = rt / 1e9;
      const bw = sec > 0 ? s.bytes / sec : 0;
      out += `  ${d}: IOPS=${num2str(sec > 0 ? s.ios / sec : 0)}, BW=${fmtBytes(Math.round(bw))}/s (${num2strSi(bw)}B/s)(${fmtBytes(s.bytes)}/${Math.round(rt / 1e6)}msec)\n`;
      const h = s.clat;
      const unit = h.max >= 10e6 ? 'msec' : h.max >= 10e3 ? 'usec' : 'nsec';
      const div = unit === 'msec' ? 1e6 : unit === 'usec' ? 1e3 : 1;
      const f = (ns: number): string => String(Math.round(ns / div));
      out += `    clat (${unit}): min=${f(h.min)}, max=${f(h.max)}, avg=${(h.mean / div).toFixed(2)}, stdev=${(h.stddev / div).toFixed(2)}\n`;
      out += `    clat percentiles (${unit}):\n`;
      const cells = FIO_PERCENTILES.map((p) => `${p.toFixed(2).padStart(5)}th=[${f(h.percentile(p)).padStart(5)}]`);
      for (let c = 0; c < cells.length; c += 4) out += `     | ${cells.slice(c, c + 4).join(', ')}${c + 4 < cells.length ? ',' : ''}\n`;
    });
    for (const w of this.warnings) out += `  warning: ${w}\n`;
    return out;
  }
}

/** fio's num2str with 3 significant digits and k/M/G (base 1000). */
export function num2str(v: number): string {
  const units = ['', 'k', 'M', 'G', 'T'];
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const s = v >= 100 || i === 0 ? Math.round(v).toString() : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${s}${units[i]}`;
}

function num2strSi(v: number): string {
  return num2str(v);
}
