import { describe, expect, it } from 'vitest';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import { Simulation } from '../../../../src-sim/simulation';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * Page state follows use, not declared sizes (issue 19): the frame table of
 * a huge machine is never written up front, so the host maps its pages only
 * as frames are handed out. Measured as resident growth, never as time.
 */
describe('sparse page state', () => {
  it('a 4 TiB machine boots and runs without touching its per-frame state (the LRU fill alone was 1 GiB)', () => {
    const before = process.memoryUsage().rss;
    const sim = new Simulation(
      baseScenario({
        machine: flatMachine(4, 4096 * GiB),
        durationNs: 100e6,
        tasks: [taskSpec({ name: 'a', run: { type: 'alloc', sizeBytes: 64 * MiB, stepBytes: 4 * MiB, everyNs: 1e6, touch: 'sequential', then: 'hold' } })],
      }),
    );
    sim.advance(100e6);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * MiB);
    // The frames it did use are accounted as on any machine.
    const meminfo = sim.files()['/proc/meminfo']!;
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(meminfo)![1]);
    expect(kb('AnonPages')).toBe(64 * 1024);
    expect(kb('MemTotal') - kb('MemFree')).toBeGreaterThanOrEqual(64 * 1024);
  });
});
