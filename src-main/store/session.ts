import Database from 'better-sqlite3';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import type { LogEntry } from '../../src-sim/engine/event-log';
import type { SeriesInfo } from '../../src-sim/engine/recorder';
import type { Scenario, TimelineAction } from '../../src-sim/scenario/types';
import { fromBlob, toBlob } from './blob';
import { LATEST_VERSION, MIGRATIONS } from './migrations';
import { BLOCK, blockSummary, readSummary } from './block-summary';
import { reduceMinMax, type SeriesWindow } from './reduce';
import { MinMaxReducer } from './reducer';
import { APPLICATION_ID, SessionError, checkHeader, readSessionHeader } from './session-file';
import { assertCanCreate } from './writable-folder';

type Db = Database.Database;

export type RunStatus = 'running' | 'complete' | 'failed' | 'incomplete' | 'cancelled';

export interface RunRow {
  id: number;
  scenarioId: number | null;
  name: string;
  seed: number;
  runNumber: number;
  appVersion: string;
  status: RunStatus;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  simulatedNs: number;
  wallMs: number;
  events: number;
  /** Set on a fork: the parent run and the simulated time the fork departs from it. */
  parentRunId: number | null;
  forkAtNs: number | null;
}

export interface SeriesRow {
  seriesId: number;
  path: string;
  field: string;
  startIndex: number;
  intervalNs: number;
}

export interface EventFilter {
  kinds?: string[];
  t0?: number;
  t1?: number;
  limit?: number;
  offset?: number;
}

export interface OpenOptions {
  /** Create the file when it does not exist (default true). */
  create?: boolean;
  /**
   * For read commands: never write the file or create files beside it (no
   * -wal/-shm, no migration on disk), so a read-only file or folder can be
   * read and a refused file is left exactly as it was.
   */
  readOnly?: boolean;
}

/** A session this small (with no WAL beside it) is read from a copy in memory: nothing is created next to it. */
const IN_MEMORY_READ_MAX = 64 * 1024 * 1024;

/** One batch of samples as the worker sends it (see sim-host/protocol.ts Batch). */
export interface SampleBatch {
  newSeries: SeriesInfo[];
  entries: { seriesId: number; startIndex: number; offset: number; count: number }[];
  values: Float64Array;
}

export interface RunStart {
  scenarioId?: number | null;
  name?: string;
  appVersion: string;
  scenario: Scenario;
  /** A fork: the run it was started from, and the simulated time it departs at. */
  parent?: { runId: number; atNs: number };
}

export interface RunFinish {
  status: Exclude<RunStatus, 'running' | 'incomplete'>;
  error?: string | null;
  simulatedNs: number;
  wallMs: number;
  events: number;
  /** Live actions (the resolved scenario's own timeline is not repeated). */
  actions: TimelineAction[];
  summary: unknown;
}

// Runs being written by a RunWriter of this process, keyed by file + run id:
// a 'running' row owned by this process but absent here was left by a crash.
const activeRuns = new Set<string>();

/**
 * One session: a `.klab` SQLite file in WAL mode. The only place that
 * touches better-sqlite3. A foreign or newer file is refused before any
 * write, and every batch is committed as it arrives, so a killed process
 * leaves earlier runs (and the samples so far of the current one) readable.
 */
export class Session {
  private constructor(
    readonly file: string,
    readonly db: Db,
    readonly readOnly = false,
  ) {}

  private readonly writing = new Set<string>();

  static open(file: string, opts: OpenOptions = {}): Session {
    if (!existsSync(file)) {
      if (opts.create === false || opts.readOnly) throw new SessionError('NOT_FOUND', file, 'no such session file');
      if (!existsSync(dirname(file))) throw new SessionError('NOT_FOUND', file, `no such folder ${dirname(file)}`);
      // A folder the user may not write is named as such, not as SQLite's "unable to open database file".
      assertCanCreate(file);
      return new Session(file, createFile(file));
    }
    if (!statSync(file).isFile()) throw new SessionError('NOT_A_FILE', file, 'expected a session file, got a directory or special file');
    checkHeader(file, readSessionHeader(file), LATEST_VERSION);
    // The header can be stale when the newest pages sit in the WAL: check
    // again through a read-only connection, which never writes the file.
    let probe: Db | null = null;
    try {
      probe = openForReading(file);
      const applicationId = probe.pragma('application_id', { simple: true }) as number;
      const userVersion = probe.pragma('user_version', { simple: true }) as number;
      checkHeader(file, { applicationId: applicationId >>> 0, userVersion }, LATEST_VERSION);
      if (opts.readOnly) {
        // An older session is brought up to date in memory only; the file stays as it is.
        const db = userVersion < LATEST_VERSION ? new Database(probe.serialize()) : probe;
        if (db !== probe) migrate(db);
        probe = null;
        return new Session(file, db, true);
      }
    } catch (e) {
      if (e instanceof SessionError) throw e;
      throw new SessionError('DAMAGED', file, `damaged session: ${(e as Error).message}`);
    } finally {
      probe?.close();
    }
    const db = new Database(file, { fileMustExist: true });
    configure(db);
    migrate(db);
    return new Session(file, db);
  }

  /** A stored JSON column; a damaged one is a damaged session (exit 2), not an internal error. */
  private json(text: unknown): unknown {
    try {
      if (typeof text !== 'string') throw new Error(`a ${text === null ? 'null' : typeof text} where JSON text was stored`);
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new SessionError('DAMAGED', this.file, `damaged session: a stored value is not valid JSON (${(e as Error).message})`);
    }
  }

  private writable(): void {
    if (this.readOnly) throw new SessionError('READ_ONLY', this.file, 'opened read-only for reading; nothing can be stored in it');
  }

  /** Close the file. Runs still being written stop here and read as incomplete from now on. */
  close(): void {
    for (const key of this.writing) activeRuns.delete(key);
    this.writing.clear();
    if (this.db.open) this.db.close();
  }

  private key(runId: number): string {
    let f = this.file;
    try {
      f = realpathSync(this.file);
    } catch {
      // Deleted underneath us: the plain path still identifies it here.
    }
    return `${f}#${runId}`;
  }

  addScenario(name: string, fileName: string | null, sourceText: string | null): number {
    this.writable();
    const r = this.db
      .prepare('INSERT INTO scenarios (name, file_name, source_text, created_at) VALUES (?, ?, ?, ?)')
      .run(name, fileName, sourceText, new Date().toISOString());
    return Number(r.lastInsertRowid);
  }

  beginRun(start: RunStart): RunWriter {
    this.writable();
    const s = start.scenario;
    const r = this.db
      .prepare(
        `INSERT INTO runs (scenario_id, name, seed, run_number, app_version, scenario_json, status, owner, started_at, parent_run_id, fork_at_ns)
         VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
      )
      .run(
        start.scenarioId ?? null,
        start.name ?? s.name,
        s.seed,
        s.run,
        start.appVersion,
        JSON.stringify(s),
        owner(),
        new Date().toISOString(),
        start.parent?.runId ?? null,
        start.parent?.atNs ?? null,
      );
    const id = Number(r.lastInsertRowid);
    const key = this.key(id);
    activeRuns.add(key);
    this.writing.add(key);
    return new RunWriter(this.db, id, s.sampleIntervalNs, () => {
      activeRuns.delete(key);
      this.writing.delete(key);
    });
  }

  listRuns(): RunRow[] {
    const rows = this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY id`).all() as RawRun[];
    return rows.map((r) => this.toRun(r));
  }

  getRun(id: number): RunRow | undefined {
    const r = this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`).get(id) as RawRun | undefined;
    return r && this.toRun(r);
  }

  /** The resolved scenario a run ran, and its live actions: everything a replay needs. */
  runInputs(id: number): { scenario: Scenario; actions: TimelineAction[] } | undefined {
    const r = this.db.prepare('SELECT scenario_json, actions_json FROM runs WHERE id = ?').get(id) as
      | { scenario_json: string; actions_json: string }
      | undefined;
    if (!r) return undefined;
    return { scenario: this.json(r.scenario_json) as Scenario, actions: this.json(r.actions_json) as TimelineAction[] };
  }

  runSummary(id: number): unknown {
    const r = this.db.prepare('SELECT summary_json FROM runs WHERE id = ?').get(id) as { summary_json: string | null } | undefined;
    return r?.summary_json ? this.json(r.summary_json) : null;
  }

  seriesCatalogue(runId: number): SeriesRow[] {
    return this.db
      .prepare(
        `SELECT series_id AS seriesId, path, field, start_index AS startIndex, interval_ns AS intervalNs
         FROM series WHERE run_id = ? ORDER BY series_id`,
      )
      .all(runId) as SeriesRow[];
  }

  /** Every stored sample of a series from its first index (NaN where a chunk is missing). */
  seriesValues(runId: number, seriesId: number): { startIndex: number; values: Float64Array } {
    const meta = this.seriesMeta(runId, seriesId);
    const last = this.db
      .prepare('SELECT MAX(start_index + count) AS end FROM chunks WHERE run_id = ? AND series_id = ?')
      .get(runId, seriesId) as { end: number | null };
    const end = last.end ?? meta.startIndex;
    return { startIndex: meta.startIndex, values: this.readRange(runId, seriesId, meta.startIndex, end - 1) };
  }

  /** Samples with time in [t0, t1] reduced to at most `maxPoints` points (min/max-preserving). */
  seriesWindow(runId: number, seriesId: number, t0: number, t1: number, maxPoints: number): SeriesWindow {
    const meta = this.seriesMeta(runId, seriesId);
    const last = this.db
      .prepare('SELECT MAX(start_index + count) AS end FROM chunks WHERE run_id = ? AND series_id = ?')
      .get(runId, seriesId) as { end: number | null };
    const i0 = Math.max(meta.startIndex, Math.ceil(t0 / meta.intervalNs));
    const i1 = Math.min((last.end ?? 0) - 1, Math.floor(t1 / meta.intervalNs));
    if (i1 < i0) return { t: new Float64Array(0), v: new Float64Array(0) };
    const n = i1 - i0 + 1;
    const buckets = maxPoints >> 1;
    if (buckets < 1 || n / buckets < 4 * BLOCK) return reduceMinMax(this.readRange(runId, seriesId, i0, i1), i0, meta.intervalNs, maxPoints);
    // Zoomed out: chunks inside the window contribute their block summaries,
    // only the (at most two) chunks cut by the window edges their samples.
    const r = new MinMaxReducer(i0, n, buckets);
    const chunks = this.stmt(
      `SELECT c.start_index AS s, c.count AS n, m.summary AS mm FROM chunks c
       LEFT JOIN chunk_minmax m ON m.run_id = c.run_id AND m.series_id = c.series_id AND m.start_index = c.start_index
       WHERE c.run_id = ? AND c.series_id = ? AND c.start_index <= ? AND c.start_index + c.count > ? ORDER BY c.start_index`,
    ).all(runId, seriesId, i1, i0) as { s: number; n: number; mm: Buffer | null }[];
    const raw = this.stmt('SELECT data FROM chunks WHERE run_id = ? AND series_id = ? AND start_index = ?');
    for (const c of chunks) {
      if (c.mm && c.s >= i0 && c.s + c.n - 1 <= i1) {
        const { mm, arg, blocks } = readSummary(c.mm);
        r.addBlocks(mm, arg, blocks, c.s);
        continue;
      }
      const vals = fromBlob((raw.get(runId, seriesId, c.s) as { data: Buffer }).data);
      r.addSamples(vals, c.s, Math.max(0, i0 - c.s), Math.min(c.n, i1 + 1 - c.s));
    }
    return r.finish(meta.intervalNs);
  }

  private readonly stmts = new Map<string, Database.Statement>();

  /** Prepared once per session: the window queries run many times a second while zooming. */
  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  events(runId: number, f: EventFilter = {}): LogEntry[] {
    const where = ['run_id = ?'];
    const args: (string | number)[] = [runId];
    if (f.kinds && f.kinds.length) {
      where.push(`kind IN (${f.kinds.map(() => '?').join(', ')})`);
      args.push(...f.kinds);
    }
    if (f.t0 !== undefined) {
      where.push('t_ns >= ?');
      args.push(f.t0);
    }
    if (f.t1 !== undefined) {
      where.push('t_ns <= ?');
      args.push(f.t1);
    }
    args.push(f.limit ?? -1, f.offset ?? 0);
    const rows = this.db
      .prepare(`SELECT data_json FROM events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ? OFFSET ?`)
      .all(...args) as { data_json: string }[];
    return rows.map((r) => this.json(r.data_json) as LogEntry);
  }

  saveView(name: string, spec: unknown): number {
    const r = this.db
      .prepare('INSERT INTO views (name, spec_json, created_at) VALUES (?, ?, ?)')
      .run(name, JSON.stringify(spec), new Date().toISOString());
    return Number(r.lastInsertRowid);
  }

  listViews(): { id: number; name: string; spec: unknown }[] {
    const rows = this.db.prepare('SELECT id, name, spec_json FROM views ORDER BY id').all() as { id: number; name: string; spec_json: string }[];
    return rows.map((r) => ({ id: r.id, name: r.name, spec: this.json(r.spec_json) }));
  }

  addNote(text: string, runId: number | null = null): number {
    const r = this.db.prepare('INSERT INTO notes (run_id, text, created_at) VALUES (?, ?, ?)').run(runId, text, new Date().toISOString());
    return Number(r.lastInsertRowid);
  }

  listNotes(runId?: number): { id: number; runId: number | null; text: string; createdAt: string }[] {
    const sql = 'SELECT id, run_id AS runId, text, created_at AS createdAt FROM notes';
    return (runId === undefined
      ? this.db.prepare(`${sql} ORDER BY id`).all()
      : this.db.prepare(`${sql} WHERE run_id = ? ORDER BY id`).all(runId)) as { id: number; runId: number | null; text: string; createdAt: string }[];
  }

  private seriesMeta(runId: number, seriesId: number): SeriesRow {
    const meta = this.db
      .prepare('SELECT start_index AS startIndex, interval_ns AS intervalNs FROM series WHERE run_id = ? AND series_id = ?')
      .get(runId, seriesId) as { startIndex: number; intervalNs: number } | undefined;
    if (!meta) throw new Error(`${this.file}: run ${runId} has no series ${seriesId}`);
    return { seriesId, path: '', field: '', ...meta };
  }

  /** Samples i0..i1 (inclusive) assembled from the chunks; NaN where none was stored. */
  private readRange(runId: number, seriesId: number, i0: number, i1: number): Float64Array {
    const out = new Float64Array(Math.max(0, i1 - i0 + 1)).fill(NaN);
    const rows = this.db
      .prepare(
        `SELECT start_index, count, data FROM chunks
         WHERE run_id = ? AND series_id = ? AND start_index <= ? AND start_index + count > ? ORDER BY start_index`,
      )
      .all(runId, seriesId, i1, i0) as { start_index: number; count: number; data: Buffer }[];
    for (const r of rows) {
      const vals = fromBlob(r.data);
      const from = Math.max(i0, r.start_index);
      const to = Math.min(i1 + 1, r.start_index + r.count);
      out.set(vals.subarray(from - r.start_index, to - r.start_index), from - i0);
    }
    return out;
  }

  private toRun(r: RawRun): RunRow {
    let status = r.status as RunStatus;
    if (status === 'running' && !this.ownerAlive(r.owner, r.id)) status = 'incomplete';
    // A run that ended without writing its end (killed) has got as far as its last stored sample.
    const simulatedNs = r.simulated_ns === 0 && status !== 'complete' ? this.storedTimeNs(r.id) : r.simulated_ns;
    return {
      id: r.id,
      scenarioId: r.scenario_id,
      name: r.name,
      seed: r.seed,
      runNumber: r.run_number,
      appVersion: r.app_version,
      status,
      error: r.error,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      simulatedNs,
      wallMs: r.wall_ms,
      events: r.events,
      parentRunId: r.parent_run_id,
      forkAtNs: r.fork_at_ns,
    };
  }

  /** Time of the last sample stored for a run (0 when none was). */
  private storedTimeNs(runId: number): number {
    const r = this.db
      .prepare('SELECT MAX(c.start_index + c.count) AS n, MIN(s.interval_ns) AS dt FROM chunks c JOIN series s ON s.run_id = c.run_id AND s.series_id = c.series_id WHERE c.run_id = ?')
      .get(runId) as { n: number | null; dt: number | null };
    return r.n && r.dt ? (r.n - 1) * r.dt : 0;
  }

  /** Is the process that was writing this run still alive? (Another host: assume so.) */
  private ownerAlive(o: string | null, runId: number): boolean {
    if (!o) return false;
    const at = o.lastIndexOf(':');
    const host = o.slice(0, at);
    const pid = Number(o.slice(at + 1));
    if (host !== hostname()) return true;
    if (pid === process.pid) return activeRuns.has(this.key(runId));
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}

/** Streams one run into the session; every call is its own transaction. */
export class RunWriter {
  private seq = 0;
  private finished = false;
  private readonly insSeries;
  private readonly insChunk;
  private readonly insSummary;
  private readonly insEvent;
  private readonly writeBatchTx;
  private readonly writeLogTx;

  constructor(
    private readonly db: Db,
    readonly id: number,
    private readonly intervalNs: number,
    private readonly release: () => void,
  ) {
    this.insSeries = db.prepare(
      'INSERT OR IGNORE INTO series (run_id, series_id, path, field, start_index, interval_ns) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insChunk = db.prepare('INSERT OR REPLACE INTO chunks (run_id, series_id, start_index, count, data) VALUES (?, ?, ?, ?, ?)');
    this.insSummary = db.prepare('INSERT OR REPLACE INTO chunk_minmax (run_id, series_id, start_index, summary) VALUES (?, ?, ?, ?)');
    this.insEvent = db.prepare('INSERT INTO events (run_id, seq, t_ns, kind, data_json) VALUES (?, ?, ?, ?, ?)');
    this.writeBatchTx = db.transaction((b: SampleBatch) => {
      for (const s of b.newSeries) this.insSeries.run(this.id, s.id, s.path, s.field, s.startIndex, this.intervalNs);
      for (const e of b.entries) {
        const values = b.values.subarray(e.offset, e.offset + e.count);
        this.insChunk.run(this.id, e.seriesId, e.startIndex, e.count, toBlob(values));
        // Small chunks (partial flushes) are cheap to scan: no summary.
        if (e.count >= 4 * BLOCK) this.insSummary.run(this.id, e.seriesId, e.startIndex, blockSummary(values));
      }
    });
    this.writeLogTx = db.transaction((entries: LogEntry[]) => {
      for (const e of entries) this.insEvent.run(this.id, this.seq++, e.t_ns, e.kind, JSON.stringify(e));
    });
  }

  addBatch(b: SampleBatch): void {
    this.writeBatchTx(b);
  }

  addLog(entries: LogEntry[]): void {
    if (entries.length) this.writeLogTx(entries);
  }

  /**
   * Record a live action as soon as it is applied, so even a run killed
   * mid-way can be replayed with the actions it had (finish() writes the
   * full list again).
   */
  addAction(action: TimelineAction): void {
    this.db.prepare("UPDATE runs SET actions_json = json_insert(actions_json, '$[#]', json(?)) WHERE id = ?").run(JSON.stringify(action), this.id);
  }

  finish(f: RunFinish): void {
    if (this.finished) return;
    this.finished = true;
    this.compact();
    this.db
      .prepare(
        `UPDATE runs SET status = ?, error = ?, finished_at = ?, simulated_ns = ?, wall_ms = ?, events = ?,
           actions_json = ?, summary_json = ? WHERE id = ?`,
      )
      .run(
        f.status,
        f.error ?? null,
        new Date().toISOString(),
        f.simulatedNs,
        f.wallMs,
        f.events,
        JSON.stringify(f.actions),
        JSON.stringify(f.summary),
        this.id,
      );
    this.release();
  }

  /**
   * Merge runs of small contiguous chunks (partial flushes of a slow or paced
   * run) into chunks of up to COMPACT_SAMPLES, so windows over the run read
   * few rows. Full chunks are left alone: a fast run costs nothing here.
   * One transaction: a kill during it leaves the chunks as they were.
   */
  private compact(): void {
    const db = this.db;
    const small = db
      .prepare('SELECT series_id AS s, start_index AS i, count AS n FROM chunks WHERE run_id = ? AND count < ? ORDER BY series_id, start_index')
      .all(this.id, FULL_CHUNK) as { s: number; i: number; n: number }[];
    if (small.length < 2) return;
    const groups: { s: number; i: number; n: number; parts: number[] }[] = [];
    for (const c of small) {
      const g = groups[groups.length - 1];
      if (g && g.s === c.s && g.i + g.n === c.i && g.n + c.n <= COMPACT_SAMPLES) {
        g.n += c.n;
        g.parts.push(c.i);
      } else groups.push({ s: c.s, i: c.i, n: c.n, parts: [c.i] });
    }
    const read = db.prepare('SELECT data FROM chunks WHERE run_id = ? AND series_id = ? AND start_index = ?');
    const del = db.prepare('DELETE FROM chunks WHERE run_id = ? AND series_id = ? AND start_index = ?');
    const delSummary = db.prepare('DELETE FROM chunk_minmax WHERE run_id = ? AND series_id = ? AND start_index = ?');
    db.transaction(() => {
      for (const g of groups) {
        if (g.parts.length < 2) continue;
        const merged = new Float64Array(g.n);
        let at = 0;
        for (const i of g.parts) {
          const v = fromBlob((read.get(this.id, g.s, i) as { data: Buffer }).data);
          merged.set(v, at);
          at += v.length;
          del.run(this.id, g.s, i);
          delSummary.run(this.id, g.s, i);
        }
        this.insChunk.run(this.id, g.s, g.i, g.n, toBlob(merged));
        if (g.n >= 4 * BLOCK) this.insSummary.run(this.id, g.s, g.i, blockSummary(merged));
      }
    })();
  }
}

/** The recorder's chunk: what a fast run stores per row. */
const FULL_CHUNK = 1024;
const COMPACT_SAMPLES = 4096;

interface RawRun {
  id: number;
  scenario_id: number | null;
  name: string;
  seed: number;
  run_number: number;
  app_version: string;
  status: string;
  error: string | null;
  owner: string | null;
  started_at: string;
  finished_at: string | null;
  simulated_ns: number;
  wall_ms: number;
  events: number;
  parent_run_id: number | null;
  fork_at_ns: number | null;
}

const RUN_COLUMNS =
  'id, scenario_id, name, seed, run_number, app_version, status, error, owner, started_at, finished_at, simulated_ns, wall_ms, events, parent_run_id, fork_at_ns';

function owner(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * A connection that reads without leaving anything beside the file: a copy
 * in memory when the file is small and has no WAL (the header's WAL flag
 * cleared in the copy, as SQLite cannot map a WAL in memory), otherwise
 * SQLite's read-only mode (its -wal/-shm exist already when a WAL does).
 */
function openForReading(file: string): Db {
  if (!existsSync(`${file}-wal`) && statSync(file).size <= IN_MEMORY_READ_MAX) {
    const buf = readFileSync(file);
    // sqlite.org/fileformat.html: bytes 18-19 are the read/write versions, 2 = WAL.
    if (buf[18] === 2) buf[18] = 1;
    if (buf[19] === 2) buf[19] = 1;
    return new Database(buf);
  }
  return new Database(file, { readonly: true, fileMustExist: true });
}

function configure(db: Db): void {
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL: a killed process loses nothing committed (only a power
  // loss can drop the last transactions), and commits stay cheap.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}

/**
 * A new session: schema and identity are written in rollback-journal mode,
 * so application_id and user_version are in the main file's header (not
 * only in a WAL) before WAL mode is switched on.
 */
function createFile(file: string): Db {
  const db = new Database(file);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  migrate(db);
  configure(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
