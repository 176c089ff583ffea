import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Mm } from '../../../../src-sim/kernel/mm/mm';
import { PAGE_IDLE_BITMAP } from '../../../../src-sim/kernel/mm/page-idle';
import type { Task } from '../../../../src-sim/kernel/task';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';
import { issuesOf, lines } from '../../scenario/helpers';

const PRESET = path.resolve(__dirname, '../../../../resources/scenarios/mem-wss-estimation.yaml');
const MiB = 1024 * 1024;

function mmOf(sim: Simulation): Mm {
  const mm = sim.kernel.mm;
  if (!(mm instanceof Mm)) throw new Error('no memory model');
  return mm;
}

function task(sim: Simulation, name: string): Task {
  const t = [...sim.kernel.tasks.values()].find((x) => x.name === name);
  if (!t) throw new Error(`no task ${name}`);
  return t;
}

/** A field of a cgroup's memory.lab_wss ('.' = the root group). */
function wss(sim: Simulation, cg: string, field = 'wss_bytes'): number {
  const file = cg === '.' ? '/sys/fs/cgroup/memory.lab_wss' : `/sys/fs/cgroup/${cg}/memory.lab_wss`;
  const m = new RegExp(`^${field} (\\d+)$`, 'm').exec(sim.kernel.vfs.read(file));
  if (!m) throw new Error(`no ${field} in ${cg}/memory.lab_wss`);
  return Number(m[1]);
}

function preset(seed = 1): Simulation {
  return new Simulation(loadScenario(readFileSync(PRESET, 'utf8').replace(/^seed: 1$/m, `seed: ${seed}`), PRESET));
}

/** u64 words of the bitmap as bytes (little-endian), from 32-bit (low, high) halves. */
function bytesOf(...halves: number[]): Uint8Array {
  return new Uint8Array(Uint32Array.from(halves).buffer);
}

/** A 1000 MiB machine (252000 managed frames: not a multiple of 64) with one task holding 1 MiB (PFNs 0–255). */
const small = (extra = ''): Simulation =>
  new Simulation(loadScenario(`duration: 10s\nmachine: { cpus: 2, memory: 1000M }\ntasks:\n  - { name: a, run: { type: alloc, size: 1M, then: hold } }\n${extra}`, 't.yaml'));

describe('idle page tracking: /sys/kernel/mm/page_idle/bitmap (mm/page_idle.c)', () => {
  it('reads 64-bit words; only LRU pages can be marked idle; writes to free frames are ignored', () => {
    const sim = small();
    sim.advance(100e6);
    const v = sim.kernel.vfs;
    expect(mmOf(sim).pageIdle.maxPfn).toBe(252000);
    // Nothing marked yet: every bit 0, the whole request returned.
    expect(v.pread(PAGE_IDLE_BITMAP, 0, 48)).toEqual(new Uint8Array(48));
    // Mark PFNs 0–63 (task pages), alternate bits of 64–127, and all of 256–319 (free frames).
    const all = 0xffffffff;
    const w = bytesOf(all, all, 0x55555555, 0x55555555, 0, 0, 0, 0, all, all);
    expect(v.pwrite(PAGE_IDLE_BITMAP, 0, w)).toBe(40);
    expect(v.pread(PAGE_IDLE_BITMAP, 0, 40)).toEqual(bytesOf(all, all, 0x55555555, 0x55555555, 0, 0, 0, 0, 0, 0));
    // A text read of a binary attribute is refused, as a non-binary pread is.
    expect(() => v.read(PAGE_IDLE_BITMAP)).toThrow(/EINVAL.*pread/);
  });

  it('EINVAL for offsets and sizes that are not multiples of 8; ENXIO writing past max_pfn; EOF reading past it; a last partial word is not returned', () => {
    const sim = small();
    const v = sim.kernel.vfs;
    expect(() => v.pread(PAGE_IDLE_BITMAP, 4, 8)).toThrow('/sys/kernel/mm/page_idle/bitmap: Invalid argument (EINVAL)');
    expect(() => v.pread(PAGE_IDLE_BITMAP, 0, 12)).toThrow(/EINVAL/);
    expect(() => v.pwrite(PAGE_IDLE_BITMAP, 3, new Uint8Array(8))).toThrow(/EINVAL/);
    expect(() => v.pwrite(PAGE_IDLE_BITMAP, 0, new Uint8Array(7))).toThrow(/EINVAL/);
    // 252000 PFNs = 3937 whole words + 32 bits: bytes 0…31495 are whole words.
    expect(() => v.pwrite(PAGE_IDLE_BITMAP, 31504, new Uint8Array(8))).toThrow(/ENXIO/);
    expect(v.pread(PAGE_IDLE_BITMAP, 31504, 8).length).toBe(0);
    // The partial last word (PFNs 251968–251999) is filled but not counted, as the kernel's `out++` after bit 63 does.
    expect(v.pread(PAGE_IDLE_BITMAP, 31488, 16).length).toBe(8);
    expect(v.pwrite(PAGE_IDLE_BITMAP, 31488, new Uint8Array(16).fill(0xff))).toBe(8);
  });

  it('an access clears the idle flag (a read() hit through folio_mark_accessed, a task touching its pages); freed frames read 0', () => {
    const sim = small(`  - { name: hot, start: 200ms, run: { type: workingset, size: 256K, pattern: uniform, rate: 100000/s } }\n`);
    sim.advance(300e6);
    const mm = mmOf(sim);
    const v = sim.kernel.vfs;
    // The hot task's 64 pages came after the 256 of task a: PFNs 256–319.
    expect(mm.ft.obj[256]).not.toBe(mm.ft.obj[0]);
    v.pwrite(PAGE_IDLE_BITMAP, 0, new Uint8Array(48).fill(0xff));
    // An explicit access of PFN 5 (what a read() hit does).
    const o = mm.objects[mm.ft.obj[5]!]!;
    mm.markAccessed(o, mm.ft.idx[5]!);
    sim.advance(310e6);
    // Task a never touches its pages again: idle except PFN 5. The hot pages are touched ~1600×/s each: none idle.
    expect(v.pread(PAGE_IDLE_BITMAP, 0, 48)).toEqual(bytesOf(0xffffffdf, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0, 0, 0, 0));
    // Task a's exit frees PFNs 0–255: no longer LRU pages, so no longer idle.
    v.pwrite(PAGE_IDLE_BITMAP, 0, new Uint8Array(32).fill(0xff));
    mm.releaseTask(task(sim, 'a'));
    expect(v.pread(PAGE_IDLE_BITMAP, 0, 32)).toEqual(new Uint8Array(32));
  });
});

describe('idle page tracking on two NUMA nodes', () => {
  it('PFNs run node by node; pages bound to node 1 are marked and read back there, the free rest of each node reads 0', () => {
    const text = [
      'duration: 1s',
      'machine:',
      '  numa:',
      '    nodes:',
      '      - { cpus: 0, memory: 1G }',
      '      - { cpus: 1, memory: 1G }',
      'tasks:',
      '  - { name: a, run: { type: alloc, size: 256K, then: hold } }',
      '  - { name: b, mempolicy: { mode: bind, nodes: 1 }, run: { type: alloc, size: 256K, then: hold } }',
      '',
    ].join('\n');
    const sim = new Simulation(loadScenario(text, 'n.yaml'));
    sim.advance(100e6);
    const mm = mmOf(sim);
    const v = sim.kernel.vfs;
    // Node 1 starts at PFN 258048 (1 GiB less its memmap): task b's 64 pages are PFNs 258048–258111.
    const node1 = mm.ft.base[1]!;
    expect(node1).toBe(258048);
    expect(mm.ft.obj[node1]).toBe(mm.ft.obj[node1 + 63]);
    const at = (pfn: number): number => pfn / 8;
    v.pwrite(PAGE_IDLE_BITMAP, at(0), new Uint8Array(16).fill(0xff));
    v.pwrite(PAGE_IDLE_BITMAP, at(node1), new Uint8Array(16).fill(0xff));
    expect(v.pread(PAGE_IDLE_BITMAP, at(0), 16)).toEqual(bytesOf(0xffffffff, 0xffffffff, 0, 0));
    expect(v.pread(PAGE_IDLE_BITMAP, at(node1), 16)).toEqual(bytesOf(0xffffffff, 0xffffffff, 0, 0));
  });
});

describe('wss-scanner and the mem-wss-estimation preset', () => {
  it('estimates each group’s 2-minute working set within 2 % of the truth; the scanner costs 1.0 % ± 0.05 of one CPU', () => {
    const sim = preset();
    // The scanner starts at 30 s (marks), publishes at ≈151 s and ≈271 s; stop just before the 270 s scan starts.
    sim.advance(269.9e9);
    expect(wss(sim, 'web', 'scans')).toBe(1);
    // /web: a 512 MiB uniform hot set touched ~7.6×/s per page: all of it; the 2 GiB heap is idle.
    expect(Math.abs(wss(sim, 'web') - 512 * MiB) / (512 * MiB)).toBeLessThan(0.02);
    expect(wss(sim, 'web', 'idle_bytes')).toBeGreaterThanOrEqual(2048 * MiB);
    // /batch: 262144 pages at 2185 touches/s: λT = 2185·120/262144 per page; touched in a window: N(1 − e^(−λT)) = 647.4 MiB.
    const truth = 1024 * MiB * (1 - Math.exp(-(2185 * 120) / 262144));
    expect(Math.abs(wss(sim, 'batch') - truth) / truth).toBeLessThan(0.02);
    // /idle: allocated once before the first pass, never touched again.
    expect(wss(sim, 'idle')).toBe(0);
    expect(wss(sim, 'idle', 'idle_bytes')).toBe(1024 * MiB);
    // Root sums the groups.
    expect(wss(sim, '.')).toBe(wss(sim, 'web') + wss(sim, 'batch') + wss(sim, 'idle') + wss(sim, 'system'));
    // The estimate is a sampled series (5 s interval): 0 until the first estimate at ≈151 s, then 512 MiB.
    const id = sim.recorder.series.find((x) => x.path === '/sys/fs/cgroup/web/memory.lab_wss' && x.field === 'wss_bytes')!.id;
    const values = sim.recorder.take(true).filter((b) => b.seriesId === id).flatMap((b) => [...b.values]);
    expect(values.length).toBe(54);
    expect(values.slice(0, 31).every((x) => x === 0)).toBe(true);
    expect(values.slice(31)).toEqual(Array(23).fill(wss(sim, 'web')));
    // Two complete scans (30 s, 150 s) over 240 s: 2 × 4128768 PFNs × 290 ns.
    const scanner = task(sim, 'wss');
    expect(scanner.sumExecRuntime).toBe(2 * 4128768 * 290);
    const share = scanner.sumExecRuntime / 240e9;
    expect(Math.abs(share - 0.01)).toBeLessThan(0.0005);
    // The same time is the /system group's CPU (cpu.stat usage_usec).
    const usage = Number(/^usage_usec (\d+)$/m.exec(sim.kernel.vfs.read('/sys/fs/cgroup/system/cpu.stat'))![1]);
    expect(Math.abs(usage - scanner.sumExecRuntime / 1000)).toBeLessThanOrEqual(1);
  });

  it('is deterministic for a seed, and within tolerance over seeds', () => {
    const run = (seed: number): { text: string; batch: number; web: number } => {
      const sim = preset(seed);
      sim.advance(155e9);
      return { text: ['web', 'batch', 'idle'].map((g) => sim.kernel.vfs.read(`/sys/fs/cgroup/${g}/memory.lab_wss`)).join(''), batch: wss(sim, 'batch'), web: wss(sim, 'web') };
    };
    const a = run(7);
    expect(run(7).text).toBe(a.text);
    const truth = 1024 * MiB * (1 - Math.exp(-(2185 * 120) / 262144));
    const batches = [a, run(8)].map((r) => r.batch);
    for (const b of batches) expect(Math.abs(b - truth) / truth).toBeLessThan(0.02);
    // Different seeds draw different touches: not the same count.
    expect(batches[0]).not.toBe(batches[1]);
  });

  it('its CPU competes: sharing one CPU with a hog, a scan takes twice its CPU time', () => {
    const text = [
      'duration: 25s',
      'machine: { cpus: 1, memory: 4G }',
      'tasks:',
      '  - { name: hog, run: { type: cpu } }',
      '  - { name: wss, run: { type: wss-scanner, period: 10s } }',
      '',
    ].join('\n');
    const sim = new Simulation(loadScenario(text, 't.yaml'));
    sim.advance(25e9);
    const scans = sim.kernel.log.entries.filter((e) => e.kind === 'wss_scan');
    // Passes at 0 s (marks only), 10 s and 20 s; 1032192 PFNs × 290 ns (default page_cost) of CPU each.
    expect(scans.length).toBe(2);
    const cpuPerScan = 1032192 * 290;
    expect(task(sim, 'wss').sumExecRuntime).toBe(3 * cpuPerScan);
    // EEVDF splits the CPU evenly: a scan that needs 0.30 s of CPU ends ≈ 0.60 s after it started.
    const took = Number(scans[0]!.t_ns) - 10e9;
    expect(took / cpuPerScan).toBeGreaterThan(1.8);
    expect(took / cpuPerScan).toBeLessThan(2.2);
  });

  it('bad input: a zero period is refused with FILE:LINE:COL', () => {
    const text = 'duration: 1s\ntasks:\n  - name: s\n    run: { type: wss-scanner, period: 0s }\n';
    expect(lines(issuesOf(text, 'wss.yaml'))).toEqual([expect.stringMatching(/^wss\.yaml:4:\d+: tasks\[0\]\.run\.period: expected a duration > 0/)]);
  });
});
