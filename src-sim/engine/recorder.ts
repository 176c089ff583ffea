import { parseFields, textValue, type FieldSink } from '../vfs/fields';
import type { Vfs } from '../vfs/vfs';

/** A path's fields at its last reading, in order, and their series ids. */
interface FieldMemo {
  fields: string[];
  ids: number[];
}

type TakeField = (path: string, field: string, value: number, k: number, j: number, memo: FieldMemo) => void;

/**
 * The recorder's sink for one file of one tick: numbers the fields in the
 * order they come. `field` is the numeric path (values as `${v}` prints them,
 * read back as parseFields would); `accept` takes parseFields' own output.
 */
class TickSink implements FieldSink {
  k = 0;
  j = 0;
  private path = '';
  private memo: FieldMemo = { fields: [], ids: [] };
  constructor(private readonly take: TakeField) {}

  begin(path: string, memo: FieldMemo): void {
    this.path = path;
    this.memo = memo;
    this.j = 0;
  }

  field(name: string, value: number): void {
    const v = textValue(value);
    if (v !== undefined) this.accept(v, name);
  }

  /** (value, field): Map.forEach's argument order. */
  readonly accept = (value: number, name: string): void => {
    this.take(this.path, name, value, this.k, this.j++, this.memo);
  };
}

/** One sampled series: one numeric field of one virtual file. */
export interface SeriesInfo {
  id: number;
  path: string;
  /** "" for single-value files, "usage_usec", "some.avg10", "8:16.rbytes"… */
  field: string;
  /** Index of the first sample (series may appear mid-run: hot-plug, new group). */
  startIndex: number;
}

/** A run of consecutive samples of one series, ready to transfer. */
export interface SeriesBatch {
  seriesId: number;
  startIndex: number;
  values: Float64Array;
}

/**
 * Samples virtual files at a fixed interval. Sample k is taken at time
 * k·interval (k = 0 at t = 0). Values accumulate per series in chunks of
 * `chunk` samples; take() hands out full chunks (or everything, at the end).
 * No I/O happens here: the host moves batches out of the simulator.
 */
export class Recorder {
  readonly series: SeriesInfo[] = [];
  private readonly byKey = new Map<string, number>();
  private buffers: number[][] = [];
  private bufferStart: number[] = [];
  /** Number of sample ticks taken so far. */
  samples = 0;

  constructor(
    private readonly vfs: Vfs,
    readonly intervalNs: number,
    /** Paths to sample; empty = every observable file, re-listed at each tick. */
    private readonly paths: string[] = [],
    private readonly chunk = 1024,
  ) {}

  /**
   * Per path, the fields its last reading had, in order, and their series ids:
   * a memo of `byKey` (a file's fields rarely change between ticks), so a tick
   * neither builds a key string nor looks up a Map per field.
   */
  private readonly lastFields = new Map<string, FieldMemo>();
  /** Per series id, the tick that last pushed a value (stands in for a per-tick Set). */
  private readonly lastTick: number[] = [];

  /** Take sample number `this.samples` now. */
  sample(): void {
    const k = this.samples++;
    const paths = this.paths.length ? this.paths : this.vfs.observables();
    const sink = this.sink;
    sink.k = k;
    for (const path of paths) {
      const file = this.vfs.get(path);
      if (file === undefined) continue;
      let memo = this.lastFields.get(path);
      if (memo === undefined) {
        memo = { fields: [], ids: [] };
        this.lastFields.set(path, memo);
      }
      sink.begin(path, memo);
      // A file with a numeric path gives its fields without text (the same
      // numbers, VirtualFile.sample); the others are rendered and parsed.
      if (file.sample !== undefined) file.sample(sink);
      else parseFields(this.vfs.read(path)).forEach(sink.accept);
      memo.fields.length = sink.j;
      memo.ids.length = sink.j;
    }
    // A file that vanished (unplugged disk) records NaN so indices stay aligned.
    for (const s of this.series) if (this.lastTick[s.id] !== k && this.expected(s.id) === k) this.push(s.id, k, NaN);
  }

  /** Takes one file's fields in order during sample() (numeric path and parsed text alike). */
  private readonly sink = new TickSink((path, field, value, k, j, memo) => this.take1(path, field, value, k, j, memo));

  /** Field number `j` of `path` in tick `k`: its series (memoized by position) gets `value`. */
  private take1(path: string, field: string, value: number, k: number, j: number, memo: FieldMemo): void {
    let id: number;
    if (j < memo.fields.length && memo.fields[j] === field) id = memo.ids[j]!;
    else {
      id = this.seriesId(path, field, k);
      memo.fields[j] = field;
      memo.ids[j] = id;
    }
    this.push(id, k, value);
    this.lastTick[id] = k;
  }

  /** The series of `field` in `path`, created (starting at sample `k`) the first time it is seen. */
  private seriesId(path: string, field: string, k: number): number {
    const key = `${path}\u0000${field}`;
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.series.length;
      this.byKey.set(key, id);
      this.series.push({ id, path, field, startIndex: k });
      this.buffers.push([]);
      this.bufferStart.push(k);
      this.lastTick.push(-1);
    }
    return id;
  }

  private expected(id: number): number {
    return this.bufferStart[id]! + this.buffers[id]!.length;
  }

  private push(id: number, k: number, value: number): void {
    const buf = this.buffers[id]!;
    // Fill gaps (series missing for some ticks) with NaN.
    while (this.bufferStart[id]! + buf.length < k) buf.push(NaN);
    buf.push(value);
  }

  /**
   * Copies of the values still buffered for each series from sample index
   * `from(id)` on, without taking them: the display sees samples as they are
   * taken while take() keeps handing the store whole chunks.
   */
  peek(from: (id: number) => number): SeriesBatch[] {
    const out: SeriesBatch[] = [];
    for (let id = 0; id < this.buffers.length; id++) {
      const buf = this.buffers[id]!;
      const start = Math.max(from(id), this.bufferStart[id]!);
      const skip = start - this.bufferStart[id]!;
      if (skip >= buf.length) continue;
      out.push({ seriesId: id, startIndex: start, values: Float64Array.from(buf.slice(skip)) });
    }
    return out;
  }

  /** Full chunks (or, with `all`, every buffered value). */
  take(all = false): SeriesBatch[] {
    const out: SeriesBatch[] = [];
    for (let id = 0; id < this.buffers.length; id++) {
      const buf = this.buffers[id]!;
      while (buf.length >= this.chunk || (all && buf.length > 0)) {
        const n = Math.min(buf.length, this.chunk);
        out.push({ seriesId: id, startIndex: this.bufferStart[id]!, values: Float64Array.from(buf.splice(0, n)) });
        this.bufferStart[id]! += n;
      }
    }
    return out;
  }
}
