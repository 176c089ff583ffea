import { describe, expect, it } from 'vitest';
import { parseFields } from '../../../src-sim/vfs/fields';

describe('parseFields reads numeric fields the way the kernel prints them', () => {
  it('single value files give the empty field', () => {
    expect([...parseFields('104857600\n')]).toEqual([['', 104857600]]);
    expect([...parseFields('max\n')]).toEqual([['', Infinity]]);
  });

  it('flat keyed files (cpu.stat) give one field per key', () => {
    const f = parseFields('usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 10\n');
    expect(f.get('usage_usec')).toBe(1500);
    expect(f.get('nr_periods')).toBe(10);
  });

  it('nested keyed files (PSI, io.stat) give row.key fields', () => {
    const f = parseFields('some avg10=1.50 avg60=0.25 avg300=0.00 total=12345\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n');
    expect(f.get('some.avg10')).toBe(1.5);
    expect(f.get('some.total')).toBe(12345);
    expect(f.get('full.total')).toBe(0);
    expect(parseFields('8:16 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n').get('8:16.rbytes')).toBe(4096);
  });

  it('node meminfo lines ("Node 1 AnonPages:  2048 kB") give the label, without the node prefix', () => {
    const f = parseFields('Node 1 MemTotal:        2064384 kB\nNode 1 AnonPages:          2048 kB\nNode 1 HugePages_Total:     0\n');
    expect([...f]).toEqual([
      ['MemTotal', 2064384],
      ['AnonPages', 2048],
      ['HugePages_Total', 0],
    ]);
  });

  it('a single line of numbers (schedstat, cpu.max) gives fields by position', () => {
    expect([...parseFields('1500000 250000 12\n')]).toEqual([
      ['0', 1500000],
      ['1', 250000],
      ['2', 12],
    ]);
    expect([...parseFields('max 100000\n')]).toEqual([
      ['0', Infinity],
      ['1', 100000],
    ]);
  });

  it("/proc/stat: the total cpu line gives one field per column in fs/proc/stat.c's order; per-CPU lines and the intr/softirq lists do not", () => {
    const f = parseFields('cpu  54 0 7 1015 2 43 85 0 0 0\ncpu0 54 0 7 497 2 15 31 0 0 0\nintr 549998\nctxt 549998\nsoftirq 549998 0 0 0 549998 0 0 0 0 0 0\n');
    expect(f.get('cpu.user')).toBe(54);
    expect(f.get('cpu.system')).toBe(7);
    expect(f.get('cpu.idle')).toBe(1015);
    expect(f.get('cpu.irq')).toBe(43);
    expect(f.get('cpu.softirq')).toBe(85);
    expect(f.get('cpu.guest_nice')).toBe(0);
    expect(f.get('intr')).toBe(549998);
    expect([...f.keys()].filter((k) => k.startsWith('cpu0'))).toEqual([]);
    expect(f.size).toBe(10 + 2);
  });
});
