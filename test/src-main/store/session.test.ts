import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseScenario } from '../../../src-sim/scenario/defaults';
import { LATEST_VERSION, MIGRATIONS } from '../../../src-main/store/migrations';
import { Session } from '../../../src-main/store/session';
import { APPLICATION_ID } from '../../../src-main/store/session-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'klab-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

function writeRun(s: Session, n: number, status: 'complete' | 'failed' = 'complete'): number {
  const w = s.beginRun({ appVersion: '0.1.0', scenario: baseScenario({ name: `r${n}`, seed: n }) });
  const values = Float64Array.from({ length: 3000 }, (_, i) => i * n);
  w.addBatch({
    newSeries: [{ id: 0, path: '/proc/stat', field: 'cpu.user', startIndex: 0 }],
    entries: [
      { seriesId: 0, startIndex: 0, offset: 0, count: 1000 },
      { seriesId: 0, startIndex: 1000, offset: 1000, count: 2000 },
    ],
    values,
  });
  w.addLog([{ t_ns: 5, kind: 'write', path: '/x', value: '1' }, { t_ns: 7e8, kind: 'uevent', action: 'offline' }]);
  w.finish({ status, simulatedNs: 1e9, wallMs: 3, events: 10, actions: [], summary: { ok: true }, error: status === 'failed' ? 'boom' : null });
  return w.id;
}

describe('session file identity', () => {
  it('a new session carries application_id KLAB and the latest user_version, in WAL mode', () => {
    const f = join(dir, 'a.klab');
    Session.open(f).close();
    const db = new Database(f, { readonly: true });
    expect((db.pragma('application_id', { simple: true }) as number) >>> 0).toBe(APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    // Identity is in the main file header, not only in the WAL.
    const head = readFileSync(f).subarray(0, 100);
    expect(head.readUInt32BE(68)).toBe(APPLICATION_ID);
  });

  it('refuses a text file as not a session and leaves it byte-for-byte unchanged', () => {
    const f = join(dir, 'notes.klab');
    writeFileSync(f, 'just some text, not a database\n'.repeat(20));
    const before = sha(f);
    expect(() => Session.open(f)).toThrow(`${f}: not a Kernel Lab session (not an SQLite database)`);
    expect(sha(f)).toBe(before);
  });

  it('refuses a foreign SQLite database and leaves it unchanged', () => {
    const f = join(dir, 'other.db');
    const db = new Database(f);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
    db.close();
    const before = sha(f);
    expect(() => Session.open(f)).toThrow(`${f}: not a Kernel Lab session (SQLite application_id 0x00000000, expected 0x4b4c4142)`);
    expect(sha(f)).toBe(before);
  });

  it('refuses a session from a newer Kernel Lab and leaves it unchanged', () => {
    const f = join(dir, 'newer.klab');
    const s = Session.open(f);
    writeRun(s, 1);
    s.db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    s.close();
    const before = sha(f);
    expect(() => Session.open(f)).toThrow(
      `${f}: session format version ${LATEST_VERSION + 1} is newer than this Kernel Lab supports (${LATEST_VERSION}); open it with a newer Kernel Lab`,
    );
    expect(sha(f)).toBe(before);
  });

  it('refuses an empty file', () => {
    const f = join(dir, 'empty.klab');
    writeFileSync(f, '');
    expect(() => Session.open(f)).toThrow(`${f}: not a Kernel Lab session (0 bytes, no SQLite header)`);
    expect(readFileSync(f).length).toBe(0);
  });
});

describe('runs, series and events', () => {
  it('reopens with runs, resolved scenario, series and events intact', () => {
    const f = join(dir, 's.klab');
    const s = Session.open(f);
    writeRun(s, 1);
    const id2 = writeRun(s, 2, 'failed');
    s.close();
    const r = Session.open(f);
    const runs = r.listRuns();
    expect(runs.map((x) => [x.name, x.seed, x.status])).toEqual([
      ['r1', 1, 'complete'],
      ['r2', 2, 'failed'],
    ]);
    expect(runs[1]!.error).toBe('boom');
    expect(r.runInputs(id2)!.scenario.name).toBe('r2');
    expect(r.seriesCatalogue(id2)).toEqual([{ seriesId: 0, path: '/proc/stat', field: 'cpu.user', startIndex: 0, intervalNs: 100e6 }]);
    const { values } = r.seriesValues(id2, 0);
    expect(values.length).toBe(3000);
    expect(values[2999]).toBe(2999 * 2);
    expect(r.events(id2, { kinds: ['uevent'] })).toEqual([{ t_ns: 7e8, kind: 'uevent', action: 'offline' }]);
    expect(r.events(id2, { t1: 10 }).map((e) => e.kind)).toEqual(['write']);
    r.close();
  });

  it('a window reduced to N points keeps every bucket extreme and the window bounds', () => {
    const f = join(dir, 'w.klab');
    const s = Session.open(f);
    const id = writeRun(s, 3);
    // Samples 100..2099 (t = 10 s … 209.9 s at 100 ms), values 3·i: increasing, so max is the last in bucket.
    const w = s.seriesWindow(id, 0, 100 * 100e6, 2099 * 100e6, 200);
    expect(w.v.length).toBe(200);
    expect(w.t[0]).toBe(100 * 100e6);
    expect(w.t[w.t.length - 1]).toBe(2099 * 100e6);
    expect(Math.min(...w.v)).toBe(300);
    expect(Math.max(...w.v)).toBe(2099 * 3);
    s.close();
  });

  it('a run whose writer was closed before finishing reads as incomplete, with the live actions it had', () => {
    const f = join(dir, 'i.klab');
    const s = Session.open(f);
    const w = s.beginRun({ appVersion: '0', scenario: baseScenario() });
    w.addAction({ atNs: 5, kind: 'write', path: '/sys/fs/cgroup/a/cpu.max', value: '1000 100000' });
    w.addAction({ atNs: 9, kind: 'unplug', device: 'sdb' });
    expect(s.getRun(w.id)!.status).toBe('running');
    s.close();
    const again = Session.open(f);
    expect(again.getRun(w.id)!.status).toBe('incomplete');
    expect(again.runInputs(w.id)!.actions).toEqual([
      { atNs: 5, kind: 'write', path: '/sys/fs/cgroup/a/cpu.max', value: '1000 100000' },
      { atNs: 9, kind: 'unplug', device: 'sdb' },
    ]);
    again.close();
  });
});

describe('migrations', () => {
  it('opens a version-1 session, migrates it to the latest version and keeps its runs', () => {
    const f = join(dir, 'v1.klab');
    const db = new Database(f);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.exec(MIGRATIONS[0]!.sql);
    db.pragma('user_version = 1');
    db.prepare(
      `INSERT INTO runs (name, seed, run_number, app_version, scenario_json, status, started_at) VALUES ('old', 3, 0, '0.0.1', '{}', 'complete', 'then')`,
    ).run();
    db.close();
    const s = Session.open(f);
    expect(s.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(s.listRuns().map((r) => [r.name, r.seed, r.status])).toEqual([['old', 3, 'complete']]);
    s.close();
  });
});

describe('compaction', () => {
  it('merges the small chunks of a slow run into few rows on finish, keeping every sample', () => {
    const f = join(dir, 'c.klab');
    const s = Session.open(f);
    const w = s.beginRun({ appVersion: '0', scenario: baseScenario() });
    const all: number[] = [];
    for (let k = 0; k < 300; k++) {
      // Partial flushes of 7 samples, then one full chunk in the middle.
      const n = k === 150 ? 1024 : 7;
      const start = all.length;
      const values = Float64Array.from({ length: n }, (_, i) => Math.sqrt(start + i));
      all.push(...values);
      w.addBatch({ newSeries: k === 0 ? [{ id: 0, path: '/p', field: '', startIndex: 0 }] : [], entries: [{ seriesId: 0, startIndex: start, offset: 0, count: n }], values });
    }
    w.finish({ status: 'complete', simulatedNs: 0, wallMs: 0, events: 0, actions: [], summary: null });
    const rows = s.db.prepare('SELECT count FROM chunks WHERE run_id = ? ORDER BY start_index').all(w.id) as { count: number }[];
    // 150 × 7 = 1050 small samples before and 149 × 7 = 1043 after the full chunk: one row each side.
    expect(rows.map((r) => r.count)).toEqual([1050, 1024, 1043]);
    expect(Array.from(s.seriesValues(w.id, 0).values)).toEqual(all);
    s.close();
  });
});
