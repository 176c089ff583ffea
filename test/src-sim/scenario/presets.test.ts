import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src-sim/scenario/load';
import { SCENARIO_FORMAT } from '../../../src-sim/scenario/types';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const dir = path.join(repoRoot, 'resources/scenarios');
const files = readdirSync(dir)
  .filter((f) => /\.(ya?ml|json)$/i.test(f))
  .sort();
const readFile = (p: string): string => readFileSync(p, 'utf8');

describe('every scenario in resources/scenarios/', () => {
  it('the folder holds scenario files to check', () => {
    expect(readdirSync(dir).filter((f) => !/\.(ya?ml|json|md)$/i.test(f) && !f.startsWith('.'))).toEqual([]);
  });

  for (const f of files) {
    it(`${f} loads and passes every check on this build's kernel`, () => {
      const full = path.join(dir, f);
      const s = loadScenario(readFileSync(full, 'utf8'), full, { readFile });
      expect(s.format).toBe(SCENARIO_FORMAT);
      expect(s.durationNs).toBeGreaterThan(0);
    });
  }
});
