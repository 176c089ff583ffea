import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenario } from '../../../src-sim/api';
import { calibrate, errorTable } from '../../../src-main/lab/calibrate';
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
