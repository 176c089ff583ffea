import { describe, expect, it } from 'vitest';
import { baseStem, resolveRelative } from '../../../src-sim/scenario/paths';

describe('fio job paths resolve against the scenario file’s folder', () => {
  it('relative to an absolute or a relative scenario path, folding . and ..', () => {
    expect(resolveRelative('/lab/exp/s.yaml', 'jobs/a.fio')).toBe('/lab/exp/jobs/a.fio');
    expect(resolveRelative('/lab/exp/s.yaml', '../shared/./a.fio')).toBe('/lab/shared/a.fio');
    expect(resolveRelative('resources/scenarios/s.yaml', '../../data/a.fio')).toBe('data/a.fio');
    expect(resolveRelative('s.yaml', 'a.fio')).toBe('a.fio');
    expect(resolveRelative('s.yaml', '../a.fio')).toBe('../a.fio');
    expect(resolveRelative('/s.yaml', '../../a.fio')).toBe('/a.fio');
  });

  it('leaves absolute job paths alone and handles Windows scenario paths', () => {
    expect(resolveRelative('/lab/s.yaml', '/etc/a.fio')).toBe('/etc/a.fio');
    expect(resolveRelative('C:\\lab\\exp\\s.yaml', 'jobs\\a.fio')).toBe('C:\\lab\\exp\\jobs\\a.fio');
    expect(resolveRelative('C:\\lab\\exp\\s.yaml', '..\\a.fio')).toBe('C:\\lab\\a.fio');
    expect(resolveRelative('C:\\s.yaml', '..\\..\\a.fio')).toBe('C:\\a.fio');
  });

  it('names a scenario after its file when it has no name', () => {
    expect(baseStem('resources/scenarios/cpu-weights.yaml')).toBe('cpu-weights');
    expect(baseStem('C:\\x\\nice.json')).toBe('nice');
    expect(baseStem('plain')).toBe('plain');
  });
});
