/**
 * Numbered schema migrations. Migration N brings a session to user_version N;
 * never edit a released one, append a new one. A session whose user_version
 * is above the last entry comes from a newer Kernel Lab and is refused.
 */
export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE scenarios (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        file_name TEXT,
        source_text TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        scenario_id INTEGER REFERENCES scenarios(id),
        name TEXT NOT NULL,
        seed INTEGER NOT NULL,
        run_number INTEGER NOT NULL,
        app_version TEXT NOT NULL,
        scenario_json TEXT NOT NULL,
        actions_json TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'incomplete', 'cancelled')),
        error TEXT,
        owner TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        simulated_ns INTEGER NOT NULL DEFAULT 0,
        wall_ms REAL NOT NULL DEFAULT 0,
        events INTEGER NOT NULL DEFAULT 0,
        summary_json TEXT
      );
      CREATE TABLE series (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        series_id INTEGER NOT NULL,
        path TEXT NOT NULL,
        field TEXT NOT NULL,
        start_index INTEGER NOT NULL,
        interval_ns INTEGER NOT NULL,
        PRIMARY KEY (run_id, series_id)
      );
      CREATE TABLE chunks (
        run_id INTEGER NOT NULL,
        series_id INTEGER NOT NULL,
        start_index INTEGER NOT NULL,
        count INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (run_id, series_id, start_index)
      );
      CREATE TABLE events (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        t_ns INTEGER NOT NULL,
        kind TEXT NOT NULL,
        data_json TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
      CREATE INDEX events_by_time ON events (run_id, t_ns);
      CREATE INDEX events_by_kind ON events (run_id, kind, t_ns);
      CREATE TABLE views (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    // Per-block min/max of every chunk (block-summary.ts), for zoomed-out windows.
    version: 2,
    sql: `
      CREATE TABLE chunk_minmax (
        run_id INTEGER NOT NULL,
        series_id INTEGER NOT NULL,
        start_index INTEGER NOT NULL,
        summary BLOB NOT NULL,
        PRIMARY KEY (run_id, series_id, start_index)
      );
    `,
  },
  {
    // Experiments (issue 12): replications and sweeps, one row per finished
    // point × seed (the primary key makes a point computed twice stored once),
    // and forks (a run started from its parent's state at fork_at_ns).
    version: 3,
    sql: `
      CREATE TABLE experiments (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('replications', 'sweep')),
        name TEXT NOT NULL,
        identity TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX experiments_by_identity ON experiments (identity);
      CREATE TABLE experiment_points (
        experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        point INTEGER NOT NULL,
        seed INTEGER NOT NULL,
        knobs_json TEXT NOT NULL,
        run_id INTEGER REFERENCES runs(id),
        status TEXT NOT NULL CHECK (status IN ('complete', 'failed')),
        error TEXT,
        metrics_json TEXT NOT NULL DEFAULT '{}',
        worker TEXT,
        PRIMARY KEY (experiment_id, point, seed)
      );
      ALTER TABLE runs ADD COLUMN parent_run_id INTEGER REFERENCES runs(id);
      ALTER TABLE runs ADD COLUMN fork_at_ns INTEGER;
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
