import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';

const file = path.resolve(__dirname, '../../../../resources/scenarios/net-gro-bulk.yaml');

interface Phase {
  frames: number;
  skbs: number;
  softirqTicks: number;
}

describe('experiment: GRO on vs off for a bulk stream (net-gro-bulk)', () => {
  const sim = new Simulation(loadScenario(readFileSync(file, 'utf8'), file));
  const vfs = sim.kernel.vfs;
  const read = (): Phase => ({
    frames: Number(vfs.read('/sys/class/net/eth0/statistics/rx_packets')),
    skbs: Number(/cpu0 processed=(\d+)/.exec(vfs.read('/sys/kernel/debug/kernel-lab/net/softnet'))![1]),
    softirqTicks: Number(vfs.read('/proc/stat').split('\n')[1]!.split(/\s+/)[7]),
  });
  // measure the second half of each phase (steady state)
  sim.advance(0.5e9);
  const a0 = read();
  sim.advance(1e9);
  const a1 = read();
  sim.advance(1.5e9);
  const b0 = read();
  sim.runToEnd();
  const b1 = read();
  const rate = (x: Phase, y: Phase, k: keyof Phase): number => (y[k] - x[k]) / 0.5;
  const on = { frames: rate(a0, a1, 'frames'), skbs: rate(a0, a1, 'skbs'), softirq: rate(a0, a1, 'softirqTicks') / 100 };
  const off = { frames: rate(b0, b1, 'frames'), skbs: rate(b0, b1, 'skbs'), softirq: rate(b0, b1, 'softirqTicks') / 100 };

  it('with GRO the stream runs at 10G line rate and about 30 frames enter the stack as one packet', () => {
    // 10 Gbit/s / ((1514 + 24) bytes × 8) = 812.7 k frames/s
    expect(on.frames).toBeGreaterThan(800e3);
    expect(on.frames).toBeLessThan(813e3);
    expect(on.frames / on.skbs).toBeGreaterThan(20);
    expect(on.softirq).toBeGreaterThan(0.3);
    expect(on.softirq).toBeLessThan(0.7);
  });

  it('without GRO every frame enters the stack, softirq takes all of CPU 0 and the ACK clock slows the sender', () => {
    expect(off.skbs).toBeCloseTo(off.frames, -3);
    // driver 0.5 us + stack 1 us per frame: 1/1.5 us = 667 k frames/s
    expect(off.frames).toBeGreaterThan(640e3);
    expect(off.frames).toBeLessThan(680e3);
    expect(off.softirq).toBeGreaterThan(0.95);
    expect(off.skbs).toBeGreaterThan(20 * on.skbs);
  });

  it('the window and ACK clock, not the ring, hold the sender back: no frame is dropped', () => {
    expect(Number(vfs.read('/sys/class/net/eth0/statistics/rx_missed_errors'))).toBe(0);
    expect(Number(/window_limited (\d+)/.exec(vfs.read('/sys/kernel/debug/kernel-lab/net/stream/sender'))![1])).toBeGreaterThan(1000);
  });
});
