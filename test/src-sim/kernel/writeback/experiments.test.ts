import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WritebackState } from '../../../../src-sim/kernel/writeback/install';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';

const scenarios = path.resolve(__dirname, '../../../../resources/scenarios');

/** Run a preset, sampling the dirty share and when the `app` task exits. */
function runDirtyExperiment(name: string) {
  const s = loadScenario(readFileSync(path.join(scenarios, `${name}.yaml`), 'utf8'), `${name}.yaml`);
  const sim = new Simulation(s);
  const k = sim.kernel;
  const pc = k.mm!.pageCache;
  const dirtyShare: number[] = [];
  let appExitNs = -1;
  for (let t = 100e6; t <= s.durationNs; t += 100e6) {
    sim.advance(t);
    const meminfo = k.vfs.read('/proc/meminfo');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(meminfo)![1]);
    dirtyShare.push(((kb('Dirty') + kb('Writeback')) * 1024) / 4096 / pc.dirtyableMemory());
    const app = [...k.tasks.values()].find((x) => x.name === 'app')!;
    if (appExitNs < 0 && app.state === 'exited') appExitNs = t;
  }
  const wb = k.writeback as WritebackState;
  const byName = (n: string) => wb.pauseStats([...k.tasks.values()].find((x) => x.name === n)!);
  const psiSomeUs = Number(/^some .* total=(\d+)$/m.exec(k.vfs.read('/proc/pressure/io'))![1]);
  const pausesFile = k.vfs.read('/sys/kernel/debug/kernel-lab/writeback/pauses');
  const traces = sim.log.filter((e) => e.kind === 'balance_dirty_pages');
  return { dirtyShare, appExitNs, cp: byName('cp'), app: byName('app'), psiSomeUs, pausesFile, traces };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('experiment: IO-less dirty throttling vs completion distribution, SSD + USB stick', () => {
  const ioless = runDirtyExperiment('io-dirty-usb-ioless');
  const compl = runDirtyExperiment('io-dirty-usb-completion');

  it('IO-less: no writer sleeps more than 200 ms at a time and dirty pages settle near the 17.5 % setpoint', () => {
    expect(ioless.cp.maxNs).toBeLessThanOrEqual(200e6);
    expect(ioless.app.maxNs).toBeLessThanOrEqual(200e6);
    expect(ioless.cp.pauses).toBeGreaterThan(100);
    const late = ioless.dirtyShare.slice(-50);
    expect(mean(late)).toBeGreaterThan(0.16);
    expect(mean(late)).toBeLessThan(0.19);
  });

  it('the pauses file and the writeback:balance_dirty_pages events show every sleep (issue 18)', () => {
    const rows = ioless.pausesFile.trim().split('\n');
    expect(rows[0]!.split(/\s+/)).toEqual(['pid', 'comm', 'pauses', 'total_ms', 'max_ms', 'lt1ms', 'lt2ms', 'lt4ms', 'lt8ms', 'lt16ms', 'lt32ms', 'lt64ms', 'lt128ms', 'lt256ms', 'ge256ms']);
    const cp = rows.find((r) => r.split(' ')[1] === 'cp')!.split(' ');
    expect(Number(cp[2])).toBe(ioless.cp.pauses);
    expect(Number(cp[4])).toBeCloseTo(ioless.cp.maxNs / 1e6, 1);
    expect(cp.slice(5).map(Number).reduce((a, b) => a + b, 0)).toBe(ioless.cp.pauses);
    const cpTraces = ioless.traces.filter((e) => e.task === 'cp');
    expect(cpTraces.length).toBeGreaterThan(20);
    // Summed per write (at most MAX_SLEEPS_PER_WRITE = 5 sleeps of ≤ 200 ms each), in ms.
    const sumMs = cpTraces.reduce((a, e) => a + Number(e.pause), 0);
    expect(Math.abs(sumMs - ioless.cp.totalNs / 1e6)).toBeLessThan(cpTraces.length);
    for (const e of cpTraces) {
      expect(Number(e.pause)).toBeLessThanOrEqual(5 * 200);
      // setpoint = (freerun + limit) / 2 (wb_position_ratio).
      expect(Number(e.setpoint)).toBeLessThan(Number(e.limit));
      expect(e.bdi).toBe('8:16');
    }
  });

  it('throttling sleeps show up as io pressure: /proc/pressure/io some total covers the writers’ pauses', () => {
    // "some" counts wall time with at least one task stalled: at least the longest writer's, at most the sum.
    for (const r of [ioless, compl]) {
      expect(r.psiSomeUs * 1000).toBeGreaterThanOrEqual(Math.max(r.cp.totalNs, r.app.totalNs) * 0.95);
      expect(r.psiSomeUs * 1000).toBeLessThanOrEqual((r.cp.totalNs + r.app.totalNs) * 1.05 + 1e9);
    }
  });

  it('completion distribution: dirty pages sit at the 20 % limit and the SSD writer waits seconds at a time', () => {
    expect(mean(compl.dirtyShare.slice(50))).toBeGreaterThan(0.195);
    expect(compl.app.maxNs).toBeGreaterThan(1e9);
    const app = compl.pausesFile.split('\n').find((r) => r.split(' ')[1] === 'app')!.split(' ').map(Number);
    expect(app[14]).toBeGreaterThan(0);
  });

  it('the unrelated SSD writer finishes its 256 MiB several times sooner under IO-less throttling', () => {
    expect(ioless.appExitNs).toBeGreaterThan(10e9);
    const tIoless = ioless.appExitNs - 10e9;
    const tCompl = (compl.appExitNs < 0 ? 30e9 : compl.appExitNs) - 10e9;
    expect(tIoless).toBeLessThan(10e9);
    expect(tCompl / tIoless).toBeGreaterThan(3);
  });
});
