import { describe, expect, it } from 'vitest';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import type { BlockDeviceSpec } from '../../../../src-sim/scenario/types';
import { Simulation } from '../../../../src-sim/simulation';
import { parseFioJobFile } from '../../../../src-sim/workload/fio/parse';
import { resolveTarget, type Target } from '../../../../src-sim/workload/fio/targets';
import { JOURNAL_SECTORS, JOURNAL_START_SECTOR } from '../../../../src-sim/kernel/block/journal';
import { diskSpec, GiB } from '../../kernel/block/harness';

interface DirJson { total_ios: number; bw_bytes: number; io_bytes: number; clat_ns: { stddev: number } }
interface JobJson { error: number | string; job_runtime: number; write: DirJson; read: DirJson; warnings: string[] }

const SSD = diskSpec({ name: 'sda', type: 'ssd', sizeBytes: 256 * GiB });
const FILES_START = JOURNAL_START_SECTOR + JOURNAL_SECTORS;

function sim(text: string, durationNs: number, devices: BlockDeviceSpec[] = [SSD]): Simulation {
  const s = baseScenario({
    durationNs,
    machine: { ...flatMachine(4), devices },
    tasks: [taskSpec({ name: 'fio', run: { type: 'fio', jobPath: 'job.fio', jobText: text } })],
  });
  return new Simulation(s);
}

const result = (s: Simulation, job: string): JobJson => JSON.parse(s.kernel.vfs.read(`/sys/kernel/debug/kernel-lab/fio/fio/${job}.json`)) as JobJson;

function targets(text: string, clones = 1, devices: BlockDeviceSpec[] = [SSD]): Target[] {
  // A machine whose fio task does nothing, so no file is laid out before the one resolved here.
  const s = sim('[idle]\nioengine=null\n', 1e6, devices);
  const job = parseFioJobFile(text, 'job.fio').jobs[0]!;
  return Array.from({ length: clones }, (_, c) => {
    const t = resolveTarget(s.kernel, job, c);
    if (typeof t === 'string') throw new Error(t);
    return t;
  });
}

describe('fio sizes and standard options (issue 18)', () => {
  it('filesize sizes the file and size only the I/O: a 128G file with size=999G is laid out at 128 GiB and runs without ENOSPC', () => {
    const text = '[j]\nfilename=/srv/big\nfilesize=128G\nsize=999G\nrw=randwrite\nbs=4k\ndirect=1\n';
    const [t] = targets(text);
    expect(t!.sectors).toBe((128 * GiB) / 512);
    expect(t!.ioBytes).toBe(999 * GiB);
    const s = sim(`${text}runtime=50ms\n`, 60e6);
    s.runToEnd();
    expect(result(s, 'j').error).toBe(0);
    expect(result(s, 'j').write.total_ios).toBeGreaterThan(0);
  });

  it('size without filesize is divided over nrfiles; the files lie one after another', () => {
    const [t] = targets('[j]\nfilename=/srv/f\nsize=4G\nnrfiles=4\nrw=read\n');
    expect(t!.sectors).toBe((4 * GiB) / 512);
    expect(t!.ioBytes).toBe(4 * GiB);
    const [u] = targets('[j]\nfilename=/srv/f\nfilesize=1G\nnrfiles=3\nrw=read\n');
    expect(u!.sectors).toBe((3 * GiB) / 512);
  });

  it('offset_increment moves clone n to offset + n × increment', () => {
    const ts = targets('[j]\nfilename=/dev/sda\nsize=1G\noffset=1G\noffset_increment=10G\nnumjobs=3\n', 3);
    expect(ts.map((t) => t.start * 512)).toEqual([1 * GiB, 11 * GiB, 21 * GiB]);
  });

  it('fill_device writes the rest of the device and stops there without an error', () => {
    const small = diskSpec({ name: 'sdb', type: 'ssd', sizeBytes: 1 * GiB });
    const [t] = targets('[j]\nfilename=/srv/fill\nfill_device=1\nrw=write\n', 1, [small]);
    expect(t!.sectors).toBe(small.sizeBytes / 512 - FILES_START);
    const s = sim('[j]\nfilename=/srv/fill\nfill_device=1\nrw=write\nbs=1m\nioengine=libaio\niodepth=16\ndirect=1\n', 20e9, [small]);
    s.runToEnd();
    const r = result(s, 'j');
    expect(r.error).toBe(0);
    expect(r.write.io_bytes).toBe(small.sizeBytes - FILES_START * 512);
  });

  it('zone sizes (8z) count zonesize; without zonesize they are refused as not modelled', () => {
    const j = parseFioJobFile('[j]\nzonemode=strided\nzonesize=256m\nsize=8z\noffset=1z\n', 'z.fio').jobs[0]!;
    expect([j.size, j.offset]).toEqual([8 * 256 * 1024 ** 2, 256 * 1024 ** 2]);
    expect(() => parseFioJobFile('[j]\nzonemode=zbd\nsize=8z\n', 'z.fio')).toThrow('z.fio:1: j: size=8z: sizes in zones are not modelled without zonesize= (zoned block devices are not simulated)');
  });

  it('verify_pattern, verify_backlog, max_open_zones and atomic load and are listed as not simulated, with why', () => {
    const j = parseFioJobFile('[j]\nverify=crc32c\nverify_pattern=0xdeadbeef\nverify_backlog=1024\nmax_open_zones=14\natomic=1\n', 'v.fio').jobs[0]!;
    expect(j.warnings).toEqual(expect.arrayContaining([
      'verify_pattern=0xdeadbeef: not simulated (data contents are not modelled)',
      'verify_backlog=1024: not simulated (data contents are not modelled (no verify reads are issued))',
      'max_open_zones=14: not simulated (zoned devices are not modelled (no open-zone limit applies))',
      'atomic=1: not simulated (atomic (RWF_ATOMIC / O_ATOMIC) writes are issued as ordinary writes: torn-write protection is not modelled)',
    ]));
  });

  it('a time_based job cut off by the end of the simulation reports the time it ran, not its last completion', () => {
    const s = sim('[j]\nfilename=/dev/sda\nrw=randread\nbs=4k\ndirect=1\nruntime=10s\ntime_based\n', 300e6);
    s.runToEnd();
    const r = result(s, 'j');
    expect(r.job_runtime).toBe(300);
    expect(r.read.bw_bytes).toBe(Math.round(r.read.io_bytes / 0.3));
  });

  it('ramp_time is lead-in before runtime: the job runs both and reports runtime', () => {
    const s = sim('[j]\nfilename=/dev/sda\nrw=randread\nbs=4k\ndirect=1\nruntime=200ms\nramp_time=100ms\ntime_based\n', 1e9);
    s.runToEnd();
    const r = result(s, 'j');
    expect(r.job_runtime).toBeGreaterThanOrEqual(200);
    expect(r.job_runtime).toBeLessThanOrEqual(201);
  });
});
