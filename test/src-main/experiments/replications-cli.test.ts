import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanCi } from '../../../src-main/experiments/stats';
import { cli } from '../cli/spawn';

const SCEN = 'test/src-main/experiments/fixtures/randread.yaml';
const READS = '/sys/block/sda/stat:0';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'klab-repl-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Replications {
  format: string;
  runs: { seed: number; status: string; run_id: number | null }[];
  final: Record<string, { n: number; mean: number; sd: number; ci95: [number, number] }>;
}

describe('kernel-lab run --seeds (replications)', () => {
  it('runs one seed per run on the pool; each equals the single run of that seed, and the mean ± CI is over them', () => {
    const r = cli('run', SCEN, '--seeds', '1..3', '--json', '--jobs', '2');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Replications;
    expect(doc.format).toBe('kernel-lab/replications@1');
    expect(doc.runs.map((x) => [x.seed, x.status])).toEqual([[1, 'complete'], [2, 'complete'], [3, 'complete']]);
    const single = [1, 2, 3].map((seed) => {
      const s = JSON.parse(cli('run', SCEN, '--seed', String(seed), '--json').stdout) as { files: Record<string, string> };
      return Number(s.files['/sys/block/sda/stat']!.trim().split(/\s+/)[0]);
    });
    // Random reads: the seeds differ, so the interval has a width.
    expect(new Set(single).size).toBeGreaterThan(1);
    const m = meanCi(single);
    expect(doc.final[READS]!.n).toBe(3);
    expect(doc.final[READS]!.mean).toBeCloseTo(m.mean, 9);
    expect(doc.final[READS]!.ci95[0]).toBeCloseTo(m.lo, 9);
    expect(doc.final[READS]!.ci95[1]).toBeCloseTo(m.hi, 9);
  });

  it('prints the summary table as mean ± CI, and a rerun with more seeds resumes from the session', () => {
    const session = join(dir, 'repl.klab');
    const first = cli('run', SCEN, '--seeds', '1..2', '--session', session, '--progress');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^randread: 2 replications \(seeds 1, 2\), 1s simulated each; mean ± 95 % CI\n/);
    expect(first.stdout).toMatch(/\n {2}\/web +[\d.]+ ± [\d.]+ +[\d.]+ ± [\d.]+ +10 ± 0 +/);
    expect(first.stderr).toContain('2/2 runs done');
    const second = cli('run', SCEN, '--seeds', '1..3', '--session', session, '--progress');
    expect(second.code).toBe(0);
    expect(second.stderr.split('\n')[0]).toBe('2/3 runs done');
    expect(second.stdout).toContain('(2 seeds were already stored)');
    const runs = cli('runs', session);
    expect(runs.stdout.match(/randread seed \d/g)).toEqual(['randread seed 1', 'randread seed 2', 'randread seed 3']);
  });

  it('refuses --seed with --seeds and a malformed list, exit 2', () => {
    expect(cli('run', SCEN, '--seeds', '1..2', '--seed', '3').stderr).toBe(
      'kernel-lab run: give --seed N (one run) or --seeds FIRST..LAST (replications), not both\n',
    );
    const bad = cli('run', SCEN, '--seeds', '1..x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('kernel-lab run: --seeds: expected seeds as FIRST..LAST (e.g. 1..30) or a list (e.g. 1,2,5), got "1..x"\n');
  });
});
