import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';
import { issuesOf, lines } from '../../scenario/helpers';
import { meminfoKb, vmstatValue } from '../proc-values';

const FILE = path.resolve(__dirname, '../../../../resources/scenarios/mem-zswap-vs-swap.yaml');
const PRESET = readFileSync(FILE, 'utf8');

function run(patch: (t: string) => string, ns: number): Simulation {
  const sim = new Simulation(loadScenario(patch(PRESET), FILE));
  sim.advance(ns);
  return sim;
}

const vm = vmstatValue;
const kb = meminfoKb;

function num(sim: Simulation, p: string): number {
  return Number(sim.kernel.vfs.read(p).trim());
}

function stat(sim: Simulation, cg: string, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(sim.kernel.vfs.read(`/sys/fs/cgroup/${cg}/memory.stat`));
  if (!m) throw new Error(`no ${key} in ${cg}/memory.stat`);
  return Number(m[1]);
}

function runtime(sim: Simulation): number {
  const e = sim.kernel.log.entries.find((x) => x.kind === 'work_done' && x.task === 'worker');
  if (!e) throw new Error('worker did not finish');
  return Number(e.elapsed_ns) / 1e9;
}

const D = '/sys/kernel/debug/zswap';
const P = '/sys/module/zswap/parameters';

describe('zswap (mm/zswap.c)', () => {
  it('preset mem-zswap-vs-swap: zswap on cuts swap-device I/O from >100k pages to 0 and the worker finishes ≥ 20 % sooner', () => {
    const on = run((t) => t, 10e9);
    const off = run((t) => t.replace('enabled: true', 'enabled: false'), 10e9);
    const ioOn = vm(on, 'pswpin') + vm(on, 'pswpout');
    const ioOff = vm(off, 'pswpin') + vm(off, 'pswpout');
    expect(ioOff).toBeGreaterThan(100_000);
    // The pool never fills (≈ 160 MB of the 412 MB max_pool_percent allows): nothing reaches the device.
    expect(ioOn).toBe(0);
    expect(num(on, `${D}/pool_limit_hit`)).toBe(0);
    expect(vm(on, 'zswpout')).toBeGreaterThan(100_000);
    expect(vm(on, 'zswpin')).toBeGreaterThan(10_000);
    // Every major fault was a decompression, none a device read.
    expect(vm(on, 'pgmajfault')).toBe(vm(on, 'zswpin'));
    expect(vm(off, 'zswpout')).toBe(0);
    expect(runtime(on)).toBeLessThan(0.8 * runtime(off));
    // Pool accounting: 3:1 compression (⌈4096/3⌉ = 1366 bytes per page, packed); meminfo agrees with debugfs.
    const stored = num(on, `${D}/stored_pages`);
    const pool = num(on, `${D}/pool_total_size`);
    expect(stored).toBeGreaterThan(50_000);
    expect(pool).toBe(Math.ceil((stored * 1366) / 4096) * 4096);
    expect(kb(on, 'Zswap')).toBe(pool / 1024);
    expect(kb(on, 'Zswapped')).toBe(stored * 4);
    // memcg: the stored pages and their compressed bytes split over the two groups.
    expect(stat(on, 'batch', 'zswapped') + stat(on, 'worker', 'zswapped')).toBe(stored * 4096);
    expect(stat(on, 'batch', 'zswap') + stat(on, 'worker', 'zswap')).toBe(stored * 1366);
    expect(num(on, '/sys/fs/cgroup/batch/memory.zswap.current')).toBe(stat(on, 'batch', 'zswap'));
    expect(stat(on, 'batch', 'zswpout') + stat(on, 'worker', 'zswpout')).toBe(vm(on, 'zswpout'));
  }, 120_000);

  it('is deterministic: same scenario and seed, same /proc/vmstat and pool', () => {
    const a = run((t) => t, 5e9);
    const b = run((t) => t, 5e9);
    expect(a.kernel.vfs.read('/proc/vmstat')).toBe(b.kernel.vfs.read('/proc/vmstat'));
    expect(a.kernel.vfs.read(`${D}/pool_total_size`)).toBe(b.kernel.vfs.read(`${D}/pool_total_size`));
    expect(vm(a, 'zswpout')).toBeGreaterThan(0);
  }, 60_000);

  it('a full pool (max_pool_percent 3) is written back to the swap device down to accept_threshold_percent', () => {
    const sim = run((t) => t.replace('max_pool_percent: 20', 'max_pool_percent: 3'), 4e9);
    const maxPages = Math.floor((516096 * 3) / 100);
    expect(num(sim, `${D}/pool_limit_hit`)).toBeGreaterThan(0);
    const wb = num(sim, `${D}/written_back_pages`);
    expect(wb).toBeGreaterThan(1000);
    expect(vm(sim, 'zswpwb')).toBe(wb);
    // Written-back pages and rejected stores go to the device.
    expect(vm(sim, 'pswpout')).toBeGreaterThanOrEqual(wb);
    // The pool never grows past max_pool_percent by more than the page a store takes.
    expect(num(sim, `${D}/pool_total_size`) / 4096).toBeLessThanOrEqual(maxPages + 1);
  }, 60_000);

  it('memory.zswap.max 0 keeps a group out of the pool; memory.zswap.writeback 0 keeps its pages off the device', () => {
    const noPool = run((t) => t.replace('/batch: {}', '/batch: { memory.zswap.max: 0 }'), 5e9);
    expect(noPool.kernel.vfs.read('/sys/fs/cgroup/batch/memory.zswap.max')).toBe('0\n');
    expect(stat(noPool, 'batch', 'zswpout')).toBe(0);
    expect(stat(noPool, 'batch', 'pswpout')).toBeGreaterThan(0);
    expect(stat(noPool, 'worker', 'zswpout')).toBeGreaterThan(0);
    const noWb = run((t) => t.replace('enabled: true', 'enabled: false').replace('/batch: {}', '/batch: { memory.zswap.writeback: 0 }'), 5e9);
    expect(stat(noWb, 'batch', 'pswpout')).toBe(0);
    expect(stat(noWb, 'worker', 'pswpout')).toBeGreaterThan(0);
  }, 60_000);

  it('parameters: release defaults, Y/N, EINVAL and ENOENT as the module gives them', () => {
    const mk = (version: string, zswap = '{}'): Simulation =>
      new Simulation(loadScenario(`duration: 1s\nmachine: { cpus: 1, memory: 1G, swap: { size: 1G } }\nkernel: { version: "${version}", zswap: ${zswap} }\n`, 't.yaml'));
    const sim = mk('6.8');
    const v = sim.kernel.vfs;
    expect(['enabled', 'compressor', 'zpool', 'max_pool_percent', 'accept_threshold_percent', 'shrinker_enabled'].map((p) => v.read(`${P}/${p}`))).toEqual([
      'N\n',
      'lzo\n',
      'zbud\n',
      '20\n',
      '90\n',
      'N\n',
    ]);
    v.write(`${P}/enabled`, '1');
    expect(v.read(`${P}/enabled`)).toBe('Y\n');
    expect(() => v.write(`${P}/enabled`, 'maybe')).toThrow(/EINVAL|Invalid argument/);
    expect(() => v.write(`${P}/accept_threshold_percent`, '101')).toThrow(/EINVAL|Invalid argument/);
    expect(() => v.write(`${P}/compressor`, 'gzip')).toThrow(/ENOENT|No such file/);
    v.write(`${P}/compressor`, 'zstd');
    expect(v.read(`${P}/compressor`)).toBe('zstd\n');
    expect(v.read('/proc/meminfo')).toMatch(/^SwapFree:.*\nZswap: +0 kB\nZswapped: +0 kB\n/m);
    expect(v.read('/proc/vmstat')).toMatch(/\nzswpin 0\nzswpout 0\nzswpwb 0\n/);
    // 6.18: zsmalloc by default, zbud gone.
    const late = mk('6.18').kernel.vfs;
    expect(late.read(`${P}/zpool`)).toBe('zsmalloc\n');
    expect(() => late.write(`${P}/zpool`, 'zbud')).toThrow(/ENOENT|No such file/);
    // 5.4: no accept_threshold_percent, no shrinker_enabled, no meminfo/vmstat lines, no memory.zswap.*.
    const old = mk('5.4').kernel.vfs;
    expect(() => old.read(`${P}/accept_threshold_percent`)).toThrow(/ENOENT|No such file/);
    expect(old.read('/proc/meminfo')).not.toMatch(/Zswap/);
    // Without kernel.zswap the kernel has no CONFIG_ZSWAP: no module, no lines.
    const none = new Simulation(loadScenario('duration: 1s\nmachine: { cpus: 1, memory: 1G }\n', 't.yaml')).kernel.vfs;
    expect(() => none.read(`${P}/enabled`)).toThrow(/ENOENT|No such file/);
    expect(none.read('/proc/vmstat')).not.toMatch(/zswp/);
  });

  it('bad kernel.zswap values are refused at FILE:LINE:COL', () => {
    const text = (z: string, version = '6.18'): string => `duration: 1s\nkernel:\n  version: "${version}"\n  zswap: ${z}\n`;
    expect(lines(issuesOf(text('{ ratio: 0.5 }'), 't.yaml'))).toEqual([
      't.yaml:4:19: kernel.zswap.ratio: expected a compression ratio from 1 to 64 (a page never takes more than a page), got 0.5',
    ]);
    expect(lines(issuesOf(text('{ zpool: z3fold }'), 't.yaml'))).toEqual(['t.yaml:4:19: kernel.zswap.zpool: expected zsmalloc: z3fold was removed in Linux 6.13 and kernel.version is 6.18']);
    expect(lines(issuesOf(text('{ compressor: gzip }'), 't.yaml'))[0]).toMatch(/^t\.yaml:4:24: kernel\.zswap\.compressor: expected one of lzo, lzo-rle, lz4, lz4hc, zstd, deflate, 842, got "gzip"$/);
    expect(lines(issuesOf(text('{ shrinker_enabled: true }', '6.1'), 't.yaml'))).toEqual([
      't.yaml:4:12: kernel.zswap.shrinker_enabled: expected no shrinker_enabled: it arrived in Linux 6.8 and kernel.version is 6.1',
    ]);
  });
});
