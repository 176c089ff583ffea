import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Scenario } from '../../src-sim/scenario/types';
import { checkResolvedScenario } from '../../src-sim/scenario/load';
import { formatIssue, formatPath } from '../../src-sim/scenario/errors';
import { deviceIssues } from '../../src-sim/scenario/device-check';
import { KernelError } from '../../src-sim/vfs/errors';
import type {
  EventEntry,
  EventName,
  ExperimentProgressEvent,
  SeriesBands,
  WelchReply,
  Events,
  LiveActionRequest,
  ReduceMethod,
  RunInfo,
  SeriesMeta,
  SeriesPoints,
  SessionInfo,
} from '../ipc/contract';
import type { RunResult } from '../sim-host/pool';
import type { TimelineAction } from '../../src-sim/scenario/types';
import { configDir } from './config-dir';
import { DISPLAY_PERIOD_MS } from './display-stream';
import { LabError, notFound, refused } from './errors';
import { chromeTraceFile } from './chrome-trace';
import { isRealSummary, parseRealCsv, RealImportError, storeRealRun } from './real-import';
import { reproScriptFile } from './repro-script';
import { scenarioFile, seriesCsv, seriesJson, slug, type ExportFile } from './exports';
import { LiveRun } from './live-run';
import type { Runner, SessionStore, StoreFactory, StoredRun } from './ports';
import { RecentList } from './recent';
import { reduce } from './downsample';
import { Replayer } from './replay';
import { SessionPaths } from './session-paths';
import { assertCanCreate } from '../store/writable-folder';
import { sqliteStores } from './store-adapter';
import { buildSummary } from '../cli/summary';
import { forkName, forkScenario, type ForkChange } from '../experiments/fork';
import { progressOf, seriesBands, welchFinal, type TrackedExperiment } from './experiments';
import { listSweeps, planClientSweep, startSweep, sweepResult, type ActiveSweep, type RunEnd } from './sweeps';
import type { Req, SweepListEntry, SweepResult } from '../ipc/contract';
import type { Session } from '../store/session';
import { getExperiment } from '../store/experiments';

export interface LabServiceOptions {
  /** Where runs execute: a sim-host WorkerPool (default in hosts) or a LocalRunner. */
  runner: Runner;
  stores?: StoreFactory;
  /** Per-user state (recent list, untitled sessions); default configDir(). */
  configDir?: string;
  /** Where a relative session path from a client resolves; default cwd. Absolute paths may be anywhere the user may write. */
  defaultFolder?: string;
}

/** One client of the service (a window, a browser tab, a test): receives its subscribed streams. */
export class LabConnection {
  /** runId → next display batch sequence number for this client. */
  readonly subscriptions = new Map<string, number>();
  closed = false;

  constructor(
    readonly id: number,
    readonly emit: <E extends EventName>(event: E, data: Events[E]) => void,
  ) {}
}

/**
 * The lab service: one per process, shared by every window and browser tab.
 * Owns the open session, the runs in flight and the display streams; every
 * decision the hosts (Electron, browser mode, CLI) would otherwise make lives
 * here, where it is tested.
 */
export class LabService {
  private store: SessionStore | null = null;
  private readonly live = new Map<string, LiveRun>();
  private readonly connections = new Set<LabConnection>();
  private nextConnection = 1;
  private readonly runner: Runner;
  private readonly stores: StoreFactory;
  readonly recent: RecentList;
  readonly paths: SessionPaths;
  private readonly untitledDir: string;
  private readonly replayer = new Replayer();
  private readonly inputs = new Map<string, NonNullable<ReturnType<SessionStore['runInputs']>>>();
  private readonly catalogues = new Map<string, SeriesMeta[]>();
  private savedAt: number | null = null;
  private readonly experiments = new Map<number, TrackedExperiment>();
  private readonly sweeps = new Map<number, ActiveSweep>();
  /** runId → who waits for its end (a sweep's lane). */
  private readonly endWaiters = new Map<string, (e: RunEnd) => void>();
  private timer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(opts: LabServiceOptions) {
    this.runner = opts.runner;
    this.stores = opts.stores ?? sqliteStores;
    const dir = opts.configDir ?? configDir();
    this.recent = new RecentList(dir);
    this.untitledDir = join(dir, 'untitled');
    this.paths = new SessionPaths(opts.defaultFolder ?? process.cwd());
  }

  // ---- connections -------------------------------------------------------

  connect(emit: LabConnection['emit']): LabConnection {
    const c = new LabConnection(this.nextConnection++, emit);
    this.connections.add(c);
    return c;
  }

  disconnect(c: LabConnection): void {
    c.closed = true;
    c.subscriptions.clear();
    this.connections.delete(c);
  }

  private broadcast<E extends EventName>(event: E, data: Events[E]): void {
    for (const c of this.connections) c.emit(event, data);
  }

  // ---- sessions ----------------------------------------------------------

  /** Recent sessions that still exist (a moved or deleted file drops out of File › Open Recent). */
  recentSessions(): string[] {
    return this.recent.list().filter((p) => existsSync(p));
  }

  sessionInfo(): SessionInfo {
    const path = this.store?.path ?? null;
    return { path, untitled: path === null || this.isUntitled(path), runCount: this.store ? this.store.listRuns().length : 0, savedAt: this.savedAt };
  }

  /** The session made for runs started with none open (storeForRun): it has no name the user chose yet. */
  private isUntitled(path: string): boolean {
    return dirname(path) === this.untitledDir && basename(path).startsWith('untitled-');
  }

  /**
   * `replace`: the user confirmed overwriting (save dialog): the old file and its
   * WAL/SHM companions go first, so no stale WAL is replayed into the new session.
   */
  async newSession(path: string, opts: { replace?: boolean } = {}): Promise<SessionInfo> {
    const abs = this.paths.resolve(path);
    if (opts.replace && existsSync(abs)) {
      if (abs === this.store?.path) throw refused('that session is open; close it before replacing it');
      for (const f of [abs, `${abs}-wal`, `${abs}-shm`]) rmSync(f, { force: true });
    }
    await this.switchTo(() => this.stores.create(abs));
    this.recent.add(abs);
    return this.changed();
  }

  async openSession(path: string): Promise<SessionInfo> {
    const abs = this.paths.resolve(path);
    // Open first: a damaged or foreign file is refused while the current session stays open.
    const next = this.stores.open(abs);
    await this.switchTo(() => next);
    this.recent.add(abs);
    return this.changed();
  }

  /**
   * Save As, as an editor does: the session (untitled or named) is copied to
   * `path` (VACUUM INTO: a consistent copy, WAL content included) and the
   * service continues in the copy. With no session open yet, an empty session
   * is written there. The copy is made and opened before anything is
   * switched or removed: a refused path, a full disk or a write error leave
   * the open session exactly as it was, and remove the partial copy. An
   * untitled session's file is removed once its copy is open (its runs live on
   * in the copy). `replace`: the user confirmed overwriting (desktop dialog).
   */
  async saveSessionAs(path: string, opts: { replace?: boolean } = {}): Promise<SessionInfo> {
    const abs = this.paths.resolve(path);
    const store = this.store;
    if (!store) return this.newSession(path, opts);
    if (this.live.size) throw refused('runs are in progress; wait for them to finish or cancel them before "Save As"');
    if (abs === store.path) throw refused('that is the file already open');
    if (existsSync(abs)) {
      if (!opts.replace) throw refused(`${abs} already exists`);
      for (const f of [abs, `${abs}-wal`, `${abs}-shm`]) rmSync(f, { force: true });
    }
    try {
      assertCanCreate(abs);
    } catch (e) {
      throw refused(`cannot save the session as ${(e as Error).message}; ${store.path} is still open, unchanged`);
    }
    try {
      store.copyTo(abs);
    } catch (e) {
      for (const f of [abs, `${abs}-journal`]) rmSync(f, { force: true });
      throw refused(`cannot save the session as ${abs}: ${copyFailure(e)}; nothing was written there, ${store.path} is still open, unchanged`);
    }
    const next = this.stores.open(abs);
    const wasUntitled = this.isUntitled(store.path);
    const old = store.path;
    await this.switchTo(() => next);
    if (wasUntitled) for (const f of [old, `${old}-wal`, `${old}-shm`]) rmSync(f, { force: true });
    this.recent.add(abs);
    return this.changed();
  }

  async closeSession(): Promise<SessionInfo> {
    await this.switchTo(() => null);
    return this.changed();
  }

  private changed(): SessionInfo {
    const info = this.sessionInfo();
    this.broadcast('onSessionChanged', info);
    return info;
  }

  /** Cancel the current session's runs, wait for their last writes, close it, then take `next`. */
  private async switchTo(next: () => SessionStore | null): Promise<void> {
    // Sweeps first: they would start their next points in the session being closed.
    const sweeps = [...this.sweeps.values()];
    for (const w of sweeps) w.controller.abort();
    const ending = [...this.live.values()];
    for (const r of ending) r.handle.cancel();
    await Promise.allSettled([...ending.map((r) => r.handle.done), ...sweeps.map((w) => w.done)]);
    // Let the done handlers (which write to the old store) run.
    await new Promise<void>((r) => setImmediate(r));
    this.flushDisplays();
    this.replayer.clear();
    this.inputs.clear();
    this.catalogues.clear();
    const old = this.store;
    this.store = null;
    old?.close();
    this.store = next();
    this.savedAt = null;
  }

  private requireStore(): SessionStore {
    if (!this.store) throw refused('no session is open');
    return this.store;
  }

  /** The open session, or a new untitled one in the config dir (runs always land in a file). */
  private storeForRun(): SessionStore {
    if (this.store) return this.store;
    mkdirSync(this.untitledDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.store = this.stores.create(join(this.untitledDir, `untitled-${stamp}-${process.pid}.klab`));
    this.broadcast('onSessionChanged', this.sessionInfo());
    return this.store;
  }

  // ---- runs --------------------------------------------------------------

  /** A fork of a stored run (experiments/fork.ts): its scenario replays the parent to atNs, then writes the change. */
  forkRun(runId: string, atNs: number, write: ForkChange): RunInfo {
    const { scenario, live } = this.intervalOf(runId);
    const parent = this.getRun(runId);
    if (parent.status !== 'complete') throw refused(`run ${runId} is ${parent.status}; fork a complete run`);
    if (atNs > scenario.durationNs) throw refused(`t=${atNs} ns is after the end of run ${runId} (${scenario.durationNs} ns)`);
    const child = forkScenario(scenario, live, atNs, write);
    const issues = checkResolvedScenario(child);
    if (issues.length) throw new LabError('kernel-error', issues.map((i) => i.message).join('\n'));
    return this.startRun(child, forkName(parent.name, runId, `${atNs / 1e9}s`, write), { parent: { runId, atNs } });
  }

  /** Replications: one run per seed, queued on the runner; progress to every client as each ends. */
  replicate(scenario: Scenario, seeds: number[], name?: string): { experimentId: number; runIds: string[] } {
    if (new Set(seeds).size !== seeds.length) throw new LabError('invalid-request', 'seeds: expected each seed once');
    const store = this.storeForRun();
    const base = name ?? scenario.name;
    const id = store.createExperiment('replications', `${base} × ${seeds.length} seeds`, `service:${Date.now()}:${process.pid}`, { scenario: scenario.name, seeds });
    const e: TrackedExperiment = { id, runIds: new Map(), total: seeds.length, done: 0, failed: 0, started: performance.now(), cancelled: false };
    this.experiments.set(id, e);
    for (const seed of seeds) {
      const info = this.startRun({ ...scenario, seed }, `${base} seed ${seed}`);
      e.runIds.set(info.id, seed);
    }
    this.broadcast('onExperimentProgress', progressOf(e));
    return { experimentId: id, runIds: [...e.runIds.keys()] };
  }

  /** A sweep file over a scenario file (see sweeps.ts); resolves once its points are queued. */
  async sweep(req: Req<'experiment/sweep'>): Promise<{ experimentId: number; total: number; resumed: number }> {
    if (this.closing) throw refused('the service is shutting down');
    const plan = planClientSweep(req);
    const session = this.sessionOf(this.storeForRun());
    const running = [...this.sweeps.values()].find((w) => findIdentity(session, w.experimentId) === plan.identity);
    if (running) throw refused(`that sweep is already running (experiment ${running.experimentId})`);
    const r = await startSweep(plan, {
      session,
      host: {
        startRun: (scenario, name) => this.startRun(scenario, name),
        runEnded: (runId) => new Promise<RunEnd>((resolve) => this.endWaiters.set(runId, resolve)),
        cancelRun: (runId) => this.live.get(runId)?.handle.cancel(),
      },
      lanes: this.runner.size ?? 1,
      redisUrl: req.redisUrl,
      onProgress: (experimentId, p) => this.broadcast('onExperimentProgress', { experimentId, ...p }),
    });
    this.sweeps.set(r.sweep.experimentId, r.sweep);
    void r.sweep.done.finally(() => this.sweeps.delete(r.sweep.experimentId));
    return { experimentId: r.sweep.experimentId, total: r.total, resumed: r.resumed };
  }

  listSweeps(): SweepListEntry[] {
    return this.store ? listSweeps(this.sessionOf(this.store)) : [];
  }

  sweepResult(experimentId: number): SweepResult {
    return sweepResult(this.sessionOf(this.requireStore()), experimentId);
  }

  private sessionOf(store: SessionStore): Session {
    if (!store.session) throw refused(`${store.path}: this session store cannot hold sweeps`);
    return store.session;
  }

  cancelExperiment(experimentId: number): ExperimentProgressEvent {
    const w = this.sweeps.get(experimentId);
    if (w) {
      w.controller.abort();
      const res = this.sweepResult(experimentId);
      return { experimentId, done: res.done, total: res.total, failed: res.points.reduce((a, p) => a + p.failed, 0), etaMs: null, finished: false };
    }
    const e = this.experiments.get(experimentId);
    if (!e) throw notFound(`no experiment ${experimentId} in progress`);
    e.cancelled = true;
    for (const runId of e.runIds.keys()) {
      const r = this.live.get(runId);
      if (r && !r.ended) r.handle.cancel();
    }
    return progressOf(e);
  }

  bands(runIds: string[], path: string, field: string, points: number): SeriesBands {
    const store = this.requireStore();
    const interval = this.intervalOf(runIds[0]!).scenario.sampleIntervalNs;
    return seriesBands(store, runIds, path, field, points, interval);
  }

  welch(a: string[], b: string[], path: string, field: string): WelchReply {
    return welchFinal(this.requireStore(), a, b, path, field);
  }

  /** A run of an experiment ended: record its point and tell the clients. */
  private experimentRunEnded(store: SessionStore, runId: string, status: string, error: string | null): void {
    for (const e of this.experiments.values()) {
      const seed = e.runIds.get(runId);
      if (seed === undefined) continue;
      e.done++;
      if (status === 'complete' || status === 'failed') {
        if (status === 'failed') e.failed++;
        try {
          store.recordPoint(e.id, { point: 0, seed, runId, status, error });
        } catch {
          // The session went away under the run; the run row says what happened.
        }
      }
      this.broadcast('onExperimentProgress', progressOf(e));
      if (e.done === e.total) this.experiments.delete(e.id);
    }
  }

  startRun(scenario: Scenario, name?: string, opts: { paused?: boolean; pace?: number | null; parent?: { runId: string; atNs: number } } = {}): RunInfo {
    if (this.closing) throw refused('the service is shutting down');
    // Cross-field and kernel checks (unknown devices, refused writes at boot…) before a worker is spent on it.
    let issues: ReturnType<typeof checkResolvedScenario>;
    try {
      issues = checkResolvedScenario(scenario);
    } catch (e) {
      throw new LabError('invalid-request', `scenario "${scenario.name}" cannot start: ${(e as Error).message}`);
    }
    if (issues.length) throw new LabError('invalid-request', `scenario "${scenario.name}" is not valid:\n${issues.map(formatIssue).join('\n')}`);
    const store = this.storeForRun();
    const runName = name ?? scenario.name;
    const id = store.createRun(runName, scenario, opts.parent);
    let handle: ReturnType<Runner['start']>;
    try {
      handle = this.runner.start(scenario, { paused: opts.paused ?? false, pace: opts.pace ?? null, preview: true });
    } catch (e) {
      // No worker to run it (the runner is shutting down): the row says so instead of reading as incomplete.
      store.finishRun(id, { status: 'failed', error: (e as Error).message, simNs: 0, wallMs: 0, events: 0, liveActions: [], summary: null });
      throw refused(`run ${id} could not start: ${(e as Error).message}`);
    }
    const run = new LiveRun(id, runName, scenario, handle, opts.parent ?? null);
    run.pace = opts.pace ?? null;
    this.live.set(id, run);
    handle.onProgress((p) => {
      if (run.ended) return;
      run.simNs = p.simNs;
      run.eventsPerSec = p.eventsPerSec;
      // Leaving the queue; later changes come from pause/resume, not from (possibly stale) progress.
      if (run.status === 'queued') {
        run.status = p.state === 'paused' ? 'paused' : 'running';
        this.broadcast('onRunStatus', { run: run.info() });
      }
      run.display.setProgress({ runId: id, simNs: p.simNs, durationNs: p.durationNs, eventsPerSec: p.eventsPerSec });
    });
    handle.onBatch((b) => {
      if (run.ended) return;
      // Display previews show the first samples at once; the store waits for whole batches.
      if (b.preview) return run.display.addBatch(b);
      try {
        store.appendBatch(id, b);
        this.savedAt = Date.now();
      } catch (e) {
        this.storeFailed(run, e);
        return;
      }
      run.display.addBatch(b);
    });
    handle.onLog((entries) => {
      if (run.ended) return;
      try {
        store.appendEvents(id, entries);
      } catch (e) {
        this.storeFailed(run, e);
        return;
      }
      run.display.addEvents(run.toEntries(entries));
    });
    void handle.done.then((r) => this.finished(store, run, r));
    this.ensureTimer();
    const info = run.info();
    this.broadcast('onRunStatus', { run: info });
    return info;
  }

  private storeFailed(run: LiveRun, e: unknown): void {
    run.handle.cancel();
    run.ended = { ...run.info(), status: 'failed', error: `session file write failed: ${(e as Error).message}`, finishedAt: Date.now() };
  }

  private finished(store: SessionStore, run: LiveRun, r: RunResult): void {
    const simNs = r.status === 'failed' ? run.simNs : r.simulatedNs;
    const storeError = run.ended?.error ?? null;
    const status = storeError ? 'failed' : r.status;
    const error = storeError ?? (r.status === 'failed' ? r.error : null);
    let summary: unknown = null;
    try {
      // The CLI's kernel-lab/summary@1, with the run's whole log as stored. A failed run has no end state to summarise.
      if (r.status !== 'failed') summary = buildSummary(run.scenario, r, store.events(run.id, { offset: 0, limit: -1 }).events.map((e) => e.entry));
    } catch {
      summary = null;
    }
    try {
      store.finishRun(run.id, {
        status,
        error,
        simNs,
        wallMs: r.status === 'failed' ? 0 : r.wallMs,
        events: r.status === 'failed' ? 0 : r.events,
        liveActions: r.status === 'failed' ? run.liveActions : r.liveActions,
        summary,
      });
      this.savedAt = Date.now();
    } catch {
      // The session was closed under the run (or the disk failed): the row stays 'running' and reads as incomplete.
    }
    run.simNs = simNs;
    run.ended = { ...run.info(), status, error, simNs, finishedAt: Date.now() };
    this.experimentRunEnded(store, run.id, status, error);
    const waiter = this.endWaiters.get(run.id);
    this.endWaiters.delete(run.id);
    waiter?.({ status, error, summary });
    this.ensureTimer();
  }

  private live_(runId: string): LiveRun {
    const r = this.live.get(runId);
    if (!r || r.ended) throw refused(`run ${runId} is not in progress`);
    return r;
  }

  cancelRun(runId: string): RunInfo {
    const r = this.live_(runId);
    r.handle.cancel();
    return r.info();
  }

  pauseRun(runId: string): RunInfo {
    const r = this.live_(runId);
    r.handle.control({ type: 'pause' });
    r.status = 'paused';
    this.broadcast('onRunStatus', { run: r.info() });
    return r.info();
  }

  resumeRun(runId: string): RunInfo {
    const r = this.live_(runId);
    r.handle.control({ type: 'resume' });
    if (r.status === 'paused') r.status = 'running';
    this.broadcast('onRunStatus', { run: r.info() });
    return r.info();
  }

  paceRun(runId: string, pace: number | null): RunInfo {
    const r = this.live_(runId);
    r.handle.control({ type: 'pace', pace });
    r.pace = pace;
    this.broadcast('onRunStatus', { run: r.info() });
    return r.info();
  }

  /** Apply a live action between chunks; it joins the run's timeline. */
  async act(runId: string, action: LiveActionRequest): Promise<{ atNs: number }> {
    const r = this.live_(runId);
    // The block layer treats a plug of a present disk or an unplug of an absent one as a broken invariant
    // (the whole run would fail): refuse those here, where it is only a mistake in the request.
    if (action.kind === 'plug' || action.kind === 'unplug') {
      const disks = r.presentDisks();
      const list = [...disks.keys()].join(', ') || 'none';
      if (action.kind === 'unplug' && !disks.has(action.device)) throw refused(`no disk named "${action.device}" is plugged in (present: ${list})`);
      if (action.kind === 'plug') {
        // The same device checks as a scenario's plug (params, bad sectors, partitions): a refused plug leaves the run going.
        const bad = deviceIssues(action.device, ['device'], r.scenario.machine.cpus);
        if (bad.length) throw new LabError('invalid-request', `plug refused: ${bad.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}`);
        const devt = `${action.device.major}:${action.device.minor}`;
        if (disks.has(action.device.name)) throw refused(`a disk named "${action.device.name}" is already plugged in`);
        const clash = [...disks].find(([, d]) => d === devt);
        if (clash) throw refused(`device number ${devt} is already used by ${clash[0]}`);
      }
    }
    const reply = await r.handle.act(action);
    if (!reply.ok) throw new LabError('kernel-error', reply.error);
    r.liveActions.push(reply.action);
    return { atNs: reply.action.atNs };
  }

  listRuns(): RunInfo[] {
    if (!this.store) return [];
    return this.store
      .listRuns()
      .map((s) => this.runInfo(s))
      .reverse();
  }

  getRun(runId: string): RunInfo {
    const s = this.store?.getRun(runId);
    if (!s) throw notFound(`no run ${runId} in this session`);
    return this.runInfo(s);
  }

  /** A finished run's scenario and live actions never change: parsed once per session (run/list of 100 runs stays cheap). */
  private inputsOf(runId: string, status: StoredRun['status']): ReturnType<SessionStore['runInputs']> {
    const cached = this.inputs.get(runId);
    if (cached) return cached;
    const inputs = this.store?.runInputs(runId);
    if (inputs && status !== 'running') this.inputs.set(runId, inputs);
    return inputs;
  }

  private runInfo(s: StoredRun): RunInfo {
    const live = this.live.get(s.id);
    if (live && !live.ended) return live.info();
    const inputs = this.inputsOf(s.id, s.status);
    return {
      id: s.id,
      name: s.name,
      status: s.status,
      seed: s.seed,
      durationNs: inputs?.scenario.durationNs ?? 0,
      sampleIntervalNs: inputs?.scenario.sampleIntervalNs ?? 0,
      simNs: s.simNs,
      eventsPerSec: s.wallMs > 0 ? (s.events * 1000) / s.wallMs : 0,
      pace: null,
      createdAt: s.createdAt,
      finishedAt: s.finishedAt,
      error: s.error,
      parentId: s.parentId,
      forkAtNs: s.forkAtNs,
    };
  }

  subscribe(c: LabConnection, runId: string): void {
    this.getRun(runId);
    if (!c.subscriptions.has(runId)) c.subscriptions.set(runId, 0);
  }

  unsubscribe(c: LabConnection, runId: string): void {
    c.subscriptions.delete(runId);
  }

  // ---- display streaming -------------------------------------------------

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.flushDisplays(), DISPLAY_PERIOD_MS);
  }

  /** One display tick: at most one batch, one progress and one events message per run and subscriber. */
  private flushDisplays(): void {
    for (const run of [...this.live.values()]) {
      const subs = [...this.connections].filter((c) => c.subscriptions.has(run.id));
      run.display.flush({
        batch: (ev) => {
          for (const c of subs) {
            const seq = c.subscriptions.get(run.id)!;
            c.subscriptions.set(run.id, seq + 1);
            c.emit('onRunBatch', { ...ev, seq });
          }
        },
        progress: (ev) => {
          for (const c of subs) c.emit('onRunProgress', ev);
        },
        events: (events: EventEntry[]) => {
          for (const c of subs) c.emit('onRunEvents', { runId: run.id, events });
        },
      });
      if (run.ended) {
        this.live.delete(run.id);
        this.broadcast('onRunStatus', { run: run.ended });
      }
    }
    if (this.live.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  // ---- queries -----------------------------------------------------------

  private intervalOf(runId: string): { store: SessionStore; scenario: Scenario; live: readonly TimelineAction[] } {
    const store = this.requireStore();
    const live = this.live.get(runId);
    if (live) return { store, scenario: live.scenario, live: live.liveActions };
    const inputs = this.inputsOf(runId, store.getRun(runId)?.status ?? 'running');
    if (!inputs) throw notFound(`no run ${runId} in this session`);
    return { store, scenario: inputs.scenario, live: inputs.liveActions };
  }

  /** A finished run's catalogue never changes: read once per session (every zoom asks for it). */
  private catalogueOf(store: SessionStore, runId: string): SeriesMeta[] {
    const cached = this.catalogues.get(runId);
    if (cached) return cached;
    const cat = store.seriesCatalogue(runId);
    if (!this.live.has(runId) && store.getRun(runId)?.status !== 'running') this.catalogues.set(runId, cat);
    return cat;
  }

  seriesCatalogue(runId: string): { sampleIntervalNs: number; series: SeriesMeta[] } {
    const { store, scenario } = this.intervalOf(runId);
    return { sampleIntervalNs: scenario.sampleIntervalNs, series: this.catalogueOf(store, runId) };
  }

  window(runId: string, seriesIds: number[], t0Ns: number, t1Ns: number, points: number, method: ReduceMethod): SeriesPoints[] {
    const { store, scenario } = this.intervalOf(runId);
    const dt = scenario.sampleIntervalNs;
    const catalogue = new Map(this.catalogueOf(store, runId).map((s) => [s.id, s]));
    return seriesIds.map((id) => {
      const s = catalogue.get(id);
      if (!s) throw notFound(`run ${runId} has no series ${id}`);
      const i0 = Math.max(s.startIndex, Math.ceil(t0Ns / dt));
      const i1 = Math.min(s.startIndex + s.samples, Math.floor(t1Ns / dt) + 1);
      if (i1 <= i0) return { id, t: [], v: [] };
      const r = reduce(method, store.readSeries(runId, id, i0, i1), i0, dt, points);
      return { id, t: r.t, v: r.v };
    });
  }

  async fileAt(runId: string, path: string, atNs: number): Promise<string> {
    const { scenario, live } = this.intervalOf(runId);
    this.checkReached(runId, atNs);
    try {
      return await this.replayer.read(runId, scenario, live, atNs, (sim) => sim.kernel.vfs.read(path));
    } catch (e) {
      if (e instanceof KernelError) throw new LabError('kernel-error', e.message);
      throw new LabError('refused', `replay of run ${runId} failed: ${(e as Error).message}`);
    }
  }

  async filesAt(runId: string, atNs: number): Promise<string[]> {
    const { scenario, live } = this.intervalOf(runId);
    this.checkReached(runId, atNs);
    return this.replayer.read(runId, scenario, live, atNs, (sim) => sim.kernel.vfs.list().filter((p) => sim.kernel.vfs.get(p)?.read));
  }

  private checkReached(runId: string, atNs: number): void {
    this.refuseReal(this.requireStore(), runId, 'its files at a time T cannot be replayed (its series are stored)');
    const info = this.getRun(runId);
    const reached = info.status === 'complete' ? info.durationNs : info.simNs;
    if (atNs > reached) throw refused(`run ${runId} has reached t=${reached} ns; t=${atNs} ns was not simulated`);
  }

  events(
    runId: string,
    q: { kinds?: string[]; t0Ns?: number; t1Ns?: number; text?: string; offset?: number; limit?: number },
  ): { total: number; events: EventEntry[] } {
    const { store } = this.intervalOf(runId);
    const r = store.events(runId, { ...q, offset: q.offset ?? 0, limit: q.limit ?? 1000 });
    return {
      total: r.total,
      events: r.events.map(({ seq, entry }) => {
        const { t_ns, kind, ...fields } = entry;
        return { seq, t_ns, kind, fields };
      }),
    };
  }

  timeline(runId: string): TimelineAction[] {
    const { scenario, live } = this.intervalOf(runId);
    return [...scenario.timeline, ...live].sort((a, b) => a.atNs - b.atNs);
  }

  // ---- exports -----------------------------------------------------------

  exportSeries(runId: string, seriesIds: number[], format: 'csv' | 'json'): ExportFile {
    const { store, scenario } = this.intervalOf(runId);
    const catalogue = new Map(this.catalogueOf(store, runId).map((s) => [s.id, s]));
    const series = seriesIds.map((id) => {
      const s = catalogue.get(id);
      if (!s) throw notFound(`run ${runId} has no series ${id}`);
      return { path: s.path, field: s.field, startIndex: s.startIndex, values: store.readSeries(runId, id, s.startIndex, s.startIndex + s.samples) };
    });
    const base = `${slug(scenario.name)}-run${runId}-series`;
    return format === 'csv' ? seriesCsv(base, scenario.sampleIntervalNs, series) : seriesJson(base, runId, scenario.sampleIntervalNs, series);
  }

  exportScenario(runId: string, format: 'yaml' | 'json'): ExportFile {
    const { scenario, live } = this.intervalOf(runId);
    return scenarioFile(`${slug(scenario.name)}-run${runId}`, scenario, live, format);
  }

  /** Chrome JSON trace of a finished run (replayed with tracing on: about the run's own simulation time). */
  exportTrace(runId: string): ExportFile {
    const { store, scenario, live } = this.intervalOf(runId);
    if (this.live.has(runId)) throw refused(`run ${runId} is still running: export its trace when it has finished`);
    this.refuseReal(store, runId, 'a trace replays the simulation');
    const series = this.catalogueOf(store, runId).map((s) => ({
      path: s.path,
      field: s.field,
      startIndex: s.startIndex,
      values: store.readSeries(runId, s.id, s.startIndex, s.startIndex + s.samples),
    }));
    return chromeTraceFile(`${slug(scenario.name)}-run${runId}`, { scenario, live, series, intervalNs: scenario.sampleIntervalNs, runLabel: `run ${runId}`, untilNs: store.getRun(runId)?.simNs });
  }

  exportScript(runId: string): ExportFile {
    const { store, scenario, live } = this.intervalOf(runId);
    this.refuseReal(store, runId, 'a script reproduces a simulated run');
    return reproScriptFile(`${slug(scenario.name)}-run${runId}`, { scenario, live, runLabel: `run ${runId}` });
  }

  /** A reproduction script's CSV as a finished run beside the simulated one. */
  importReal(text: string, fileName: string, runId?: string): RunInfo {
    const store = this.requireStore();
    let samples;
    try {
      samples = parseRealCsv(text, fileName);
    } catch (e) {
      if (e instanceof RealImportError) throw new LabError('invalid-request', e.message);
      throw e;
    }
    const simulated = store.listRuns().filter((r) => r.status !== 'running' && !isRealSummary(store.summary(r.id)));
    const source = runId !== undefined ? simulated.find((r) => r.id === runId) : [...simulated].reverse().find((r) => store.runInputs(r.id)?.scenario.name === samples.scenario);
    if (!source) {
      throw notFound(runId !== undefined ? `no finished simulated run ${runId} in this session` : `no simulated run of scenario "${samples.scenario}" (named in ${fileName}) in this session`);
    }
    const scenario = store.runInputs(source.id)!.scenario;
    const id = storeRealRun(store, samples, scenario, `real: ${samples.host || 'machine'} ${samples.kernel}`.trim(), fileName);
    const info = this.getRun(id);
    this.broadcast('onRunStatus', { run: info });
    return info;
  }

  private refuseReal(store: SessionStore, runId: string, why: string): void {
    if (isRealSummary(store.summary(runId))) throw refused(`run ${runId} was measured on a real machine (import-real): ${why}`);
  }

  exportSummary(runId: string): ExportFile {
    const { store, scenario } = this.intervalOf(runId);
    const summary = store.summary(runId);
    if (summary === null) throw refused(`run ${runId} has no summary: it is still running, failed, or was interrupted`);
    return { filename: `${slug(scenario.name)}-run${runId}.summary.json`, mime: 'application/json', text: `${JSON.stringify(summary, null, 2)}\n` };
  }

  // ---- lifecycle ---------------------------------------------------------

  /** Cancel runs, write their ends, close the session. The runner is the caller's to close. */
  async close(): Promise<void> {
    this.closing = true;
    await this.switchTo(() => null);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const c of [...this.connections]) this.disconnect(c);
  }
}

function findIdentity(session: Session, experimentId: number): string | undefined {
  return getExperiment(session, experimentId)?.identity;
}

/** Why VACUUM INTO failed, in words: SQLite's result code names a full disk or a write error. */
function copyFailure(e: unknown): string {
  const code = (e as { code?: string }).code ?? '';
  if (code === 'SQLITE_FULL') return 'the disk is full (SQLITE_FULL)';
  if (code.startsWith('SQLITE_IOERR')) return `write error (${code}; a full disk or a file size limit)`;
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') return `cannot write the file (${code})`;
  return `${(e as Error).message}${code ? ` (${code})` : ''}`;
}
