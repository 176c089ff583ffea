/**
 * An independent reader of the Trace Event Format (the JSON that
 * chrome://tracing and ui.perfetto.dev load), written from the format's
 * published description, not from the writer: it validates every record the
 * way the viewers' importers need it and rebuilds the tracks. It shares no
 * code with src-main/lab/chrome-trace.ts.
 *
 * Rules checked (Trace Event Format, "Event Descriptions"):
 * - the file is an object with a `traceEvents` array (the "JSON Object Format");
 * - every event has a string `name`, a known `ph`, integer `pid`/`tid`, a
 *   finite `ts` ≥ 0 (microseconds);
 * - complete events (X) have a finite `dur` ≥ 0, and on one thread they nest
 *   (a slice that starts inside another ends inside it), as the viewers require;
 * - instant events (i/I) have scope `s` of g, p or t (default t);
 * - counter events (C) have only numeric args;
 * - metadata events (M) are process_name/thread_name (args.name a string) or
 *   process_sort_index/thread_sort_index (args.sort_index a number).
 */
export interface Slice {
  name: string;
  ts: number;
  dur: number;
  args: Record<string, unknown>;
}

export interface Instant {
  name: string;
  ts: number;
  cat: string;
  args: Record<string, unknown>;
}

export interface ThreadTrack {
  name: string | null;
  slices: Slice[];
  instants: Instant[];
}

export interface ProcessTracks {
  name: string | null;
  threads: Map<number, ThreadTrack>;
  /** Counter tracks by name: samples in time order. */
  counters: Map<string, { ts: number; args: Record<string, number> }[]>;
}

export interface ReadTrace {
  processes: Map<number, ProcessTracks>;
  otherData: Record<string, unknown>;
}

const PHASES = new Set(['B', 'E', 'X', 'i', 'I', 'C', 'M', 'b', 'e', 'n', 's', 't', 'f', 'P', 'O', 'N', 'D']);

export function readTraceEvents(text: string): ReadTrace {
  const doc: unknown = JSON.parse(text);
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { traceEvents?: unknown }).traceEvents)) {
    throw new Error('not a Trace Event Format object: no traceEvents array');
  }
  const raw = (doc as { traceEvents: unknown[]; otherData?: Record<string, unknown> }).traceEvents;
  const processes = new Map<number, ProcessTracks>();
  const proc = (pid: number): ProcessTracks => {
    let p = processes.get(pid);
    if (!p) processes.set(pid, (p = { name: null, threads: new Map(), counters: new Map() }));
    return p;
  };
  const thread = (pid: number, tid: number): ThreadTrack => {
    const p = proc(pid);
    let t = p.threads.get(tid);
    if (!t) p.threads.set(tid, (t = { name: null, slices: [], instants: [] }));
    return t;
  };
  raw.forEach((e, i) => {
    const where = `traceEvents[${i}]`;
    if (typeof e !== 'object' || e === null) throw new Error(`${where}: not an object`);
    const ev = e as Record<string, unknown>;
    if (typeof ev.name !== 'string') throw new Error(`${where}: name must be a string`);
    if (typeof ev.ph !== 'string' || !PHASES.has(ev.ph)) throw new Error(`${where}: unknown ph ${String(ev.ph)}`);
    if (!Number.isInteger(ev.pid) || !Number.isInteger(ev.tid)) throw new Error(`${where}: pid and tid must be integers`);
    if (typeof ev.ts !== 'number' || !Number.isFinite(ev.ts) || ev.ts < 0) throw new Error(`${where}: ts must be a finite number ≥ 0`);
    const pid = ev.pid as number;
    const tid = ev.tid as number;
    const args = (ev.args ?? {}) as Record<string, unknown>;
    switch (ev.ph) {
      case 'X': {
        if (typeof ev.dur !== 'number' || !Number.isFinite(ev.dur) || ev.dur < 0) throw new Error(`${where}: X event needs dur ≥ 0`);
        thread(pid, tid).slices.push({ name: ev.name, ts: ev.ts, dur: ev.dur, args });
        break;
      }
      case 'i':
      case 'I': {
        const s = ev.s ?? 't';
        if (s !== 't' && s !== 'p' && s !== 'g') throw new Error(`${where}: instant scope must be g, p or t`);
        thread(pid, tid).instants.push({ name: ev.name, ts: ev.ts, cat: typeof ev.cat === 'string' ? ev.cat : '', args });
        break;
      }
      case 'C': {
        for (const [k, v] of Object.entries(args)) if (typeof v !== 'number') throw new Error(`${where}: counter arg ${k} is not a number`);
        const p = proc(pid);
        const list = p.counters.get(ev.name) ?? [];
        list.push({ ts: ev.ts, args: args as Record<string, number> });
        p.counters.set(ev.name, list);
        break;
      }
      case 'M': {
        if (ev.name === 'process_name' || ev.name === 'thread_name') {
          if (typeof args.name !== 'string') throw new Error(`${where}: ${ev.name} needs args.name`);
          if (ev.name === 'process_name') proc(pid).name = args.name;
          else thread(pid, tid).name = args.name;
        } else if (ev.name === 'process_sort_index' || ev.name === 'thread_sort_index') {
          if (typeof args.sort_index !== 'number') throw new Error(`${where}: ${ev.name} needs args.sort_index`);
        } else throw new Error(`${where}: unknown metadata ${ev.name}`);
        break;
      }
      default:
        break;
    }
  });
  for (const [pid, p] of processes) {
    for (const [tid, t] of p.threads) {
      t.slices.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
      const stack: Slice[] = [];
      for (const s of t.slices) {
        while (stack.length && stack[stack.length - 1]!.ts + stack[stack.length - 1]!.dur <= s.ts + 1e-6) stack.pop();
        const top = stack[stack.length - 1];
        if (top && s.ts + s.dur > top.ts + top.dur + 1e-6) throw new Error(`pid ${pid} tid ${tid}: slice "${s.name}" at ${s.ts} overlaps "${top.name}" without nesting`);
        stack.push(s);
      }
    }
    for (const list of p.counters.values()) list.sort((a, b) => a.ts - b.ts);
  }
  return { processes, otherData: (doc as { otherData?: Record<string, unknown> }).otherData ?? {} };
}
