/**
 * The typed contract between the lab service and its clients (the Electron
 * renderer through the preload, the browser through the WebSocket, tests
 * in-process). Types only: the renderer imports it with `import type`.
 *
 * Requests are keyed 'domain/action' → { req, res }. Event streams are keyed
 * on… → payload. Values cross a JSON boundary in browser mode, so series
 * values are plain number arrays with `null` standing for a non-finite sample
 * (a vanished file records NaN; "max" reads as +Infinity): see `finite` below.
 */

import type { Scenario, TimelineAction } from '../../src-sim/scenario/types';

/** 'incomplete': the host died during the run (found so when the session is reopened). */
export type RunStatus = 'queued' | 'running' | 'paused' | 'complete' | 'failed' | 'cancelled' | 'incomplete';

export interface SessionInfo {
  /** Absolute path of the .klab file; null when no session is open. */
  path: string | null;
  /** No name the user chose yet: none open, or the session made in the config dir for runs started with none open. */
  untitled: boolean;
  /** Runs in the session, newest first. */
  runCount: number;
  /** Last autosave (ms since epoch), or null. */
  savedAt: number | null;
}

export interface RunInfo {
  id: string;
  name: string;
  status: RunStatus;
  seed: number;
  durationNs: number;
  sampleIntervalNs: number;
  /** Simulated time reached. */
  simNs: number;
  /** Events per second of wall time over the last progress report. */
  eventsPerSec: number;
  /** null = as fast as possible, N = N× real time. */
  pace: number | null;
  /** Wall clock (ms since epoch). */
  createdAt: number;
  finishedAt: number | null;
  /** Why the run failed (invariant, crash, refused write at boot…). */
  error: string | null;
  /** A fork: the run it was started from, and the simulated time (ns) it departs at. */
  parentId?: string | null;
  forkAtNs?: number | null;
}

export interface SeriesMeta {
  id: number;
  path: string;
  /** "" for single-value files, "usage_usec", "some.avg10", "8:16.rbytes"… */
  field: string;
  /** Index of the first sample; sample k is at k·sampleIntervalNs. */
  startIndex: number;
  /** Samples stored so far. */
  samples: number;
}

/** A reduced series: times (ns) and values, same length; null = gap / non-finite. */
export interface SeriesPoints {
  id: number;
  t: number[];
  v: (number | null)[];
}

export interface EventEntry {
  /** Position in the run's log (0-based), stable across queries. */
  seq: number;
  t_ns: number;
  kind: string;
  fields: Record<string, string | number | boolean | null>;
}

export type ReduceMethod = 'minmax' | 'lttb';

/** The live actions a run accepts; each joins the run's timeline. */
export type LiveActionRequest =
  | { kind: 'write'; path: string; value: string }
  | { kind: 'plug'; device: Extract<TimelineAction, { kind: 'plug' }>['device'] }
  | { kind: 'unplug'; device: string }
  | { kind: 'plug_nic'; nic: Extract<TimelineAction, { kind: 'plug_nic' }>['nic'] }
  | { kind: 'unplug_nic'; nic: string };

/** Mean and 95 % confidence band of one series across runs (null: no sample in that bucket). */
export interface SeriesBands {
  path: string;
  field: string;
  /** Runs that recorded the series. */
  runs: number;
  t: number[];
  mean: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
}

export interface MeanCiReply {
  n: number;
  mean: number;
  sd: number;
  half: number;
  lo: number;
  hi: number;
}

/** Welch's t-test of B − A on a final value; `statement` says it in one sentence. */
export interface WelchReply {
  test: string;
  difference: number;
  t: number;
  df: number;
  pValue: number;
  ci: [number, number];
  significant: boolean;
  statement: string;
  a: MeanCiReply;
  b: MeanCiReply;
}

/** A point of a sweep: its knob values, runs and every metric's mean and 95 % CI over its complete seeds. */
export interface SweepPointResult {
  index: number;
  values: Record<string, string | number | boolean>;
  /** Seeds finished (complete or failed). */
  done: number;
  failed: number;
  /** The first failure's message (the kernel's refusal of the value, a failed invariant…). */
  error: string | null;
  /** The stored runs of this point, openable like any run. */
  runIds: string[];
  metrics: Record<string, { n: number; mean: number | null; ci95: [number | null, number | null] }>;
}

/** A stored sweep (from the Sweep view or `kernel-lab sweep`) and its results so far. */
export interface SweepResult {
  experimentId: number;
  name: string;
  description: string;
  seeds: number[];
  /** Zero knobs: replications; one: a line with bands; two: a heatmap (rows: the first knob). */
  knobs: { label: string; values: (string | number | boolean)[] }[];
  /** "PATH:FIELD" labels, read at the end of each run. */
  metrics: string[];
  /** Every point in order (the first knob outermost), finished or not. */
  points: SweepPointResult[];
  /** Point × seed runs planned, and finished so far. */
  total: number;
  done: number;
}

export interface SweepListEntry {
  experimentId: number;
  name: string;
  createdAt: string;
  knobs: string[];
  total: number;
  done: number;
}

/** One direction of one fio job: as measured (fio JSON) or as simulated. */
export interface FioDirFigures {
  ios: number;
  bwBytes: number;
  iops: number;
  clatMeanNs: number;
  clatP99Ns: number;
}

/** A flash device model fitted to fio results (src-main/lab/calibrate.ts), and model vs real per job. */
export interface CalibrationReply {
  type: 'ssd' | 'nvme';
  /** The fitted `machine.devices[].params` (read_lat_us, lat_cv, channels, bandwidth_mbps…). */
  params: Record<string, number>;
  /** Each job and direction simulated with the fitted params for `simNs`. */
  jobs: { job: string; dir: 'read' | 'write'; real: FioDirFigures; model: FioDirFigures }[];
  /** What these jobs could not fit, and tails the model cannot reach. */
  notes: string[];
  /** The fitted device as a machine.devices YAML entry (as `kernel-lab calibrate` prints it). */
  entry: string;
  simNs: number;
}

export interface Contract {
  'session/info': { req: Record<string, never>; res: SessionInfo };
  /** Create a new session file (refused if it exists). */
  'session/new': { req: { path: string }; res: SessionInfo };
  /** Open an existing session; a damaged or foreign file is refused and left untouched. */
  'session/open': { req: { path: string }; res: SessionInfo };
  /** Copy the session (untitled or named; none open: an empty one) to a new file anywhere the user may write, and continue in it. */
  'session/saveAs': { req: { path: string }; res: SessionInfo };
  'session/close': { req: Record<string, never>; res: SessionInfo };
  'session/recent': { req: Record<string, never>; res: { paths: string[] } };

  /** Start a run of a resolved scenario (the scenario loader's output). */
  /** paused: start held (subscribe, then run/resume); pace: null = as fast as possible, N = N× real time. */
  'run/start': { req: { scenario: Scenario; name?: string; paused?: boolean; pace?: number | null }; res: RunInfo };
  'run/cancel': { req: { runId: string }; res: RunInfo };
  'run/pause': { req: { runId: string }; res: RunInfo };
  'run/resume': { req: { runId: string }; res: RunInfo };
  /** null = as fast as possible; N = N× real time. */
  'run/pace': { req: { runId: string; pace: number | null }; res: RunInfo };
  /** Apply a live action between chunks; refused writes come back with the kernel's errno. */
  'run/act': { req: { runId: string; action: LiveActionRequest }; res: { atNs: number } };
  'run/list': { req: Record<string, never>; res: { runs: RunInfo[] } };
  /** Replications: one run per seed (queued on the runner), grouped as one experiment; progress comes as onExperimentProgress. */
  'experiment/replicate': { req: { scenario: Scenario; seeds: number[]; name?: string }; res: { experimentId: number; runIds: string[] } };
  /** Cancel the experiment's runs still queued or running; finished ones stay. */
  'experiment/cancel': { req: { experimentId: number }; res: ExperimentProgressEvent };
  /**
   * A sweep (kernel-lab/sweep@1 text) over a scenario file's text: every point ×
   * seed a stored run, on the local runner, or on BullMQ workers when
   * `redisUrl` is given. The same sweep again in the same session resumes it.
   * `files`: other files the scenario names (fio job files), by the path it uses.
   * Progress comes as onExperimentProgress; a bad sweep file is an
   * invalid-request naming FILE:LINE:COL; an unreachable Redis is refused.
   */
  'experiment/sweep': {
    req: { sweep: { text: string; fileName: string }; scenario: { text: string; fileName: string }; files?: Record<string, string>; redisUrl?: string };
    res: { experimentId: number; total: number; resumed: number };
  };
  /** The sweeps stored in the session, oldest first. */
  'experiment/list': { req: Record<string, never>; res: { sweeps: SweepListEntry[] } };
  /** A stored sweep's points with each metric's mean and 95 % CI so far. */
  'experiment/result': { req: { experimentId: number }; res: SweepResult };
  /** Mean and 95 % CI of one series across runs, at most `points` buckets. */
  'query/bands': { req: { runIds: string[]; path: string; field: string; points: number }; res: SeriesBands };
  /** Is B different from A? Welch's t-test on a field of a file at the end of the runs. */
  'stats/welch': { req: { a: string[]; b: string[]; path: string; field: string }; res: WelchReply };
  /**
   * Fork a stored run at time atNs: replay it to atNs, write the changed knob
   * there, and run on, stored as a child of the run. A value the kernel refuses
   * at that point comes back as a kernel error.
   */
  'run/fork': { req: { runId: string; atNs: number; write: { path: string; value: string } }; res: RunInfo };
  'run/get': { req: { runId: string }; res: RunInfo };
  /** Stream onRunBatch/onRunProgress/onRunEvent/onRunStatus for this run to the caller. */
  'run/subscribe': { req: { runId: string }; res: { subscribed: true } };
  'run/unsubscribe': { req: { runId: string }; res: { subscribed: false } };

  'query/series': { req: { runId: string }; res: { sampleIntervalNs: number; series: SeriesMeta[] } };
  /** Window [t0Ns, t1Ns] of some series, each reduced to at most `points` points. */
  'query/window': {
    req: { runId: string; seriesIds: number[]; t0Ns: number; t1Ns: number; points: number; method: ReduceMethod };
    res: { series: SeriesPoints[] };
  };
  /** A virtual file's text at time atNs, by replaying the run's scenario and timeline. */
  'query/file': { req: { runId: string; path: string; atNs: number }; res: { path: string; atNs: number; text: string } };
  /** Every readable virtual file path at time atNs (replay). */
  'query/files': { req: { runId: string; atNs: number }; res: { paths: string[] } };
  'query/events': {
    req: { runId: string; kinds?: string[]; t0Ns?: number; t1Ns?: number; text?: string; offset?: number; limit?: number };
    res: { total: number; events: EventEntry[] };
  };
  /** The run's timeline: scenario actions and live actions, in order applied. */
  'query/timeline': { req: { runId: string }; res: { actions: TimelineAction[] } };

  'export/series': {
    req: { runId: string; seriesIds: number[]; format: 'csv' | 'json' };
    res: { filename: string; mime: string; text: string };
  };
  /** The run's scenario with its live actions folded into the timeline, ready to edit and rerun. */
  'export/scenario': { req: { runId: string; format: 'yaml' | 'json' }; res: { filename: string; mime: string; text: string } };
  /** The summary in the CLI's JSON format (kernel-lab/summary@1). */
  'export/summary': { req: { runId: string }; res: { filename: string; mime: string; text: string } };
  /** A Chrome JSON trace of the run (ui.perfetto.dev, chrome://tracing), by replaying it with the simulator's trace on. */
  'export/trace': { req: { runId: string }; res: { filename: string; mime: string; text: string } };
  /** A bash script that reproduces the run on a real Linux machine and samples the same files into a CSV. */
  'export/script': { req: { runId: string }; res: { filename: string; mime: string; text: string } };
  /** Load such a CSV as a finished run beside simulated run `runId` (default: the latest run of the scenario it names). */
  'import/real': { req: { text: string; fileName: string; runId?: string }; res: RunInfo };
  /** Fit the flash model (ssd, nvme) to fio --output-format=json results; type defaults as the CLI's (nvme when every job names /dev/nvme*). */
  'device/calibrate': { req: { files: { name: string; text: string }[]; type?: 'ssd' | 'nvme'; device?: string }; res: CalibrationReply };
}

export type Channel = keyof Contract;
export type Req<C extends Channel> = Contract[C]['req'];
export type Res<C extends Channel> = Contract[C]['res'];

/** Display batch: everything new since the last one, downsampled; ≤ 20 per second per run. */
export interface RunBatchEvent {
  runId: string;
  /** 0, 1, 2… per run and subscriber; a gap means a lost batch. */
  seq: number;
  simNs: number;
  series: {
    id: number;
    path: string;
    field: string;
    /** Sample indices [from, to) this batch covers; batch k+1 starts where batch k ended. */
    from: number;
    to: number;
    t: number[];
    v: (number | null)[];
  }[];
}

export interface RunProgressEvent {
  runId: string;
  simNs: number;
  durationNs: number;
  eventsPerSec: number;
}

export interface RunEventsEvent {
  runId: string;
  events: EventEntry[];
}

export interface RunStatusEvent {
  run: RunInfo;
}

/** A native menu item the renderer carries out (Electron only: File › Export…, Help › About…). */
export interface MenuCommandEvent {
  command: 'export' | 'about' | 'shortcuts';
}

/** Runs done / total of an experiment, and the ETA from its pace so far. */
export interface ExperimentProgressEvent {
  experimentId: number;
  done: number;
  total: number;
  failed: number;
  etaMs: number | null;
  finished: boolean;
  /** Why a sweep stopped early (Redis lost mid-sweep…); the points done so far stay stored. */
  error?: string | null;
}

export interface Events {
  onRunBatch: RunBatchEvent;
  onRunProgress: RunProgressEvent;
  onRunEvents: RunEventsEvent;
  onRunStatus: RunStatusEvent;
  onSessionChanged: SessionInfo;
  onExperimentProgress: ExperimentProgressEvent;
  onMenuCommand: MenuCommandEvent;
}

export type EventName = keyof Events;

/** Error reply: `code` says whose fault it was. */
export interface ErrorReply {
  code: 'invalid-request' | 'unknown-channel' | 'not-found' | 'refused' | 'kernel-error' | 'internal';
  message: string;
}

/** The wire messages of browser mode (JSON over the WebSocket). */
export type ClientMessage = { id: number; channel: string; payload: unknown };
export type ServerMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ErrorReply }
  | { event: EventName; data: unknown };
