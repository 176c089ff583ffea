/**
 * Experiments in a session (migration 3): a replications set or a sweep,
 * and one row per finished point × seed. The (experiment, point, seed)
 * primary key is what makes results idempotent: a point computed twice
 * (a retried job, two coordinators) is stored once.
 */
import type { LogEntry } from '../../src-sim/engine/event-log';
import type { SeriesInfo } from '../../src-sim/engine/recorder';
import type { Scenario, TimelineAction } from '../../src-sim/scenario/types';
import type { RunFinish, Session } from './session';

export type ExperimentKind = 'replications' | 'sweep';

export interface ExperimentRow {
  id: number;
  kind: ExperimentKind;
  name: string;
  identity: string;
  spec: unknown;
  createdAt: string;
}

export interface PointRow {
  point: number;
  seed: number;
  knobs: Record<string, string | number | boolean>;
  runId: number | null;
  status: 'complete' | 'failed';
  error: string | null;
  metrics: Record<string, number | null>;
  /** Who computed it: "local" or the BullMQ worker's name. */
  worker: string | null;
}

export type NewPoint = Omit<PointRow, 'runId'> & { runId?: number | null };

/** A whole run computed elsewhere (a BullMQ worker), stored in one transaction with its point. */
export interface WholeRun {
  name: string;
  appVersion: string;
  scenario: Scenario;
  series: (SeriesInfo & { values: Float64Array })[];
  log: LogEntry[];
  finish: Omit<RunFinish, 'actions'> & { actions?: TimelineAction[] };
}

export function createExperiment(s: Session, kind: ExperimentKind, name: string, identity: string, spec: unknown): number {
  const r = s.db
    .prepare('INSERT INTO experiments (kind, name, identity, spec_json, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(kind, name, identity, JSON.stringify(spec), new Date().toISOString());
  return Number(r.lastInsertRowid);
}

/** The latest experiment with this identity (same scenario text, knobs and duration): the one a rerun resumes. */
export function findExperiment(s: Session, identity: string): ExperimentRow | undefined {
  const r = s.db.prepare('SELECT * FROM experiments WHERE identity = ? ORDER BY id DESC LIMIT 1').get(identity) as RawExperiment | undefined;
  return r && toExperiment(r);
}

export function getExperiment(s: Session, id: number): ExperimentRow | undefined {
  const r = s.db.prepare('SELECT * FROM experiments WHERE id = ?').get(id) as RawExperiment | undefined;
  return r && toExperiment(r);
}

export function listExperiments(s: Session): ExperimentRow[] {
  return (s.db.prepare('SELECT * FROM experiments ORDER BY id').all() as RawExperiment[]).map(toExperiment);
}

export function experimentPoints(s: Session, experimentId: number): PointRow[] {
  const rows = s.db.prepare('SELECT * FROM experiment_points WHERE experiment_id = ? ORDER BY point, seed').all(experimentId) as RawPoint[];
  return rows.map((r) => ({
    point: r.point,
    seed: r.seed,
    knobs: JSON.parse(r.knobs_json) as PointRow['knobs'],
    runId: r.run_id,
    status: r.status,
    error: r.error,
    metrics: JSON.parse(r.metrics_json) as PointRow['metrics'],
    worker: r.worker,
  }));
}

export function hasPoint(s: Session, experimentId: number, point: number, seed: number): boolean {
  return s.db.prepare('SELECT 1 FROM experiment_points WHERE experiment_id = ? AND point = ? AND seed = ?').get(experimentId, point, seed) !== undefined;
}

/** Record a finished point; false when it was already stored (the first result stands). */
export function recordPoint(s: Session, experimentId: number, p: NewPoint): boolean {
  const r = s.db
    .prepare(
      `INSERT OR IGNORE INTO experiment_points (experiment_id, point, seed, knobs_json, run_id, status, error, metrics_json, worker)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(experimentId, p.point, p.seed, JSON.stringify(p.knobs), p.runId ?? null, p.status, p.error, JSON.stringify(p.metrics), p.worker);
  return r.changes === 1;
}

/**
 * Store a run computed elsewhere and its point in one transaction, unless
 * the point is already stored (then nothing is written). Returns the run id,
 * or null for a duplicate.
 */
export function storeWholeRun(s: Session, experimentId: number, p: NewPoint, run: WholeRun): number | null {
  return s.db.transaction((): number | null => {
    if (hasPoint(s, experimentId, p.point, p.seed)) return null;
    const w = s.beginRun({ name: run.name, appVersion: run.appVersion, scenario: run.scenario });
    if (run.series.length) {
      let total = 0;
      for (const x of run.series) total += x.values.length;
      const values = new Float64Array(total);
      const entries: { seriesId: number; startIndex: number; offset: number; count: number }[] = [];
      let offset = 0;
      for (const x of run.series) {
        values.set(x.values, offset);
        entries.push({ seriesId: x.id, startIndex: x.startIndex, offset, count: x.values.length });
        offset += x.values.length;
      }
      const info = run.series.map(({ values: _v, ...meta }) => meta);
      w.addBatch({ newSeries: info, entries, values });
    }
    w.addLog(run.log);
    w.finish({ ...run.finish, actions: run.finish.actions ?? [] });
    recordPoint(s, experimentId, { ...p, runId: w.id });
    return w.id;
  })();
}

interface RawExperiment {
  id: number;
  kind: ExperimentKind;
  name: string;
  identity: string;
  spec_json: string;
  created_at: string;
}

interface RawPoint {
  point: number;
  seed: number;
  knobs_json: string;
  run_id: number | null;
  status: 'complete' | 'failed';
  error: string | null;
  metrics_json: string;
  worker: string | null;
}

function toExperiment(r: RawExperiment): ExperimentRow {
  return { id: r.id, kind: r.kind, name: r.name, identity: r.identity, spec: JSON.parse(r.spec_json) as unknown, createdAt: r.created_at };
}

/** Points stored for the latest experiment with this identity (what a resume starts from). */
export function storedPointCount(s: Session, identity: string): number {
  const e = findExperiment(s, identity);
  if (!e) return 0;
  return (s.db.prepare('SELECT COUNT(*) AS n FROM experiment_points WHERE experiment_id = ?').get(e.id) as { n: number }).n;
}
