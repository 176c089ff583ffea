/**
 * A stored run as a trace in the Chrome JSON Trace Event Format, which
 * ui.perfetto.dev and chrome://tracing open. Perfetto's protobuf format has
 * no maintained writer on npm (only its .proto files, which would have to be
 * vendored and kept in step by hand), so the JSON format is the one written;
 * Perfetto's importer maps it to the same tracks.
 *
 * The scheduler and block events come from replaying the run with the
 * simulator's opt-in trace buffer (the replay is exact: same scenario, same
 * live actions); the cgroup counters from the run's stored series; instant
 * events from the replay's event log (OOM kills, uevents, timeline writes,
 * I/O errors).
 *
 * Layout (pid = a process group of tracks in the viewer):
 *   pid 1 "CPUs": tid N = CPU N; X slices = the running task (sched_switch
 *     in/out), i events = sched_wakeup / sched_wakeup_new / sched_migrate_task
 *     on the CPU the task is placed on.
 *   pid 2 "Block I/O": one tid per (disk, queue slot); X slices = a request
 *     from issue to completion (block_rq_issue → block_rq_complete). Requests
 *     overlap on a device, so each takes the lowest free slot: slot k is busy
 *     only while at least k+1 requests are on the device.
 *   pid 3 "cgroups": C counters per cgroup.
 *   pid 4 "Kernel events": one tid per log kind; i events.
 */
import { TraceBuffer, type BlockEntry, type TraceEntry } from '../../src-sim/engine/trace';
import type { LogEntry } from '../../src-sim/engine/event-log';
import type { Scenario, TimelineAction } from '../../src-sim/scenario/types';
import { Simulation } from '../../src-sim/simulation';
import { replayScenario } from '../sim-host/run-driver';
import type { ExportedSeries, ExportFile } from './exports';

export const PID_CPUS = 1;
export const PID_BLOCK = 2;
export const PID_CGROUPS = 3;
export const PID_EVENTS = 4;

/** One Trace Event Format record (the fields this writer uses). */
export interface TraceEvent {
  name: string;
  ph: 'X' | 'i' | 'C' | 'M';
  pid: number;
  tid: number;
  /** Microseconds (the format's unit; fractions keep ns precision). */
  ts: number;
  dur?: number;
  s?: 't' | 'p' | 'g';
  cat?: string;
  args?: Record<string, string | number | boolean | null>;
}

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ns';
  otherData: Record<string, string | number>;
}

export interface TraceInputs {
  scenario: Scenario;
  live: readonly TimelineAction[];
  /** The run's stored series and their interval (counter tracks). */
  series: readonly ExportedSeries[];
  intervalNs: number;
  runLabel: string;
  /** Simulated time the run reached (a cancelled or interrupted run stops there); default: its duration. */
  untilNs?: number;
  /** Trace buffer size (entries); past it the rest is counted, not kept. */
  capacity?: number;
}

const us = (ns: number): number => ns / 1000;

/** Replay the run with tracing on and build the trace. */
export function buildChromeTrace(inp: TraceInputs): ChromeTrace {
  const buf = new TraceBuffer(inp.capacity);
  const sim = new Simulation(replayScenario(inp.scenario, inp.live), { trace: buf });
  sim.advance(inp.untilNs ?? inp.scenario.durationNs);
  const names = new Map<number, { name: string; cgroup: string }>();
  for (const t of sim.kernel.tasks.values()) names.set(t.pid, { name: t.name, cgroup: t.cgroup.path });
  const events: TraceEvent[] = [];
  const meta = (pid: number, tid: number, name: 'process_name' | 'thread_name' | 'process_sort_index' | 'thread_sort_index', value: string | number): void => {
    events.push({ name, ph: 'M', pid, tid, ts: 0, args: typeof value === 'string' ? { name: value } : { sort_index: value } });
  };
  meta(PID_CPUS, 0, 'process_name', 'CPUs');
  meta(PID_CPUS, 0, 'process_sort_index', 1);
  for (let c = 0; c < inp.scenario.machine.cpus; c++) {
    meta(PID_CPUS, c, 'thread_name', `CPU ${c}`);
    meta(PID_CPUS, c, 'thread_sort_index', c);
  }
  schedEvents(buf.entries, names, sim.now, events);
  blockEvents(buf.entries, events, meta);
  counterEvents(inp.series, inp.intervalNs, events, meta);
  instantEvents(sim.log, events, meta);
  return {
    traceEvents: events,
    displayTimeUnit: 'ns',
    otherData: {
      source: 'Kernel Lab (simulated)',
      run: inp.runLabel,
      scenario: inp.scenario.name,
      seed: inp.scenario.seed,
      kernel_version: inp.scenario.kernel.version,
      trace_entries: buf.entries.length,
      trace_dropped: buf.dropped,
    },
  };
}

function schedEvents(entries: readonly TraceEntry[], names: Map<number, { name: string; cgroup: string }>, endNs: number, out: TraceEvent[]): void {
  const open = new Map<number, { pid: number; t: number }>();
  const last = new Map<number, { ev: TraceEvent; pid: number; t0: number; t1: number }>();
  const comm = (pid: number): string => names.get(pid)?.name ?? `pid ${pid}`;
  const close = (cpu: number, t: number): void => {
    const o = open.get(cpu);
    if (!o) return;
    open.delete(cpu);
    const ev: TraceEvent = { name: comm(o.pid), cat: 'sched', ph: 'X', pid: PID_CPUS, tid: cpu, ts: us(o.t), dur: us(t - o.t), args: { pid: o.pid, cgroup: names.get(o.pid)?.cgroup ?? '' } };
    out.push(ev);
    last.set(cpu, { ev, pid: o.pid, t0: o.t, t1: t });
  };
  for (const e of entries) {
    switch (e.kind) {
      case 'off':
        close(e.cpu, e.t);
        break;
      case 'on': {
        const prev = last.get(e.cpu);
        if (e.cont && prev && prev.pid === e.pid && prev.t1 === e.t) {
          // No switch happened: reopen the slice just closed.
          out.splice(out.lastIndexOf(prev.ev), 1);
          last.delete(e.cpu);
          open.set(e.cpu, { pid: e.pid, t: prev.t0 });
        } else open.set(e.cpu, { pid: e.pid, t: e.t });
        break;
      }
      case 'wakeup':
      case 'wakeup_new':
        out.push({ name: `sched_${e.kind}`, cat: 'sched', ph: 'i', s: 't', pid: PID_CPUS, tid: e.cpu, ts: us(e.t), args: { pid: e.pid, comm: comm(e.pid), target_cpu: e.cpu } });
        break;
      case 'migrate':
        out.push({ name: 'sched_migrate_task', cat: 'sched', ph: 'i', s: 't', pid: PID_CPUS, tid: e.to, ts: us(e.t), args: { pid: e.pid, comm: comm(e.pid), orig_cpu: e.from, dest_cpu: e.to } });
        break;
      case 'block':
        break;
    }
  }
  for (const cpu of [...open.keys()]) close(cpu, endNs);
}

type Meta = (pid: number, tid: number, name: 'process_name' | 'thread_name' | 'process_sort_index' | 'thread_sort_index', value: string | number) => void;

function blockEvents(entries: readonly TraceEntry[], out: TraceEvent[], meta: Meta): void {
  const reqs = entries.filter((e): e is BlockEntry => e.kind === 'block').sort((a, b) => a.t - b.t || a.end - b.end);
  if (reqs.length === 0) return;
  meta(PID_BLOCK, 0, 'process_name', 'Block I/O');
  meta(PID_BLOCK, 0, 'process_sort_index', 2);
  const disks = [...new Set(reqs.map((r) => r.disk))].sort();
  /** Per disk: the end time of each queue slot's current request. */
  const slots = new Map<string, number[]>(disks.map((d) => [d, []]));
  const tidOf = (disk: string, slot: number): number => disks.indexOf(disk) * 10_000 + slot;
  for (const r of reqs) {
    const busy = slots.get(r.disk)!;
    let k = busy.findIndex((end) => end <= r.t);
    if (k < 0) {
      k = busy.length;
      busy.push(0);
      meta(PID_BLOCK, tidOf(r.disk, k), 'thread_name', `${r.disk} queue slot ${k}`);
      meta(PID_BLOCK, tidOf(r.disk, k), 'thread_sort_index', tidOf(r.disk, k));
    }
    busy[k] = r.end;
    out.push({
      name: `${r.op} ${r.bytes}`,
      cat: 'block',
      ph: 'X',
      pid: PID_BLOCK,
      tid: tidOf(r.disk, k),
      ts: us(r.t),
      dur: us(r.end - r.t),
      args: { dev: r.disk, rwbs: r.op, sector: r.sector, nr_sector: r.bytes / 512, bytes: r.bytes, cgroup: r.cgroup, error: r.error || null },
    });
  }
}

/** Which stored series become counter tracks, and how (cgroup v2 and v1 files). */
interface CounterRule {
  file: RegExp;
  field: RegExp;
  label: string;
  /** rate: per second of a cumulative counter, times `scale`; value: as sampled. */
  mode: 'rate' | 'value';
  scale: number;
}

const COUNTERS: CounterRule[] = [
  // cpu.stat usage_usec: µs of CPU per µs of time = CPUs busy.
  { file: /\/cpu\.stat$/, field: /^usage_usec$/, label: 'cpu usage (CPUs)', mode: 'rate', scale: 1e-6 },
  { file: /\/cpuacct\.usage$/, field: /^$/, label: 'cpu usage (CPUs)', mode: 'rate', scale: 1e-9 },
  { file: /\/memory\.current$/, field: /^$/, label: 'memory.current (bytes)', mode: 'value', scale: 1 },
  { file: /\/memory\.usage_in_bytes$/, field: /^$/, label: 'memory.usage_in_bytes (bytes)', mode: 'value', scale: 1 },
  { file: /\/io\.stat$/, field: /\.rbytes$/, label: 'io read (bytes/s)', mode: 'rate', scale: 1 },
  { file: /\/io\.stat$/, field: /\.wbytes$/, label: 'io write (bytes/s)', mode: 'rate', scale: 1 },
  { file: /\/cpu\.pressure$/, field: /^some\.avg10$/, label: 'cpu.pressure some avg10 (%)', mode: 'value', scale: 1 },
  { file: /\/memory\.pressure$/, field: /^some\.avg10$/, label: 'memory.pressure some avg10 (%)', mode: 'value', scale: 1 },
  { file: /\/memory\.pressure$/, field: /^full\.avg10$/, label: 'memory.pressure full avg10 (%)', mode: 'value', scale: 1 },
  { file: /\/io\.pressure$/, field: /^some\.avg10$/, label: 'io.pressure some avg10 (%)', mode: 'value', scale: 1 },
  { file: /\/io\.pressure$/, field: /^full\.avg10$/, label: 'io.pressure full avg10 (%)', mode: 'value', scale: 1 },
];

/** "/sys/fs/cgroup/web/cpu.stat" → "/web"; v1 "/sys/fs/cgroup/memory/web/memory.current" → "/web". */
export function cgroupOfPath(path: string): string | null {
  const m = /^\/sys\/fs\/cgroup(?:\/(?:cpu|cpuacct|cpu,cpuacct|memory|blkio|cpuset))?((?:\/[^/]+)*)\/[^/]+$/.exec(path);
  if (!m) return null;
  return m[1] || '/';
}

/** Counter track name per (cgroup, rule); also used by the tests to count tracks. */
export function counterTracks(series: readonly { path: string; field: string }[]): Map<string, { path: string; field: string }[]> {
  const tracks = new Map<string, { path: string; field: string }[]>();
  for (const s of series) {
    const cg = cgroupOfPath(s.path);
    if (cg === null) continue;
    const rule = COUNTERS.find((r) => r.file.test(s.path) && r.field.test(s.field));
    if (!rule) continue;
    const name = `${cg} ${rule.label}`;
    tracks.set(name, [...(tracks.get(name) ?? []), s]);
  }
  return tracks;
}

function counterEvents(series: readonly ExportedSeries[], intervalNs: number, out: TraceEvent[], meta: Meta): void {
  const tracks = counterTracks(series);
  if (tracks.size === 0) return;
  meta(PID_CGROUPS, 0, 'process_name', 'cgroups');
  meta(PID_CGROUPS, 0, 'process_sort_index', 3);
  for (const [name, parts] of tracks) {
    const rule = COUNTERS.find((r) => parts[0] && r.file.test(parts[0].path) && r.field.test(parts[0].field))!;
    const list = parts.map((p) => series.find((s) => s.path === p.path && s.field === p.field)!);
    const start = Math.min(...list.map((s) => s.startIndex));
    const end = Math.max(...list.map((s) => s.startIndex + s.values.length));
    // Sum of the parts (io.stat: every device) at sample i; NaN where none had a value.
    const at = (i: number): number => {
      let sum = NaN;
      for (const s of list) {
        const v = s.values[i - s.startIndex];
        if (v !== undefined && Number.isFinite(v)) sum = Number.isNaN(sum) ? v : sum + v;
      }
      return sum;
    };
    for (let i = start; i < end; i++) {
      let v = at(i);
      if (rule.mode === 'rate') {
        if (i === start) continue;
        v = ((v - at(i - 1)) / (intervalNs / 1e9)) * rule.scale;
      }
      if (!Number.isFinite(v)) continue;
      out.push({ name, cat: 'cgroup', ph: 'C', pid: PID_CGROUPS, tid: 0, ts: us(i * intervalNs), args: { value: v } });
    }
  }
}

function instantEvents(log: readonly LogEntry[], out: TraceEvent[], meta: Meta): void {
  if (log.length === 0) return;
  meta(PID_EVENTS, 0, 'process_name', 'Kernel events');
  meta(PID_EVENTS, 0, 'process_sort_index', 4);
  const kinds: string[] = [];
  for (const e of log) {
    let tid = kinds.indexOf(e.kind);
    if (tid < 0) {
      tid = kinds.push(e.kind) - 1;
      meta(PID_EVENTS, tid, 'thread_name', e.kind);
    }
    const { t_ns, kind, ...fields } = e;
    out.push({ name: instantName(e), cat: kind, ph: 'i', s: 't', pid: PID_EVENTS, tid, ts: us(t_ns), args: fields });
  }
}

function instantName(e: LogEntry): string {
  switch (e.kind) {
    case 'oom_kill':
      return `oom_kill ${String(e['task'])} (${String(e['pid'])})`;
    case 'write':
      return `${String(e['path'])} ← ${String(e['value'])}`;
    case 'uevent':
      return `uevent ${String(e['ACTION'] ?? '')} ${String(e['DEVPATH'] ?? e['DEVNAME'] ?? '')}`.trim();
    default:
      return e.kind;
  }
}

/** The trace as a downloadable file. */
export function chromeTraceFile(base: string, inp: TraceInputs): ExportFile {
  return { filename: `${base}.trace.json`, mime: 'application/json', text: `${JSON.stringify(buildChromeTrace(inp))}\n` };
}
