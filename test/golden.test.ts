// Every preset's `kernel-lab run --json` summary must stay byte-identical to
// test/golden/ (wall_ms aside): speed work never changes a result, and a
// deliberate modelling change regenerates the file (node scripts/golden.mjs NAME)
// and says why in its commit.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
// The presets, and the benchmark scenarios at reduced durations (written by
// `node dist/bench.mjs --write-scenarios` from bench/scenarios.ts).
const dirs = ['resources/scenarios', 'test/fixtures/bench-scenarios'];
const presets = dirs.flatMap((dir) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f)));

function runJson(file: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['bin/kernel-lab.mjs', 'run', file, '--json'], { cwd: root });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(out) : fail(new Error(`${file}: exit ${code}\n${err}`))));
  });
}

function normalise(json: string): string {
  const summary = JSON.parse(json) as Record<string, unknown>;
  delete summary['wall_ms'];
  return JSON.stringify(summary, null, 1) + '\n';
}

describe('golden outputs of the preset scenarios', () => {
  it('covers every preset', () => {
    const golden = readdirSync(join(root, 'test/golden')).map((f) => basename(f, '.json'));
    expect(golden.sort()).toEqual(presets.map((f) => basename(f, '.yaml')).sort());
  });
  it.each(presets)('%s is unchanged', async (file) => {
    const want = readFileSync(join(root, 'test/golden', `${basename(file, '.yaml')}.json`), 'utf8');
    expect(normalise(await runJson(file))).toBe(want);
  });
});
