import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFioJobFile } from '../../../../src-sim/workload/fio/parse';

export const EXAMPLES = path.resolve(__dirname, '../../../fixtures/data/fio-examples');

const parse = (text: string) => parseFioJobFile(text, 'x.fio');

describe('fio job files', () => {
  it('parses every example job file shipped with fio', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.fio'));
    expect(files.length).toBe(32);
    for (const f of files) {
      const text = readFileSync(path.join(EXAMPLES, f), 'utf8');
      const sections = (text.match(/^\s*\[([^\]]+)\]/gm) ?? []).filter((s) => !/\[global\]/.test(s)).length;
      expect(parseFioJobFile(text, f).jobs.length, f).toBe(sections);
    }
  });

  it('applies [global] to the sections after it, and section options override it', () => {
    const { jobs } = parse('[global]\nbs=64k\nrw=randread\n[a]\n[b]\nbs=8k\n[global]\nrw=write\n[c]\n');
    expect(jobs.map((j) => [j.name, j.bs[0], j.rw])).toEqual([['a', 65536, 'randread'], ['b', 8192, 'randread'], ['c', 65536, 'write']]);
  });

  it("follows fio's size suffix rules (kb_base 1024 by default, IEC always 1024)", () => {
    const j = (o: string) => parse(`[j]\n${o}\n`).jobs[0]!;
    expect(j('bs=4k').bs).toEqual([4096, 4096, 4096]);
    expect(j('size=10g').size).toBe(10 * 1024 ** 3);
    expect(j('size=1.5m').size).toBe(1.5 * 1024 ** 2);
    expect(parse('[j]\nkb_base=1000\nbs=4k\n').jobs[0]!.bs[0]).toBe(4000);
    expect(parse('[j]\nkb_base=1000\nbs=4KiB\n').jobs[0]!.bs[0]).toBe(4096);
    expect(j('bs=4k,64k').bs).toEqual([4096, 65536, 65536]);
    expect(j('size=50%').size).toBe(-0.5);
  });

  it("follows fio's time rules (runtime in s, thinktime in µs, suffixes override)", () => {
    const j = (o: string) => parse(`[j]\n${o}\n`).jobs[0]!;
    expect(j('runtime=900').runtimeNs).toBe(900e9);
    expect(j('runtime=5m').runtimeNs).toBe(300e9);
    expect(j('timeout=60').runtimeNs).toBe(60e9);
    expect(j('thinktime=2000').thinktimeNs).toBe(2e6);
    expect(j('thinktime=2ms').thinktimeNs).toBe(2e6);
    expect(j('startdelay=4').startdelayNs).toBe(4e9);
  });

  it('reads rw variants, mixes, split and range block sizes', () => {
    const j = (o: string) => parse(`[j]\n${o}\n`).jobs[0]!;
    expect(j('rw=read:-8k').seqAdd).toBe(-8192);
    expect(j('readwrite=randrw\nrwmixwrite=40').rwmixread).toBe(60);
    expect(j('bssplit=4k/60:64k/40').bssplit![0]).toEqual([{ bs: 4096, perc: 60 }, { bs: 65536, perc: 40 }]);
    expect(j('bssplit=4k/50:8k:16k').bssplit![0]!.map((e) => e.perc)).toEqual([50, 25, 25]);
    expect(j('bsrange=4k-64k').bsrange![1]).toEqual([4096, 65536]);
    expect(j('rate_iops=50\nrate_process=poisson').rateIops).toEqual([50, 50, 50]);
  });

  it('lists options that do not apply to a simulation as warnings, never silently', () => {
    const { jobs } = parse('[j]\nverify=crc32c\ngroup_reporting\nioengine=sync\niodepth=8\n');
    expect(jobs[0]!.warnings).toEqual([
      'verify=crc32c: not simulated (data contents are not modelled)',
      'group_reporting: not simulated (results are reported per job section (clones aggregated))',
      'note: both iodepth >= 1 and synchronous I/O engine are selected, queue depth will be capped at 1',
    ]);
    // Buffered I/O on a file goes through the page cache; on a raw device node it does not, and says so.
    expect(parse('[j]\nfilename=/dev/sda\n').jobs[0]!.warnings).toEqual([
      "direct=0 on /dev/sda: buffered I/O to a raw block device is issued to the block layer as submitted (the block device's page cache is not modelled; files go through the page cache)",
    ]);
  });

  it('parses the page-cache options: invalidate, fadvise_hint, sync_file_range', () => {
    const j = parse('[j]\ninvalidate=0\nfadvise_hint=random\nsync_file_range=write,wait_after:8\n').jobs[0]!;
    expect([j.invalidate, j.fadviseHint, j.syncFileRange, j.warnings]).toEqual([false, 'random', { every: 8, waitBefore: false, write: true, waitAfter: true }, []]);
    expect(parse('[j]\n').jobs[0]!.invalidate).toBe(true);
    expect(() => parse('[j]\nsync_file_range=flush:8\n')).toThrow('x.fio:2: failed parsing sync_file_range=flush:8: unknown flag "flush" (wait_before, write, wait_after, write_wait)');
    expect(() => parse('[j]\nfadvise_hint=willneed\n')).toThrow('x.fio:2: failed parsing fadvise_hint=willneed: expected 0, 1, sequential, random or normal');
  });

  it("rejects an unknown option with fio's own message and the line", () => {
    expect(() => parse('[global]\nbs=4k\n[j]\nbogus=1\n')).toThrow('x.fio:4: Bad option <bogus=1>');
    expect(() => parse('[j]\nioengine=warpdrive\n')).toThrow('x.fio:2: engine warpdrive not loadable');
  });

  it('accepts real engines it does not model, with a warning naming the stand-in', () => {
    const j = parse('[j]\nioengine=mmap\ndirect=1\n').jobs[0]!;
    expect([j.ioengine, j.warnings[0]]).toEqual(['psync', 'ioengine=mmap: simulated as psync']);
  });

  it('rejects options before any section, bad values, bad headers and dangling wait_for, naming the line', () => {
    expect(() => parse('bs=4k\n[j]\n')).toThrow('x.fio:1: fio: option <bs=4k> outside of [] job section');
    expect(() => parse('[j]\nbs=abc\n')).toThrow('x.fio:2: failed parsing bs=abc: expected a block size such as 4k');
    expect(() => parse('[j]\nrw=sideways\n')).toThrow(/^x\.fio:2: failed parsing rw=sideways: expected read, write/);
    expect(() => parse('[j\n')).toThrow('x.fio:1: malformed section header "[j": expected [name]');
    expect(() => parse('[j]\nrwmixread=150\n')).toThrow('x.fio:2: value out of range: 150 (rwmixread min=0, max=100)');
    expect(() => parse('[j]\nwait_for=nobody\n')).toThrow('x.fio:1: fio: j: waitee nobody is not a job name before it');
  });

  it('strips inline comments after whitespace', () => {
    const { jobs } = parse('[j]\nruntime=3600  # one hour\nnumjobs=4\t; four\n');
    expect([jobs[0]!.runtimeNs, jobs[0]!.numjobs]).toEqual([3600e9, 4]);
  });
});
