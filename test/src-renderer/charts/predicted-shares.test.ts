import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src-sim/api';
import { parseCpuList, predictCpuShares, predictOverRun, type TaskClass } from '../../../src-renderer/charts/predicted-shares';

const root = resolve(import.meta.dirname, '../../..');
const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const predict = (cpus: number, weights: Record<string, number>, classes: TaskClass[], quota: Record<string, number> = {}): Record<string, number> =>
  Object.fromEntries(predictCpuShares({ cpus, weights: new Map(Object.entries(weights)), quota: new Map(Object.entries(quota)), classes }));

describe('CPU shares predicted by weights', () => {
  it('cpu-weights preset: /web and /batch share pinned cpu1 75/25, then 50/50 after the 5 s write; /many gets the other three CPUs', () => {
    // Issue 17: the old prediction ignored affinity and the timeline and said 2.4 CPUs for /web (measured 0.62).
    const s = loadScenario(readFileSync(join(root, 'resources/scenarios/cpu-weights.yaml'), 'utf8'), 'cpu-weights.yaml');
    const seg = predictOverRun(s);
    expect(seg.map((x) => [x.t0Ns, x.t1Ns])).toEqual([
      [0, 5e9],
      [5e9, 10e9],
    ]);
    expect(seg[0]!.shares.get('/web')).toBeCloseTo(0.75, 4);
    expect(seg[0]!.shares.get('/batch')).toBeCloseTo(0.25, 4);
    expect(seg[0]!.shares.get('/many')).toBeCloseTo(3, 4);
    expect(seg[1]!.shares.get('/web')).toBeCloseTo(0.5, 4);
    expect(seg[1]!.shares.get('/batch')).toBeCloseTo(0.5, 4);
  });

  it('weights matter only under contention: enough CPUs for every hog gives each a CPU', () => {
    const r = predict(4, { '/web': 300, '/batch': 100 }, [
      { group: '/web', cpus: all(4), demand: 2 },
      { group: '/batch', cpus: all(4), demand: 2 },
    ]);
    expect(r['/web']).toBeCloseTo(2, 4);
    expect(r['/batch']).toBeCloseTo(2, 4);
  });

  it('contended: 2 CPUs split 3:1; a group capped by its one hog leaves the rest to the others', () => {
    const a = predict(2, { '/web': 300, '/batch': 100 }, [
      { group: '/web', cpus: all(2), demand: 2 },
      { group: '/batch', cpus: all(2), demand: 2 },
    ]);
    expect(a['/web']).toBeCloseTo(1.5, 4);
    expect(a['/batch']).toBeCloseTo(0.5, 4);
    const b = predict(4, { '/web': 300, '/batch': 100 }, [
      { group: '/web', cpus: all(4), demand: 1 },
      { group: '/batch', cpus: all(4), demand: 4 },
    ]);
    expect(b['/web']).toBeCloseTo(1, 4);
    expect(b['/batch']).toBeCloseTo(3, 4);
  });

  it('cpu.max caps a group and nested groups split their parent', () => {
    const r = predict(
      2,
      { '/a': 100, '/a/x': 100, '/a/y': 300, '/b': 100 },
      [
        { group: '/a/x', cpus: all(2), demand: 2 },
        { group: '/a/y', cpus: all(2), demand: 2 },
        { group: '/b', cpus: all(2), demand: 2 },
      ],
      { '/b': 0.25 },
    );
    expect(r['/b']).toBeCloseTo(0.25, 4);
    expect(r['/a']).toBeCloseTo(1.75, 4);
    expect(r['/a/y']! / r['/a/x']!).toBeCloseTo(3, 3);
  });

  it('CPU lists', () => {
    expect(parseCpuList('0,2-3')).toEqual([0, 2, 3]);
    expect(parseCpuList('x')).toBe(null);
  });
});
