import fc from 'fast-check';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { sessionFailure } from '../../src-main/store/session-failure';
import { Session } from '../../src-main/store/session';
import { SessionError } from '../../src-main/store/session-file';
import { baseScenario } from '../../src-sim/scenario/defaults';

/**
 * Property: a damaged or foreign session file (truncated, bytes changed in
 * any page, random bytes, another application's SQLite database) opened for
 * reading and read through (runs, inputs, summaries, series, windows, event
 * log) either reads or is refused with a SessionError, a StoredDataError or SQLite's own
 * "damaged"/"not a database" error, which the CLI reports as exit 2 naming
 * the file — never another exception (exit 1). Fixed seeds; FUZZ_RUNS cases
 * (`npm run fuzz`: 100 000).
 */
const RUNS = Math.max(50, Math.floor(Number(process.env['FUZZ_RUNS'] ?? 300) / 2));
const SEED = 20261206;

let dir: string;
let good: Buffer;
let foreign: Buffer;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'klab-fuzz-session-'));
  const f = join(dir, 'good.klab');
  const s = Session.open(f);
  for (let r = 0; r < 3; r++) {
    const w = s.beginRun({ appVersion: 'fuzz', scenario: baseScenario({ name: `r${r}`, durationNs: 1e9, sampleIntervalNs: 1e6 }) });
    const n = 1001;
    w.addBatch({
      newSeries: [
        { id: 0, path: '/proc/x', field: 'a', startIndex: 0 },
        { id: 1, path: '/proc/x', field: 'b', startIndex: 0 },
      ],
      entries: [
        { seriesId: 0, startIndex: 0, offset: 0, count: n },
        { seriesId: 1, startIndex: 0, offset: n, count: n },
      ],
      values: Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(i + r)),
    });
    w.addLog([{ t_ns: 5e8, kind: 'note', r }]);
    w.finish({ status: 'complete', simulatedNs: 1e9, wallMs: 1, events: 1, actions: [], summary: { r } });
  }
  s.close();
  good = readFileSync(f);
  const g = join(dir, 'foreign.db');
  const db = new Database(g);
  db.exec("CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO runs VALUES (1, 'x');");
  db.close();
  foreign = readFileSync(g);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The refusals the CLI turns into exit 2 naming the file (src-main/store/session-failure.ts). */
function refusedCleanly(e: unknown): boolean {
  return e instanceof SessionError || sessionFailure(e) !== null;
}

let n = 0;
function readThrough(bytes: Uint8Array): void {
  const f = join(dir, `case-${n++ % 8}.klab`);
  rmSync(`${f}-wal`, { force: true });
  rmSync(`${f}-shm`, { force: true });
  writeFileSync(f, bytes);
  let s: Session | null = null;
  try {
    s = Session.open(f, { readOnly: true, create: false });
    for (const r of s.listRuns()) {
      s.runInputs(r.id);
      s.runSummary(r.id);
      s.events(r.id);
      for (const series of s.seriesCatalogue(r.id)) {
        s.seriesValues(r.id, series.seriesId);
        s.seriesWindow(r.id, series.seriesId, 0, 1e9, 100);
      }
    }
  } catch (e) {
    if (!refusedCleanly(e)) throw e;
  } finally {
    s?.close();
  }
}

describe('fuzzed session files', () => {
  it('changed bytes anywhere (header included) read or are refused cleanly', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat(good.length - 1), byte: fc.nat(255) }), { minLength: 1, maxLength: 16 }), (edits) => {
        const b = Buffer.from(good);
        for (const e of edits) b[e.at] = e.byte;
        readThrough(b);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('truncated files, random bytes and foreign SQLite databases are refused cleanly', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.nat(good.length).map((len) => good.subarray(0, len)),
          fc.uint8Array({ maxLength: 8192 }),
          fc.uint8Array({ minLength: 100, maxLength: 4096 }).map((tail) => Buffer.concat([good.subarray(0, 100), tail])),
          fc.array(fc.record({ at: fc.nat(foreign.length - 1), byte: fc.nat(255) }), { maxLength: 4 }).map((edits) => {
            const b = Buffer.from(foreign);
            for (const e of edits) b[e.at] = e.byte;
            return b;
          }),
        ),
        (bytes) => readThrough(bytes),
      ),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });
});
