import { existsSync } from 'node:fs';
import type { LogEntry } from '../../src-sim/engine/event-log';
import type { Scenario, TimelineAction } from '../../src-sim/scenario/types';
import type { Batch } from '../sim-host/protocol';
import { Session, type RunRow, type RunWriter } from '../store/session';
import { SessionError } from '../store/session-file';
import { createExperiment, recordPoint } from '../store/experiments';
import type { EventQuery, RunFinish, SessionStore, StoreFactory, StoredRun, StoredSeries } from './ports';
import { APP_VERSION } from './version';

/**
 * The lab's SessionStore on src-main/store's Session. A few queries the
 * Session does not offer yet (event totals and text filter, per-series sample
 * counts, a consistent copy) are read-only SQL on its connection, kept here
 * until the store grows them.
 */
export class SqliteStore implements SessionStore {
  private readonly writers = new Map<string, RunWriter>();
  private chunkRange: ((...args: number[]) => unknown[]) | null = null;

  constructor(readonly session: Session) {}

  get path(): string {
    return this.session.file;
  }

  createRun(name: string, scenario: Scenario, parent?: { runId: string; atNs: number }): string {
    const parentId = parent ? toId(parent.runId) : null;
    const w = this.session.beginRun({ name, appVersion: APP_VERSION, scenario, ...(parent && parentId !== null ? { parent: { runId: parentId, atNs: parent.atNs } } : {}) });
    const id = String(w.id);
    this.writers.set(id, w);
    return id;
  }

  appendBatch(runId: string, batch: Batch): void {
    this.writer(runId).addBatch(batch);
  }

  appendEvents(runId: string, entries: LogEntry[]): void {
    this.writer(runId).addLog(entries);
  }

  finishRun(runId: string, f: RunFinish): void {
    this.writer(runId).finish({
      status: f.status,
      error: f.error,
      simulatedNs: f.simNs,
      wallMs: f.wallMs,
      events: f.events,
      actions: f.liveActions,
      summary: f.summary,
    });
    this.writers.delete(runId);
  }

  createExperiment(kind: 'replications' | 'sweep', name: string, identity: string, spec: unknown): number {
    return createExperiment(this.session, kind, name, identity, spec);
  }

  recordPoint(experimentId: number, p: { point: number; seed: number; runId: string; status: 'complete' | 'failed'; error: string | null }): void {
    recordPoint(this.session, experimentId, { point: p.point, seed: p.seed, knobs: {}, runId: toId(p.runId), status: p.status, error: p.error, metrics: {}, worker: 'local' });
  }

  listRuns(): StoredRun[] {
    return this.session.listRuns().map(toStored);
  }

  getRun(runId: string): StoredRun | undefined {
    const id = toId(runId);
    const r = id === null ? undefined : this.session.getRun(id);
    return r && toStored(r);
  }

  runInputs(runId: string): { scenario: Scenario; liveActions: TimelineAction[] } | undefined {
    const id = toId(runId);
    const r = id === null ? undefined : this.session.runInputs(id);
    return r && { scenario: r.scenario, liveActions: r.actions };
  }

  summary(runId: string): unknown {
    const id = toId(runId);
    return id === null ? null : this.session.runSummary(id);
  }

  seriesCatalogue(runId: string): StoredSeries[] {
    const id = toId(runId);
    if (id === null) return [];
    const ends = new Map<number, number>();
    const rows = this.session.db
      .prepare('SELECT series_id AS s, MAX(start_index + count) AS e FROM chunks WHERE run_id = ? GROUP BY series_id')
      .all(id) as { s: number; e: number }[];
    for (const r of rows) ends.set(r.s, r.e);
    return this.session.seriesCatalogue(id).map((s) => ({
      id: s.seriesId,
      path: s.path,
      field: s.field,
      startIndex: s.startIndex,
      samples: Math.max(0, (ends.get(s.seriesId) ?? s.startIndex) - s.startIndex),
    }));
  }

  readSeries(runId: string, seriesId: number, i0: number, i1: number): Float64Array {
    const id = toId(runId);
    if (id === null || i1 <= i0) return new Float64Array(0);
    // Only the chunks overlapping [i0, i1), copied once into the result (a zoomed window reads little).
    if (!this.chunkRange) {
      const st = this.session.db.prepare(
        'SELECT start_index AS s, count AS n, data FROM chunks WHERE run_id = ? AND series_id = ? AND start_index < ? AND start_index + count > ?',
      );
      this.chunkRange = (...args) => st.all(...args);
    }
    const rows = this.chunkRange(id, seriesId, i1, i0) as { s: number; n: number; data: Buffer }[];
    const out = new Float64Array(i1 - i0).fill(NaN);
    const bytes = new Uint8Array(out.buffer);
    for (const r of rows) {
      const from = Math.max(i0, r.s);
      const to = Math.min(i1, r.s + r.n);
      // Byte copy: SQLite's buffer need not be 8-byte aligned (little-endian Float64, as store/blob.ts writes it).
      bytes.set(r.data.subarray((from - r.s) * 8, (to - r.s) * 8), (from - i0) * 8);
    }
    return out;
  }

  events(runId: string, q: EventQuery): { total: number; events: { seq: number; entry: LogEntry }[] } {
    const id = toId(runId);
    if (id === null) return { total: 0, events: [] };
    const where = ['run_id = ?'];
    const args: (string | number)[] = [id];
    if (q.kinds?.length) {
      where.push(`kind IN (${q.kinds.map(() => '?').join(', ')})`);
      args.push(...q.kinds);
    }
    if (q.t0Ns !== undefined) {
      where.push('t_ns >= ?');
      args.push(q.t0Ns);
    }
    if (q.t1Ns !== undefined) {
      where.push('t_ns <= ?');
      args.push(q.t1Ns);
    }
    if (q.text) {
      where.push("instr(data_json, ?) > 0");
      args.push(q.text);
    }
    const db = this.session.db;
    const total = (db.prepare(`SELECT COUNT(*) AS n FROM events WHERE ${where.join(' AND ')}`).get(...args) as { n: number }).n;
    const rows = db
      .prepare(`SELECT seq, data_json FROM events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ? OFFSET ?`)
      .all(...args, q.limit, q.offset) as { seq: number; data_json: string }[];
    return { total, events: rows.map((r) => ({ seq: r.seq, entry: JSON.parse(r.data_json) as LogEntry })) };
  }

  copyTo(path: string): void {
    // VACUUM INTO writes a consistent, compacted copy (WAL content included).
    this.session.db.prepare('VACUUM INTO ?').run(path);
  }

  close(): void {
    this.session.close();
  }

  private writer(runId: string): RunWriter {
    const w = this.writers.get(runId);
    if (!w) throw new Error(`${this.path}: run ${runId} is not being written`);
    return w;
  }
}

export const sqliteStores: StoreFactory = {
  create(path: string): SessionStore {
    if (existsSync(path)) throw new SessionError('NOT_A_SESSION', path, 'a file with this name already exists');
    return new SqliteStore(Session.open(path, { create: true }));
  },
  open(path: string): SessionStore {
    return new SqliteStore(Session.open(path, { create: false }));
  },
};

function toId(runId: string): number | null {
  return /^[1-9]\d{0,15}$/.test(runId) ? Number(runId) : null;
}

function toStored(r: RunRow): StoredRun {
  return {
    id: String(r.id),
    name: r.name,
    status: r.status,
    seed: r.seed,
    simNs: r.simulatedNs,
    wallMs: r.wallMs,
    events: r.events,
    createdAt: Date.parse(r.startedAt),
    finishedAt: r.finishedAt ? Date.parse(r.finishedAt) : null,
    error: r.error,
    parentId: r.parentRunId === null ? null : String(r.parentRunId),
    forkAtNs: r.forkAtNs,
  };
}
