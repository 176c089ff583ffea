import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';

const dir = path.resolve(__dirname, '../../../../resources/scenarios');
const STEP_NS = 500e6;
const OFFERED = [10e3, 20e3, 50e3, 100e3, 150e3, 200e3, 300e3, 400e3, 600e3, 800e3, 1e6];

/** Forwarded packets/s (eth1 tx_packets) over each 0.5 s step of the offered-load ramp, and the final /proc/stat cpu line. */
function curve(name: string): { forwarded: number[]; cpu: number[] } {
  const file = path.join(dir, `${name}.yaml`);
  const sim = new Simulation(loadScenario(readFileSync(file, 'utf8'), file));
  const tx = (): number => Number(sim.kernel.vfs.read('/sys/class/net/eth1/statistics/tx_packets'));
  const forwarded: number[] = [];
  let prev = 0;
  for (let i = 1; i <= OFFERED.length; i++) {
    sim.advance(i * STEP_NS);
    const now = tx();
    forwarded.push((now - prev) / (STEP_NS / 1e9));
    prev = now;
  }
  const cpu = sim.kernel.vfs.read('/proc/stat').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  return { forwarded, cpu };
}

describe('experiment: receive livelock, per-packet interrupts vs NAPI (net-livelock-*)', () => {
  const perPacket = curve('net-livelock-per-packet');
  const napi = curve('net-livelock-napi');

  it('both forward everything offered while the CPU keeps up (≤ 200 k packets/s)', () => {
    for (let i = 0; i <= 5; i++) {
      expect(perPacket.forwarded[i]).toBeGreaterThan(OFFERED[i]! * 0.98);
      expect(napi.forwarded[i]).toBeGreaterThan(OFFERED[i]! * 0.98);
    }
  });

  it('per-packet delivery peaks near 1/(4 us) and collapses to nothing once hard interrupts take the CPU (≥ 600 k)', () => {
    const peak = Math.max(...perPacket.forwarded);
    // irq 1 us + driver 1 us in hardirq, stack 1 us + forwarding 1 us in softirq: 4 us per packet
    expect(peak).toBeGreaterThan(190e3);
    expect(peak).toBeLessThan(260e3);
    // past the peak: less at 400 k than at 300 k, nothing at 600 k and above
    expect(perPacket.forwarded[7]).toBeLessThan(perPacket.forwarded[6]! * 0.7);
    for (const i of [8, 9, 10]) expect(perPacket.forwarded[i]).toBeLessThan(1000);
    // the CPU went to hard interrupts: /proc/stat irq column over half of all time
    const [user, nice, system, idle, iowait, irq, softirq] = perPacket.cpu as [number, number, number, number, number, number, number];
    expect(irq / (user + nice + system + idle + iowait + irq + softirq)).toBeGreaterThan(0.4);
  });

  it('NAPI stays flat at its maximum under overload: 1/(3 us) ≈ 330 k packets/s at 600 k, 800 k and 1 M', () => {
    const top = napi.forwarded.slice(8);
    for (const r of top) {
      expect(r).toBeGreaterThan(310e3);
      expect(r).toBeLessThan(335e3);
    }
    expect(Math.max(...top) - Math.min(...top)).toBeLessThan(0.02 * Math.max(...top));
    expect(napi.forwarded[10]).toBeGreaterThan(100 * Math.max(1, perPacket.forwarded[10]!));
    // softirq time, not hardirq, fills the CPU
    const [, , , , , irq, softirq] = napi.cpu as number[];
    expect(softirq!).toBeGreaterThan(5 * irq!);
  });
});
