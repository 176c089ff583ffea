import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCpuList, parseCpuList, parseHwlocBitmap } from '../../../../src-sim/api/topology/cpulist';

describe('cpulist', () => {
  it('reads ranges and util-linux strides', () => {
    expect(parseCpuList('0-5,48-53')).toEqual([0, 1, 2, 3, 4, 5, 48, 49, 50, 51, 52, 53]);
    expect(parseCpuList('0-62:2')).toHaveLength(32);
    expect(parseCpuList('1-61:4').slice(0, 3)).toEqual([1, 5, 9]);
    expect(parseCpuList('')).toEqual([]);
  });

  it('names the bad part of a malformed list', () => {
    expect(() => parseCpuList('0-3,x')).toThrow('expected a CPU list like "0-3,8,10-11" (ranges A-B, strides A-B:S or A-B:used/group), got "x"');
    expect(() => parseCpuList('5-2')).toThrow('got "5-2"');
  });

  it('format then parse gives the same set for any CPU set', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 511 }), { maxLength: 80 }), (cpus) => {
        expect(parseCpuList(formatCpuList(cpus))).toEqual([...cpus].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });

  it('reads hwloc bitmaps word by word, most significant first', () => {
    expect(parseHwlocBitmap('0x0000ffff')).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(parseHwlocBitmap('0x000000ff,,,,,,0x000000ff')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 192, 193, 194, 195, 196, 197, 198, 199]);
    expect(parseHwlocBitmap('0x0')).toEqual([]);
    expect(parseHwlocBitmap('0xf...f,0x0000000f', 40)).toEqual([0, 1, 2, 3, 32, 33, 34, 35, 36, 37, 38, 39]);
    expect(() => parseHwlocBitmap('0xzz')).toThrow('an hwloc bitmap of 0x-prefixed 32-bit words');
  });
});
