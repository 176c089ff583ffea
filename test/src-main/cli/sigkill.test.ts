import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Session } from '../../../src-main/store/session';
import { cli, cliAsync, fixture } from './spawn';

const dir = mkdtempSync(join(tmpdir(), 'klab-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Chunks of run `id` committed so far, read through a separate read-only connection. */
function chunksOf(file: string, id: number): number {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return (db.prepare('SELECT COUNT(*) AS n FROM chunks WHERE run_id = ?').get(id) as { n: number }).n;
  } catch {
    return 0; // the file or the table may not exist yet
  } finally {
    db?.close();
  }
}

describe('crash safety', () => {
  it('SIGKILL mid-run leaves earlier runs intact, the killed run incomplete, and the file consistent', async () => {
    const f = join(dir, 'crash.klab');
    expect(cli('run', fixture('idle.yaml'), '--session', f).code).toBe(0);
    const before = Session.open(f);
    const done = before.listRuns()[0]!;
    const cat = before.seriesCatalogue(done.id);
    const values = cat.map((s) => before.seriesValues(done.id, s.seriesId).values);
    before.close();

    const child = cliAsync('run', fixture('long.yaml'), '--session', f);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let gone = false;
    const exited = new Promise<NodeJS.Signals | null>((res) =>
      child.on('exit', (_c, sig) => {
        gone = true;
        res(sig);
      }),
    );
    // Wait until the second run has committed some series chunks, then kill -9.
    const deadline = Date.now() + 60_000;
    while (chunksOf(f, 2) < 3) {
      if (gone) throw new Error(`the long run ended before it could be killed: ${stderr}`);
      if (Date.now() > deadline) throw new Error('the long run never committed a chunk');
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const s = Session.open(f);
    expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const runs = s.listRuns();
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [1, 'complete'],
      [2, 'incomplete'],
    ]);
    expect(s.seriesCatalogue(done.id)).toEqual(cat);
    cat.forEach((c, i) => expect(s.seriesValues(done.id, c.seriesId).values).toEqual(values[i]));
    // What the killed run committed is readable too.
    const partial = s.seriesCatalogue(2);
    expect(partial.length).toBeGreaterThan(0);
    expect(s.seriesValues(2, partial[0]!.seriesId).values.length).toBeGreaterThanOrEqual(1);
    s.close();
    expect(cli('runs', f).stdout).toMatch(/\n2\s+long\s+2\s+0\s+incomplete/);
  });

  it('Ctrl-C (SIGINT) cancels the run, which is stored as cancelled with what it recorded', async () => {
    const f = join(dir, 'int.klab');
    const child = cliAsync('run', fixture('long.yaml'), '--session', f);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    const deadline = Date.now() + 60_000;
    while (chunksOf(f, 1) < 1) {
      if (Date.now() > deadline) throw new Error(`the long run never committed a chunk: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(stderr).toMatch(/kernel-lab run: cancelled at \d+ ns\n$/);
    const s = Session.open(f);
    const run = s.getRun(1)!;
    expect(run.status).toBe('cancelled');
    expect(run.simulatedNs).toBeGreaterThan(0);
    expect(run.simulatedNs).toBeLessThan(900e9);
    s.close();
  });
});
