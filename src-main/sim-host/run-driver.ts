import { performance } from 'node:perf_hooks';
import type { TimelineAction, Scenario } from '../../src-sim/scenario/types';
import { Simulation, type LiveAction } from '../../src-sim/simulation';
import { KernelError } from '../../src-sim/vfs/errors';
import { formatPath } from '../../src-sim/scenario/errors';
import { deviceIssues } from '../../src-sim/scenario/device-check';
import type { Batch, BatchEntry, ControlMessage, RunOptions, WorkerToHost } from './protocol';

export type Post = (msg: WorkerToHost, transfer?: ArrayBuffer[]) => void;

/** Values per batch message; fewer only in the final flush (architecture.md: ≥ 1k per message). */
export const MIN_BATCH_VALUES = 1024;
const DEFAULT_CHUNK_EVENTS = 200_000;
/** A chunk also ends after this many sample intervals: a quiet model has few events but many samples. */
const CHUNK_SAMPLES = 256;
/** Longest wall time buffered samples wait before being sent (when ≥ MIN_BATCH_VALUES). */
const FLUSH_MS = 250;
/** Display previews (RunOptions.preview) at most this often: 20 Hz, the display's own rate (display-stream.ts). */
const PREVIEW_MS = 50;
/** Wall time one step may take before yielding to control messages. */
const STEP_MS = 20;

/**
 * Drives one Simulation in chunks inside a worker, handling control messages
 * between chunks. Live actions land on a clean boundary — every event of the
 * current instant has run, and never on a sampling instant (a replayed
 * timeline action there would run before the sample, a live one after it) —
 * so a replay of the resolved scenario with the live actions appended to its
 * timeline reproduces the run exactly.
 */
export class RunDriver {
  private sim: Simulation | null = null;
  private paused: boolean;
  private pace: number | null;
  private cancelled = false;
  private finished = false;
  private scheduled = false;
  private readonly live: TimelineAction[] = [];
  private readonly chunkEvents: number;
  private readonly progressEveryMs: number;
  private seriesSent = 0;
  private nextIndex: number[] = [];
  private batchSeq = 0;
  private previewSeq = 0;
  private previewSeriesSent = 0;
  private previewIndex: number[] = [];
  private lastPreview = -Infinity;
  private readonly startWall = performance.now();
  private lastProgress = -Infinity;
  private lastFlush = 0;
  private paceWall = 0;
  private paceSim = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly options: RunOptions,
    private readonly post: Post,
    /** In-process hook run on the fresh Simulation (tests register extra files here). */
    private readonly prepare?: (sim: Simulation) => void,
  ) {
    this.paused = options.paused ?? false;
    this.pace = options.pace ?? null;
    this.chunkEvents = options.chunkEvents ?? DEFAULT_CHUNK_EVENTS;
    this.progressEveryMs = options.progressEveryMs ?? 100;
  }

  start(): void {
    try {
      this.sim = new Simulation(this.scenario);
      this.prepare?.(this.sim);
      const inject = this.options.inject;
      if (inject) {
        const engine = this.sim.kernel.engine;
        engine.schedule(inject.atNs, () => {
          if (inject.kind === 'exit') process.exit(70);
          engine.fail('inject', 'deliberate failure requested by the host');
        });
      }
    } catch (e) {
      this.failRun(e);
      return;
    }
    this.anchorPace();
    this.schedule();
  }

  handle(msg: ControlMessage): void {
    if (this.finished) {
      if (msg.type === 'act') this.post({ type: 'act', reply: { id: msg.id, ok: false, error: 'the run has ended' } });
      return;
    }
    switch (msg.type) {
      case 'pause':
        this.paused = true;
        this.progress(true);
        return;
      case 'resume':
        this.paused = false;
        this.anchorPace();
        this.schedule();
        return;
      case 'pace':
        this.pace = msg.pace;
        this.anchorPace();
        this.schedule();
        return;
      case 'cancel':
        this.cancelled = true;
        this.schedule();
        return;
      case 'act':
        this.act(msg.id, msg.action);
        return;
    }
  }

  private anchorPace(): void {
    this.paceWall = performance.now();
    this.paceSim = this.sim?.now ?? 0;
  }

  private schedule(delayMs = 0): void {
    if (this.scheduled || this.finished) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      this.step();
    };
    if (delayMs > 0) setTimeout(run, delayMs);
    else setImmediate(run);
  }

  private step(): void {
    const sim = this.sim;
    if (!sim || this.finished) return;
    if (this.cancelled) return this.finish('cancelled');
    if (this.paused) return this.progress(true);
    let until = this.scenario.durationNs;
    if (this.pace !== null) {
      until = Math.min(until, Math.floor(this.paceSim + (performance.now() - this.paceWall) * 1e6 * this.pace));
      if (until <= sim.now) {
        this.progress(false);
        this.schedule(5);
        return;
      }
    }
    const stepEnd = performance.now() + STEP_MS;
    const maxSpan = CHUNK_SAMPLES * this.scenario.sampleIntervalNs;
    try {
      do {
        const reached = sim.advance(Math.min(until, sim.now + maxSpan), this.chunkEvents);
        this.flush(false);
        if (!reached) break;
      } while (sim.now < until && performance.now() < stepEnd);
    } catch (e) {
      this.failRun(e);
      return;
    }
    if (sim.done) return this.finish('complete');
    this.progress(false);
    this.schedule();
  }

  private act(id: number, action: LiveAction): void {
    const sim = this.sim;
    if (!sim || sim.now >= this.scenario.durationNs) {
      this.post({ type: 'act', reply: { id, ok: false, error: 'the run has ended' } });
      return;
    }
    if (action.kind === 'plug') {
      // Checked here too (not only by the service): a device the model refuses would fail the whole run.
      const bad = deviceIssues(action.device, ['device'], this.scenario.machine.cpus);
      if (bad.length) {
        this.post({ type: 'act', reply: { id, ok: false, error: bad.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ') } });
        return;
      }
    }
    let applied: TimelineAction;
    try {
      // Finish the current instant, then step off a sampling instant (see class comment).
      sim.advance(sim.now);
      if (sim.now % this.scenario.sampleIntervalNs === 0) sim.advance(sim.now + 1);
      applied = sim.act(action);
    } catch (e) {
      if (e instanceof KernelError) {
        this.post({ type: 'act', reply: { id, ok: false, error: e.message } });
        this.flush(false);
        return;
      }
      this.failRun(e);
      return;
    }
    this.live.push(applied);
    this.post({ type: 'act', reply: { id, ok: true, action: applied } });
    this.flush(false);
    this.progress(true);
  }

  /**
   * Send logs, and series: full per-series chunks (1024 samples, the
   * recorder's chunk) as they fill, and everything buffered at most every
   * FLUSH_MS once ≥ MIN_BATCH_VALUES are waiting, so a slow or paced run still
   * streams while a fast one sends (and stores) large chunks.
   */
  private flush(all: boolean): void {
    const sim = this.sim!;
    const entries = sim.kernel.log.drain();
    if (entries.length) this.post({ type: 'log', entries });
    this.flushStore(all);
    if (this.options.preview && !all) this.flushPreview();
  }

  private flushStore(all: boolean): void {
    const sim = this.sim!;
    const rec = sim.recorder;
    for (let id = this.nextIndex.length; id < rec.series.length; id++) this.nextIndex.push(rec.series[id]!.startIndex);
    let buffered = 0;
    for (let id = 0; id < this.nextIndex.length; id++) buffered += rec.samples - this.nextIndex[id]!;
    if (buffered === 0) return;
    const wall = performance.now();
    const everything = all || (buffered >= MIN_BATCH_VALUES && wall - this.lastFlush >= FLUSH_MS);
    const parts = rec.take(everything);
    if (!parts.length) return;
    this.lastFlush = wall;
    let total = 0;
    for (const p of parts) total += p.values.length;
    const values = new Float64Array(total);
    const batchEntries: BatchEntry[] = [];
    let offset = 0;
    for (const p of parts) {
      values.set(p.values, offset);
      batchEntries.push({ seriesId: p.seriesId, startIndex: p.startIndex, offset, count: p.values.length });
      this.nextIndex[p.seriesId] = p.startIndex + p.values.length;
      offset += p.values.length;
    }
    const batch: Batch = {
      seq: this.batchSeq++,
      newSeries: rec.series.slice(this.seriesSent),
      entries: batchEntries,
      values,
    };
    this.seriesSent = rec.series.length;
    this.post({ type: 'batch', batch }, [values.buffer as ArrayBuffer]);
  }

  /**
   * The display path: at most every PREVIEW_MS, copies of the samples taken
   * since the last preview that no store batch has carried yet, so live
   * charts draw from the first samples while the store still gets whole
   * chunks. A preview is marked `preview` and never stored.
   */
  private flushPreview(): void {
    const wall = performance.now();
    if (wall - this.lastPreview < PREVIEW_MS) return;
    const rec = this.sim!.recorder;
    const parts = rec.peek((id) => Math.max(this.previewIndex[id] ?? 0, this.nextIndex[id] ?? 0));
    if (!parts.length) return;
    this.lastPreview = wall;
    let total = 0;
    for (const p of parts) total += p.values.length;
    const values = new Float64Array(total);
    const entries: BatchEntry[] = [];
    let offset = 0;
    for (const p of parts) {
      values.set(p.values, offset);
      entries.push({ seriesId: p.seriesId, startIndex: p.startIndex, offset, count: p.values.length });
      this.previewIndex[p.seriesId] = p.startIndex + p.values.length;
      offset += p.values.length;
    }
    const batch: Batch = { seq: this.previewSeq++, newSeries: rec.series.slice(this.previewSeriesSent), entries, values, preview: true };
    this.previewSeriesSent = rec.series.length;
    this.post({ type: 'batch', batch }, [values.buffer as ArrayBuffer]);
  }

  private progress(force: boolean): void {
    const sim = this.sim;
    if (!sim) return;
    const wall = performance.now();
    if (!force && wall - this.lastProgress < this.progressEveryMs) return;
    this.lastProgress = wall;
    const wallMs = wall - this.startWall;
    const events = sim.kernel.engine.executed;
    this.post({
      type: 'progress',
      progress: {
        simNs: sim.now,
        durationNs: this.scenario.durationNs,
        events,
        eventsPerSec: wallMs > 0 ? (events * 1000) / wallMs : 0,
        wallMs,
        state: this.paused ? 'paused' : 'running',
        memoryBytes: workerMemory(),
      },
    });
  }

  private finish(status: 'complete' | 'cancelled'): void {
    const sim = this.sim!;
    this.flush(true);
    this.progress(true);
    this.finished = true;
    const tasks: Record<string, number> = {};
    for (const t of sim.kernel.tasks.values()) tasks[t.name] = t.pid;
    this.post({
      type: 'end',
      end: {
        status,
        simulatedNs: sim.now,
        events: sim.kernel.engine.executed,
        wallMs: performance.now() - this.startWall,
        liveActions: this.live,
        actions: [...sim.actions],
        tasks,
        files: sim.files(),
      },
    });
  }

  private failRun(e: unknown): void {
    this.finished = true;
    const error = e instanceof Error ? e.message : String(e);
    // Whatever was recorded up to the failure is still worth keeping.
    try {
      if (this.sim) this.flush(true);
    } catch {
      // The simulator is in a failed state; the error below is what matters.
    }
    this.post({ type: 'failed', error });
  }
}

/** This thread's JS heap and ArrayBuffers (in a worker, process.memoryUsage's heap and buffer figures are the worker's own). */
function workerMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** The scenario a replay runs: the resolved scenario with the live actions appended to its timeline. */
export function replayScenario(scenario: Scenario, liveActions: readonly TimelineAction[]): Scenario {
  // Simulation sorts the timeline stably by time, so at equal times the
  // scenario's own actions stay first, as they ran in the live run.
  // Runs stored before --duration cut the timeline may carry actions past the
  // end; they never ran, and the replay (and its file export) leaves them out.
  return { ...scenario, timeline: [...scenario.timeline, ...liveActions].filter((a) => a.atNs <= scenario.durationNs) };
}
