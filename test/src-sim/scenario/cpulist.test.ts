import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCpuList, parseCpuList } from '../../../src-sim/scenario/cpulist';
import { KernelError } from '../../../src-sim/vfs/errors';

function errnoOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof KernelError) return e.errno;
    throw e;
  }
  return 'no error';
}

describe('CPU lists (bitmap_parselist and taskset syntax)', () => {
  it('reads ranges, single CPUs and the empty list', () => {
    expect(parseCpuList('0-3,8,10-11')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList('1')).toEqual([1]);
    expect(parseCpuList('')).toEqual([]);
    expect(parseCpuList('3,1,1,2')).toEqual([1, 2, 3]);
  });

  it('reads the kernel group syntax: 0-1023:2/256 is 0,1,256,257,512,513,768,769 (lib/bitmap-str.c)', () => {
    expect(parseCpuList('0-1023:2/256', 1024)).toEqual([0, 1, 256, 257, 512, 513, 768, 769]);
  });

  it("reads taskset's stride: 0-7:2 is 0,2,4,6", () => {
    expect(parseCpuList('0-7:2')).toEqual([0, 2, 4, 6]);
  });

  it('reads N as the last CPU and all as every CPU', () => {
    expect(parseCpuList('2-N', 4)).toEqual([2, 3]);
    expect(parseCpuList('all', 4)).toEqual([0, 1, 2, 3]);
    expect(parseCpuList('all:1/2', 8)).toEqual([0, 2, 4, 6]);
  });

  it('refuses bad syntax with EINVAL and CPUs past the last with ERANGE, as the kernel does', () => {
    expect(errnoOf(() => parseCpuList('3-1'))).toBe('EINVAL');
    expect(errnoOf(() => parseCpuList('0-3:3/2'))).toBe('EINVAL');
    expect(errnoOf(() => parseCpuList('0-3:1/0'))).toBe('EINVAL');
    expect(errnoOf(() => parseCpuList('a'))).toBe('EINVAL');
    expect(errnoOf(() => parseCpuList('1-'))).toBe('EINVAL');
    expect(errnoOf(() => parseCpuList('0-4', 4))).toBe('ERANGE');
    expect(() => parseCpuList('x1')).toThrow('expected a CPU list like "0-3,8,10-11" (ranges A-B, strides A-B:S or A-B:used/group), got "x1"');
  });

  it('format → parse is the identity for any set of CPUs', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }), (cpus) => {
        const sorted = [...cpus].sort((a, b) => a - b);
        expect(parseCpuList(formatCpuList(cpus), 256)).toEqual(sorted);
      }),
    );
  });

  it('formats as the kernel prints a cpulist', () => {
    expect(formatCpuList([0, 1, 2, 3, 8, 10, 11])).toBe('0-3,8,10-11');
    expect(formatCpuList([])).toBe('');
  });
});
