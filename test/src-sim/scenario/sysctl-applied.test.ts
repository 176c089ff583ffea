// Options review (issue 14): a vm.* sysctl set in a scenario's kernel.sysctl
// section must reach the model in a plain Simulation, not only the file.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src-sim/scenario/load';
import { Simulation } from '../../../src-sim/simulation';

const scenario = (sysctl: string): string =>
  [
    'duration: 12s',
    'machine:',
    '  devices:',
    '    - { name: sdb, type: ssd, size: 1G, major: 8, minor: 16 }',
    'files:',
    '  - { path: /data/f, size: 1M, device: sdb }',
    'tasks:',
    '  - { name: w, run: { type: write, file: /data/f, size: 1M, bs: 64K } }',
    ...(sysctl ? ['kernel:', `  sysctl: { ${sysctl} }`] : []),
    '',
  ].join('\n');

/** The first time (s) /proc/meminfo shows no Dirty and no Writeback after the write, sampled every 100 ms. */
function cleanAfter(text: string): number {
  const sim = new Simulation(loadScenario(text, 's.yaml'));
  let dirtied = false;
  for (let t = 0.1; t <= 12; t += 0.1) {
    sim.advance(Math.round(t * 1e9));
    const m = sim.kernel.vfs.read('/proc/meminfo');
    const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(m)![1]);
    if (kb('Dirty') > 0) dirtied = true;
    else if (dirtied && kb('Writeback') === 0) return t;
  }
  return Infinity;
}

describe('kernel.sysctl reaches the model in a plain Simulation', () => {
  it('vm.dirty_expire_centisecs=300: a small buffered write is written back after 3–8 s (expire + the 5 s flusher period), not after 30 s', () => {
    expect(cleanAfter(scenario(''))).toBe(Infinity); // default 30 s: still dirty at 12 s
    const t = cleanAfter(scenario('vm.dirty_expire_centisecs: 300'));
    expect(t).toBeGreaterThanOrEqual(3);
    expect(t).toBeLessThanOrEqual(8.5);
  });
});
