import fc from 'fast-check';
import { describe, it } from 'vitest';
import { ScenarioError } from '../../../src-sim/scenario/errors';
import { loadScenario } from '../../../src-sim/scenario/load';

const FILES = ['cpu.weight', 'cpu.weight.nice', 'cpu.max', 'cpu.idle', 'cgroup.procs', 'cpuset.cpus', 'memory.max', 'memory.high', 'memory.low', 'io.max'];

describe('kernel checks of written values', () => {
  it('any value written to any cgroup file, at boot or on the timeline, loads or gives a ScenarioError', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 16 }),
      fc.integer({ min: -5, max: 300000 }).map(String),
      fc.constantFrom('max', 'max 100000', '50000 100000', '1000 x', '0', '-1', '0-1', '1K', '8:0 rbps=1048576', ''),
    );
    fc.assert(
      fc.property(fc.constantFrom(...FILES), value, fc.constantFrom(...FILES), value, (f1, v1, f2, v2) => {
        const text = JSON.stringify({
          duration: '1s',
          machine: { cpus: 2, memory: '256M' },
          cgroups: { '/a': { [f1]: v1 } },
          tasks: [{ name: 't', cgroup: '/a', run: { type: 'cpu' } }],
          timeline: [{ at: '0s', write: { [`/sys/fs/cgroup/a/${f2}`]: v2 } }],
        });
        try {
          loadScenario(text, 'w.json');
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
        }
      }),
      { numRuns: 60 },
    );
  });
});
