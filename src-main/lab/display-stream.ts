import type { SeriesInfo } from '../../src-sim/engine/recorder';
import type { EventEntry, RunBatchEvent, RunProgressEvent } from '../ipc/contract';
import type { Batch } from '../sim-host/protocol';
import { reduceMinMax } from './downsample';

/** At most 20 display messages per second per run (issue 5). */
export const DISPLAY_PERIOD_MS = 50;
/** Points per series per display batch: a few per pixel column of a live chart's newest 50 ms. */
export const DISPLAY_POINTS = 64;

export interface DisplaySink {
  batch(ev: Omit<RunBatchEvent, 'seq'>): void;
  progress(ev: RunProgressEvent): void;
  events(events: EventEntry[]): void;
}

interface Pending {
  startIndex: number;
  parts: Float64Array[];
  length: number;
}

/**
 * The display side of one run: full-resolution batches come in as fast as
 * the worker sends them; every DISPLAY_PERIOD_MS whatever accumulated goes
 * out as one message, each series min/max-reduced to DISPLAY_POINTS. The
 * store gets the full resolution separately.
 */
export class DisplayStream {
  private readonly pending = new Map<number, Pending>();
  private readonly series: SeriesInfo[] = [];
  /** Per series, the next sample index not yet handed to the display (previews and store batches overlap). */
  private readonly shown: number[] = [];
  private events: EventEntry[] = [];
  private progress: RunProgressEvent | null = null;
  private simNs = 0;

  constructor(
    readonly runId: string,
    private readonly intervalNs: number,
  ) {}

  addBatch(b: Batch): void {
    for (const s of b.newSeries) this.series[s.id] = s;
    for (const e of b.entries) {
      // A store batch repeats what a preview already showed: keep only the new tail.
      const skip = Math.max(0, (this.shown[e.seriesId] ?? 0) - e.startIndex);
      if (skip >= e.count) continue;
      const start = e.startIndex + skip;
      const count = e.count - skip;
      const values = b.values.subarray(e.offset + skip, e.offset + e.count);
      this.shown[e.seriesId] = start + count;
      const p = this.pending.get(e.seriesId);
      if (!p) this.pending.set(e.seriesId, { startIndex: start, parts: [values], length: count });
      else {
        p.parts.push(values);
        p.length += count;
      }
      this.simNs = Math.max(this.simNs, (start + count - 1) * this.intervalNs);
    }
  }

  addEvents(events: EventEntry[]): void {
    for (const e of events) this.events.push(e);
  }

  setProgress(p: RunProgressEvent): void {
    this.progress = p;
  }

  get idle(): boolean {
    return this.pending.size === 0 && this.events.length === 0 && this.progress === null;
  }

  /** Hand out what accumulated since the last flush (nothing if nothing did). */
  flush(sink: DisplaySink): void {
    if (this.pending.size) {
      const out: RunBatchEvent['series'] = [];
      for (const [id, p] of [...this.pending].sort((a, b) => a[0] - b[0])) {
        const values = p.parts.length === 1 ? p.parts[0]! : concat(p.parts, p.length);
        const r = reduceMinMax(values, p.startIndex, this.intervalNs, DISPLAY_POINTS);
        const info = this.series[id];
        out.push({ id, path: info?.path ?? '', field: info?.field ?? '', from: p.startIndex, to: p.startIndex + p.length, t: r.t, v: r.v });
      }
      this.pending.clear();
      sink.batch({ runId: this.runId, simNs: this.simNs, series: out });
    }
    if (this.events.length) {
      sink.events(this.events);
      this.events = [];
    }
    if (this.progress) {
      sink.progress(this.progress);
      this.progress = null;
    }
  }
}

function concat(parts: Float64Array[], length: number): Float64Array {
  const out = new Float64Array(length);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
