import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatBandwidth,
  formatDuration,
  formatRate,
  formatSize,
  parseBandwidth,
  parseDuration,
  parseRate,
  parseSize,
} from '../../../src-sim/scenario/units';

describe('durations', () => {
  it('convert every unit of the format to integer nanoseconds', () => {
    expect(parseDuration('100ns')).toBe(100);
    expect(parseDuration('250us')).toBe(250_000);
    expect(parseDuration('2ms')).toBe(2_000_000);
    expect(parseDuration('10s')).toBe(10_000_000_000);
    expect(parseDuration('2m')).toBe(120_000_000_000);
    expect(parseDuration('1h')).toBe(3_600_000_000_000);
    expect(parseDuration(' 5 ms ')).toBe(5_000_000);
    expect(parseDuration(0)).toBe(0);
  });

  it('scale decimals exactly ("1.1ms" is 1100000 ns, not 1100000.0000000002)', () => {
    expect(parseDuration('1.1ms')).toBe(1_100_000);
    expect(parseDuration('0.1us')).toBe(100);
    expect(parseDuration('.5s')).toBe(500_000_000);
  });

  it('refuse a bad unit, a bare number and a fraction of a nanosecond, saying what was expected', () => {
    expect(() => parseDuration('2 parsecs')).toThrow('expected a duration like 2ms (units ns, us, ms, s, m), got "2 parsecs"');
    expect(() => parseDuration(10)).toThrow('expected a duration like 2ms (units ns, us, ms, s, m), got 10 (a number needs a unit)');
    expect(() => parseDuration('1.5ns')).toThrow('got "1.5ns" (not a whole number of nanoseconds)');
    expect(() => parseDuration('-1s')).toThrow('got "-1s"');
  });

  it('format → parse is the identity for every integer number of nanoseconds', () => {
    fc.assert(fc.property(fc.maxSafeNat(), (ns) => parseDuration(formatDuration(ns)) === ns), { numRuns: 2000 });
  });

  it('format picks the largest unit that divides exactly', () => {
    expect(formatDuration(1_500_000)).toBe('1500us');
    expect(formatDuration(120_000_000_000)).toBe('2m');
    expect(formatDuration(7)).toBe('7ns');
  });

  it('parse of N<unit> is N times the unit for any N', () => {
    const units: [string, number][] = [['ns', 1], ['us', 1e3], ['ms', 1e6], ['s', 1e9], ['m', 60e9]];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(...units), (n, [u, f]) => parseDuration(`${n}${u}`) === n * f),
    );
  });
});

describe('sizes', () => {
  it('read binary suffixes as memparse does, long forms and plain byte counts', () => {
    expect(parseSize('4K')).toBe(4096);
    expect(parseSize('512M')).toBe(512 * 2 ** 20);
    expect(parseSize('8G')).toBe(8 * 2 ** 30);
    expect(parseSize('2T')).toBe(2 * 2 ** 40);
    expect(parseSize('4KiB')).toBe(4096);
    expect(parseSize('1GiB')).toBe(2 ** 30);
    expect(parseSize('16m')).toBe(16 * 2 ** 20);
    expect(parseSize('1.5G')).toBe(1.5 * 2 ** 30);
    expect(parseSize('4096')).toBe(4096);
    expect(parseSize(4096)).toBe(4096);
  });

  it('refuse ambiguous decimal suffixes and fractions of a byte', () => {
    expect(() => parseSize('1MB')).toThrow(
      'expected a size like 512M (binary suffixes K, M, G, T or KiB, MiB, GiB, TiB; or a byte count), got "1MB" ("MB" is ambiguous; write M or MiB)',
    );
    expect(() => parseSize('0.3K')).toThrow('(not a whole number of bytes)');
    expect(() => parseSize('lots')).toThrow('got "lots"');
    expect(() => parseSize(-1)).toThrow('got -1');
  });

  it('format → parse is the identity for every byte count', () => {
    fc.assert(fc.property(fc.maxSafeNat(), (b) => parseSize(formatSize(b)) === b), { numRuns: 2000 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 20 }), fc.integer({ min: 0, max: 30 }), (m, shift) => {
        const b = m * 2 ** shift;
        return parseSize(formatSize(b)) === b;
      }),
    );
  });
});

describe('rates and bandwidths', () => {
  it('read counts per unit of time as per second', () => {
    expect(parseRate('200000/s')).toBe(200_000);
    expect(parseRate('50/ms')).toBe(50_000);
    expect(parseRate('120/m')).toBe(2);
    expect(parseRate(1000)).toBe(1000);
    expect(() => parseRate('fast')).toThrow('expected a rate like 200000/s (a count per s, ms, us, m or h), got "fast"');
  });

  it('format → parse is the identity', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e12 }), (r) => parseRate(formatRate(r)) === r));
    fc.assert(fc.property(fc.maxSafeNat(), (b) => parseBandwidth(formatBandwidth(b)) === b));
  });

  it('read a bandwidth as bytes per second', () => {
    expect(parseBandwidth('200M/s')).toBe(200 * 2 ** 20);
    expect(() => parseBandwidth('200M')).toThrow('expected a bandwidth like 200M/s (a size per second), got "200M"');
  });
});
