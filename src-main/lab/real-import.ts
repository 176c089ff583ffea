/**
 * Loads the CSV a reproduction script (repro-script.ts) wrote on a real
 * machine into a session as a run beside the simulated one. Each row is the
 * raw text of one file at one moment; fields are extracted with the
 * simulator's own parser (vfs/fields.ts), so a real series has exactly the
 * path and field names of the simulated one and Compare overlays them.
 */
import type { LogEntry } from '../../src-sim/engine/event-log';
import type { SeriesInfo } from '../../src-sim/engine/recorder';
import type { Scenario } from '../../src-sim/scenario/types';
import { parseFields } from '../../src-sim/vfs/fields';
import type { SessionStore } from './ports';
import { REAL_SAMPLES_FORMAT } from './repro-script';

/** The summary stored with an imported run: marks it as measured, not simulated. */
export const REAL_SUMMARY_FORMAT = 'kernel-lab/real@1';

export class RealImportError extends Error {}

export interface RealSamples {
  scenario: string;
  intervalNs: number;
  durationNs: number;
  cgroupVersion: number;
  host: string;
  kernel: string;
  series: { path: string; field: string; startIndex: number; values: Float64Array }[];
  log: LogEntry[];
  /** Each file's last sampled text (what `kernel-lab cat` prints for the run). */
  lastText: Record<string, string>;
  endNs: number;
}

/** One CSV record (RFC 4180 quoting, no line breaks inside: the script writes them as \n). */
function splitRow(line: string, at: (col: number, msg: string) => RealImportError): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw at(i + 1, 'unterminated quoted field');
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
    } else {
      const c = line.indexOf(',', i);
      out.push(line.slice(i, c < 0 ? line.length : c));
      i = c < 0 ? line.length : c;
    }
    if (i >= line.length) return out;
    if (line[i] !== ',') throw at(i + 1, `expected "," after a quoted field, got "${line[i]}"`);
    i++;
  }
}

const unescape = (s: string): string => s.replace(/\\n/g, '\n');

export function parseRealCsv(text: string, file: string): RealSamples {
  const lines = text.split(/\r?\n/);
  const at = (line: number, col: number, msg: string): RealImportError => new RealImportError(`${file}:${line}:${col}: ${msg}`);
  const first = lines[0] ?? '';
  if (!first.startsWith(`# ${REAL_SAMPLES_FORMAT} `)) {
    throw at(1, 1, `expected the first line "# ${REAL_SAMPLES_FORMAT} scenario=… interval_ns=…" (a CSV written by a kernel-lab reproduction script), got "${first.slice(0, 60)}"`);
  }
  const meta = new Map<string, string>();
  for (const l of lines.filter((x) => x.startsWith('# '))) for (const m of l.matchAll(/(\w+)=(\S*)/g)) meta.set(m[1]!, m[2]!);
  const num = (key: string): number => {
    const v = Number(meta.get(key));
    if (!Number.isSafeInteger(v) || v <= 0) throw at(1, first.indexOf(key) + 1 || 1, `${key}: expected a positive integer, got "${meta.get(key) ?? ''}"`);
    return v;
  };
  const intervalNs = num('interval_ns');
  const durationNs = num('duration_ns');
  const header = lines.findIndex((l) => !l.startsWith('#'));
  if (header < 0 || lines[header] !== 't_ns,path,text') throw at(header < 0 ? lines.length : header + 1, 1, 'expected the header line "t_ns,path,text"');
  const byKey = new Map<string, { path: string; field: string; startIndex: number; values: number[] }>();
  const log: LogEntry[] = [];
  const lastText: Record<string, string> = {};
  let endNs = 0;
  for (let n = header + 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (line === '' || line.startsWith('#')) continue;
    const cells = splitRow(line, (col, msg) => at(n + 1, col, msg));
    if (cells.length !== 3) throw at(n + 1, 1, `expected 3 fields (t_ns,path,text), got ${cells.length}`);
    const [tText, path, raw] = cells as [string, string, string];
    const t = Number(tText);
    if (!/^\d+$/.test(tText) || !Number.isSafeInteger(t)) throw at(n + 1, 1, `t_ns: expected an integer number of nanoseconds, got "${tText}"`);
    endNs = Math.max(endNs, t);
    const col2 = tText.length + 2;
    if (path.startsWith('!')) {
      // A script event: !write:PATH with the value, !plug:DEV, !unplug:DEV.
      const m = /^!(write|plug|unplug):(.+)$/.exec(path);
      if (!m) throw at(n + 1, col2, `expected a file path or !write:PATH, !plug:DEV, !unplug:DEV, got "${path}"`);
      log.push(m[1] === 'write' ? { t_ns: t, kind: 'write', path: m[2]!, value: raw } : { t_ns: t, kind: m[1]!, device: m[2]! });
      continue;
    }
    if (!path.startsWith('/')) throw at(n + 1, col2, `path: expected an absolute path, got "${path}"`);
    const content = unescape(raw);
    lastText[path] = content.endsWith('\n') ? content : `${content}\n`;
    // Sample k is the one nearest k·interval: the script aims at those instants.
    const k = Math.round(t / intervalNs);
    for (const [field, value] of parseFields(content)) {
      const key = `${path}\u0000${field}`;
      let s = byKey.get(key);
      if (!s) byKey.set(key, (s = { path, field, startIndex: k, values: [] }));
      if (k < s.startIndex) continue;
      while (s.startIndex + s.values.length < k) s.values.push(NaN);
      // Two rows landing on one index (a late sample): the later one wins.
      if (s.startIndex + s.values.length === k + 1) s.values[k - s.startIndex] = value;
      else if (s.startIndex + s.values.length === k) s.values.push(value);
    }
  }
  if (byKey.size === 0) throw at(lines.length, 1, 'no samples: the file has a header but no rows with file contents');
  return {
    scenario: meta.get('scenario') ?? '',
    intervalNs,
    durationNs,
    cgroupVersion: Number(meta.get('cgroup_version') ?? 2),
    host: meta.get('host') ?? '',
    kernel: meta.get('kernel') ?? '',
    series: [...byKey.values()].map((s) => ({ path: s.path, field: s.field, startIndex: s.startIndex, values: Float64Array.from(s.values) })),
    log,
    lastText,
    endNs,
  };
}

/**
 * Store the measured samples as a finished run with `scenario` (the
 * simulated run's, so both runs describe the same experiment). Its summary
 * says it is real (REAL_SUMMARY_FORMAT), which the replay-based features
 * (trace export, files at time T) refuse.
 */
export function storeRealRun(store: SessionStore, samples: RealSamples, scenario: Scenario, name: string, source: string): string {
  const runId = store.createRun(name, { ...scenario, sampleIntervalNs: samples.intervalNs });
  const newSeries: SeriesInfo[] = samples.series.map((s, id) => ({ id, path: s.path, field: s.field, startIndex: s.startIndex }));
  const total = samples.series.reduce((n, s) => n + s.values.length, 0);
  const values = new Float64Array(total);
  let offset = 0;
  const entries = samples.series.map((s, seriesId) => {
    values.set(s.values, offset);
    const e = { seriesId, startIndex: s.startIndex, offset, count: s.values.length };
    offset += s.values.length;
    return e;
  });
  store.appendBatch(runId, { seq: 0, newSeries, entries, values });
  store.appendEvents(runId, samples.log);
  store.finishRun(runId, {
    status: 'complete',
    error: null,
    simNs: samples.endNs,
    wallMs: 0,
    events: 0,
    liveActions: [],
    summary: { format: REAL_SUMMARY_FORMAT, scenario: samples.scenario, host: samples.host, kernel: samples.kernel, source, simulated_ns: samples.endNs, files: samples.lastText, log: samples.log },
  });
  return runId;
}

export function isRealSummary(summary: unknown): boolean {
  return typeof summary === 'object' && summary !== null && (summary as { format?: unknown }).format === REAL_SUMMARY_FORMAT;
}
