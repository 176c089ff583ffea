import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenario } from '../../../src-sim/api';
import fc from 'fast-check';
import { calibrate, errorTable, latCvForP99, p99Factor } from '../../../src-main/lab/calibrate';
import { FioJsonError, parseFioJson } from '../../../src-main/lab/fio-json';
import { calibrateCommand } from '../../../src-main/cli/commands/calibrate';
import { CliError } from '../../../src-main/cli/errors';

const READS = 'test/fixtures/fio-json/nvme-reads.json';
const WRITES = 'test/fixtures/fio-json/nvme-writes.json';
const jobs = [...parseFioJson(readFileSync(READS, 'utf8'), READS), ...parseFioJson(readFileSync(WRITES, 'utf8'), WRITES)];
const dir = mkdtempSync(join(tmpdir(), 'klab-cal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fio JSON (fio --output-format=json)', () => {
  it('reads every job with its options (global options under job options) and per-direction results', () => {
    expect(jobs.map((j) => [j.name, j.rw, j.bs, j.iodepth, j.numjobs, j.direct, j.filename])).toEqual([
      ['randread-4k-qd1', 'randread', 4096, 1, 1, true, '/dev/nvme0n1'],
      ['randread-4k-qd32', 'randread', 4096, 8, 4, true, '/dev/nvme0n1'],
      ['read-128k-qd32', 'read', 131072, 32, 1, true, '/dev/nvme0n1'],
      ['randwrite-4k-qd1', 'randwrite', 4096, 1, 1, true, '/dev/nvme0n1'],
    ]);
    expect(jobs[0]!.read).toEqual({ ios: 425532, bwBytes: 58099302, iops: 14184.4, clatMeanNs: 70500, clatP99Ns: 99024 });
    expect(jobs[0]!.write).toBeNull();
    expect(jobs[3]!.write!.clatMeanNs).toBe(21800);
  });

  it('names the file and the JSON path of what is wrong', () => {
    const bad = (doc: unknown): string => {
      try {
        parseFioJson(JSON.stringify(doc), 'r.json');
      } catch (e) {
        if (e instanceof FioJsonError) return e.message;
      }
      return 'no error';
    };
    const good = JSON.parse(readFileSync(READS, 'utf8')) as { jobs: Record<string, Record<string, unknown>>[] };
    expect(bad({ jobs: [] })).toBe('r.json: "fio version": missing: not fio --output-format=json output');
    const bs = structuredClone(good);
    bs.jobs[1]!['job options']!['bs'] = 'big';
    expect(bad(bs)).toBe('r.json: jobs[1]["job options"].bs: expected a block size like 4k, got "big"');
    const clat = structuredClone(good);
    (clat.jobs[0]!['read'] as { clat_ns: { mean: unknown } }).clat_ns.mean = 'fast';
    expect(bad(clat)).toBe('r.json: jobs[0].read.clat_ns.mean: expected a non-negative number, got "fast"');
  });
});

describe('kernel-lab calibrate', () => {
  const c = calibrate(jobs, 'nvme', 100_000_000);
  const err = (job: string, f: (e: (typeof c.errors)[number]) => [number, number]): number => {
    const [model, real] = f(c.errors.find((e) => e.job === job)!);
    return Math.abs(model - real) / real;
  };

  it('fits bandwidth to the deep sequential job and latency to the depth-1 jobs', () => {
    expect(c.params.bandwidth_mbps).toBe(3420);
    expect(err('read-128k-qd32', (e) => [e.model.bwBytes, e.real.bwBytes])).toBeLessThan(0.02);
    expect(err('randread-4k-qd1', (e) => [e.model.clatMeanNs, e.real.clatMeanNs])).toBeLessThan(0.03);
    expect(err('randwrite-4k-qd1', (e) => [e.model.clatMeanNs, e.real.clatMeanNs])).toBeLessThan(0.03);
    expect(err('randread-4k-qd1', (e) => [e.model.iops, e.real.iops])).toBeLessThan(0.05);
  });

  it('fits lat_cv and write_lat_cv from the depth-1 jobs\' p99: mean within 3 % and p99 within 5 % of fio\'s', () => {
    // reads: p99 99.0 µs over a 70.5 µs mean; writes: 37.7 µs over 21.8 µs — a wider spread, so a larger write_lat_cv.
    expect(c.params.lat_cv).toBeGreaterThan(0.1);
    expect(c.params.write_lat_cv!).toBeGreaterThan(2 * c.params.lat_cv);
    for (const job of ['randread-4k-qd1', 'randwrite-4k-qd1']) {
      expect(err(job, (e) => [e.model.clatMeanNs, e.real.clatMeanNs])).toBeLessThan(0.03);
      expect(err(job, (e) => [e.model.clatP99Ns, e.real.clatP99Ns])).toBeLessThan(0.05);
    }
    expect(c.notes).toEqual([]);
  });

  it('solves the log-normal p99 for lat_cv: the inverse of its p99 factor, capped where the factor peaks (≈15)', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 14, noNaN: true }), (cv) => Math.abs(latCvForP99(p99Factor(cv)).cv - cv) < 1e-6 * Math.max(1, cv)), { seed: 13, numRuns: 200 });
    expect(latCvForP99(1)).toEqual({ cv: 0, capped: false });
    expect(latCvForP99(40).capped).toBe(true);
    expect(p99Factor(latCvForP99(40).cv)).toBeCloseTo(Math.exp(2.3263478740408408 ** 2 / 2), 3);
  });

  it('raises channels above the default until the deep random-read IOPS come within 25 %', () => {
    expect(c.params.channels).toBeGreaterThan(64);
    expect(err('randread-4k-qd32', (e) => [e.model.iops, e.real.iops])).toBeLessThan(0.25);
  });

  it('prints bandwidth, IOPS, mean and p99 per job, and writes a machine.devices entry the scenario loader accepts', () => {
    const table = errorTable(c);
    expect(table.split('\n')[0]).toMatch(/^job\s+dir\s+metric\s+real\s+model\s+error$/);
    expect(table.trim().split('\n').length).toBe(1 + 4 * 4);
    const out = join(dir, 'dev.yaml');
    let printed = '';
    expect(calibrateCommand(['--fio-json', READS, '--fio-json', WRITES, '--out', out, '--sim-time', '50ms'], (s) => void (printed += s))).toBe(0);
    expect(printed).toContain(`wrote the device entry to ${out}`);
    expect(printed).toMatch(/randread-4k-qd1\s+read\s+p99 clat\s+99\.0 us/);
    const devices = parse(readFileSync(out, 'utf8')) as unknown[];
    const scenario = loadScenario(JSON.stringify({ duration: '1s', machine: { cpus: 2, devices } }), 'cal.json');
    expect(scenario.machine.devices[0]).toMatchObject({ name: 'nvme0n1', type: 'nvme', params: { bandwidth_mbps: 3420 } });
  });

  it('reads real fio 3.33 output (a virtio disk) and says which tails the model cannot reach', () => {
    const REAL = 'test/fixtures/fio-json/vda-real.json';
    const real = parseFioJson(readFileSync(REAL, 'utf8'), REAL);
    expect(real.map((j) => [j.name, j.rw, j.bs, j.iodepth, j.numjobs, j.direct])).toEqual([
      ['randread-4k-qd1', 'randread', 4096, 1, 1, true],
      ['randread-4k-qd16', 'randread', 4096, 8, 2, true],
      ['read-128k-qd32', 'read', 131072, 32, 1, true],
      ['randwrite-4k-qd1', 'randwrite', 4096, 1, 1, true],
    ]);
    const rc = calibrate(real, 'ssd', 50_000_000);
    const e = rc.errors.find((x) => x.job === 'randread-4k-qd1')!;
    // cv 15 makes the mean of 50 ms of simulated requests itself vary (σ = 2.3 log-normal): 10 %.
    expect(Math.abs(e.model.clatMeanNs - e.real.clatMeanNs) / e.real.clatMeanNs).toBeLessThan(0.1);
    // p99 is 18× the mean: the fit takes the heaviest log-normal tail and says the model's p99 stays below.
    expect(rc.params.lat_cv).toBeGreaterThan(14);
    expect(e.model.clatP99Ns).toBeLessThan(e.real.clatP99Ns);
    expect(rc.notes.some((n) => n.startsWith('read: the measured p99 is more than 15× the latency part of the mean'))).toBe(true);
  });

  it('refuses a non-fio file with exit code 2', () => {
    try {
      calibrateCommand(['--fio-json', 'test/fixtures/interop/trace-mix.yaml'], () => undefined);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CliError);
      expect((e as CliError).exitCode).toBe(2);
      expect((e as CliError).message).toMatch(/^test\/fixtures\/interop\/trace-mix\.yaml: not JSON/);
    }
  });
});
