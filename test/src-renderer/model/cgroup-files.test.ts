import { describe, expect, it } from 'vitest';
import { formatWriteError, parseMemory, validateCgroupPath, validateWrite } from '../../../src-renderer/model/cgroup-files';

const ctx = { cpus: 4, devices: ['8:0', '259:0'] };
const v2 = (file: string, value: string) => validateWrite(2, file, value, ctx);

describe('cgroup v2 writes, parsed as the kernel does', () => {
  it('cpu.weight: 1..10000, 0 is ERANGE, text is EINVAL', () => {
    expect(v2('cpu.weight', '1')).toBeNull();
    expect(v2('cpu.weight', '10000')).toBeNull();
    expect(v2('cpu.weight', '0')).toMatchObject({ errno: 'ERANGE', strerror: 'Numerical result out of range' });
    expect(v2('cpu.weight', '10001')?.errno).toBe('ERANGE');
    expect(v2('cpu.weight', 'high')?.errno).toBe('EINVAL');
  });

  it('cpu.max: "$QUOTA $PERIOD" µs with 1 ms ≤ period ≤ 1 s and quota ≥ 1 ms', () => {
    expect(v2('cpu.max', '50000 100000')).toBeNull();
    expect(v2('cpu.max', 'max 100000')).toBeNull();
    expect(v2('cpu.max', '50000')).toBeNull();
    expect(v2('cpu.max', '50000 999')?.errno).toBe('EINVAL');
    expect(v2('cpu.max', '50000 1000001')?.errno).toBe('EINVAL');
    expect(v2('cpu.max', '999 100000')?.errno).toBe('EINVAL');
    expect(v2('cpu.max', 'half')).toMatchObject({ errno: 'EINVAL', strerror: 'Invalid argument' });
  });

  it('memory.*: bytes with K/M/G suffixes or max, rounded down to 4 KiB pages', () => {
    expect(parseMemory('1G')).toBe(1073741824);
    expect(parseMemory('max')).toBe(Infinity);
    expect(parseMemory('5000')).toBe(4096);
    expect(parseMemory('1.5G')).toBeNull();
    expect(v2('memory.high', '512M')).toBeNull();
    expect(v2('memory.max', 'lots')?.errno).toBe('EINVAL');
  });

  it('io.max names an existing MAJ:MIN; an unknown device is ENODEV', () => {
    expect(v2('io.max', '8:0 rbps=1048576 wiops=max')).toBeNull();
    expect(v2('io.max', '8:16 rbps=1')?.errno).toBe('ENODEV');
    expect(v2('io.max', '8:0 speed=1')?.errno).toBe('EINVAL');
  });

  it('cpuset.cpus must name existing CPUs', () => {
    expect(v2('cpuset.cpus', '0-3')).toBeNull();
    expect(v2('cpuset.cpus', '2-5')).toMatchObject({ errno: 'EINVAL', detail: 'CPU 5 does not exist (the machine has CPUs 0-3)' });
  });

  it('the message reads like the shell: file, strerror, errno', () => {
    expect(formatWriteError('/sys/fs/cgroup/batch/cpu.weight', v2('cpu.weight', '0')!)).toBe(
      'write error: /sys/fs/cgroup/batch/cpu.weight: Numerical result out of range (ERANGE) — cpu.weight must be 1..10000',
    );
  });
});

describe('cgroup v1 writes', () => {
  it('cpu.cfs_quota_us is -1 or ≥ 1000; cfs_period_us 1000..1000000', () => {
    expect(validateWrite(1, 'cpu.cfs_quota_us', '-1', ctx)).toBeNull();
    expect(validateWrite(1, 'cpu.cfs_quota_us', '500', ctx)?.errno).toBe('EINVAL');
    expect(validateWrite(1, 'cpu.cfs_period_us', '100', ctx)?.errno).toBe('ERANGE');
  });
  it('a v2 file name is not a v1 file', () => {
    expect(validateWrite(1, 'cpu.weight', '100', ctx)?.detail).toBe('cpu.weight is not a cgroup v1 interface file the editor knows');
  });
});

describe('cgroup paths', () => {
  it('accepts nested absolute paths and refuses relative, dot and empty parts', () => {
    expect(validateCgroupPath('/web/frontend')).toBeNull();
    expect(validateCgroupPath('web')).toBe('a cgroup path starts with "/" (e.g. /batch)');
    expect(validateCgroupPath('/a/../b')).toContain('".."');
    expect(validateCgroupPath('/a//b')).toContain('empty');
  });
});
