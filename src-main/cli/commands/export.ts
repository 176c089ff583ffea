import { buildChromeTrace } from '../../lab/chrome-trace';
import { isRealSummary } from '../../lab/real-import';
import { buildReproScript } from '../../lab/repro-script';
import { existsSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Session } from '../../store/session';
import { intOption, parseArgs, positionals } from '../args';
import { badInput } from '../errors';
import { openExisting, pickRun } from '../session-arg';

export function exportCommand(argv: readonly string[], out: (s: string) => void): number {
  const args = parseArgs('export', argv, { run: 'value', format: 'value', out: 'value' });
  const [file] = positionals('export', args, ['SESSION']);
  const format = args.values.get('format');
  if (format !== 'csv' && format !== 'json' && format !== 'perfetto' && format !== 'script') {
    throw badInput(`kernel-lab export: --format: expected csv, json, perfetto or script, got ${format === undefined ? 'nothing' : `"${format}"`}`);
  }
  const runArg = intOption('export', 'run', args.values.get('run'));
  if (runArg === undefined) throw badInput('kernel-lab export: --run ID is required (see kernel-lab runs SESSION)');
  const dest = args.values.get('out');
  if (dest !== undefined) checkDestination(file!, dest);
  const session = openExisting(file!);
  try {
    const runId = pickRun(session, file!, runArg);
    if ((format === 'perfetto' || format === 'script') && isRealSummary(session.runSummary(runId))) {
      throw badInput(`${file}: run ${runId} was measured on a real machine (import-real): --format ${format} needs a simulated run`);
    }
    const text =
      format === 'csv' ? exportCsv(session, runId) : format === 'json' ? exportJson(session, runId) : format === 'perfetto' ? exportTrace(session, runId) : exportScript(session, runId);
    const dest = args.values.get('out');
    if (dest === undefined) out(text);
    else writeAtomically(dest, text);
    return 0;
  } finally {
    session.close();
  }
}

/** The real path of `p`, or of its folder plus its name when it does not exist yet. */
function realish(p: string): string {
  const abs = resolve(p);
  if (existsSync(abs)) return realpathSync(abs);
  return existsSync(dirname(abs)) ? join(realpathSync(dirname(abs)), basename(abs)) : abs;
}

/** Never write over the session being read (or its WAL/SHM, which hold its newest pages), and say when the folder is missing. */
function checkDestination(session: string, dest: string): void {
  const target = realish(dest);
  const own = [session, `${session}-wal`, `${session}-shm`].map(realish);
  if (own.includes(target)) throw badInput(`kernel-lab export: --out ${dest}: that is the session being read (or its -wal/-shm); choose another file`);
  if (!existsSync(dirname(target))) throw badInput(`kernel-lab export: --out ${dest}: no such folder ${dirname(target)}`);
  if (existsSync(target) && !statSync(target).isFile()) throw badInput(`kernel-lab export: --out ${dest}: not a regular file`);
}

/** Temp file in the same folder, then rename: a reader (or a crash) sees the old file or the whole new one. */
function writeAtomically(dest: string, text: string): void {
  const tmp = join(dirname(resolve(dest)), `.${basename(dest)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw badInput(`kernel-lab export: --out ${dest}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; nothing was changed`);
  }
}

interface Column {
  name: string;
  startIndex: number;
  values: Float64Array;
}

function columns(session: Session, runId: number): { intervalNs: number; cols: Column[] } {
  const cat = session.seriesCatalogue(runId);
  const cols = cat.map((s) => {
    const { startIndex, values } = session.seriesValues(runId, s.seriesId);
    return { name: s.field ? `${s.path}:${s.field}` : s.path, startIndex, values };
  });
  return { intervalNs: cat[0]?.intervalNs ?? session.runInputs(runId)!.scenario.sampleIntervalNs, cols };
}

export function exportCsv(session: Session, runId: number): string {
  const { intervalNs, cols } = columns(session, runId);
  const n = Math.max(0, ...cols.map((c) => c.startIndex + c.values.length));
  const lines = [['time_ns', ...cols.map((c) => csvCell(c.name))].join(',')];
  for (let i = 0; i < n; i++) {
    const row = [String(i * intervalNs)];
    for (const c of cols) {
      const j = i - c.startIndex;
      row.push(j < 0 || j >= c.values.length ? '' : csvNumber(c.values[j]!));
    }
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function exportJson(session: Session, runId: number): string {
  const run = session.getRun(runId)!;
  const cat = session.seriesCatalogue(runId);
  const series = cat.map((s) => {
    const { values } = session.seriesValues(runId, s.seriesId);
    return {
      path: s.path,
      field: s.field,
      start_index: s.startIndex,
      interval_ns: s.intervalNs,
      values: Array.from(values, (v) => (Number.isNaN(v) ? null : v === Infinity ? 'max' : v)),
    };
  });
  return `${JSON.stringify({ format: 'kernel-lab/export@1', run, series })}\n`;
}

/** Chrome JSON trace (ui.perfetto.dev, chrome://tracing) of the run, by replaying it with tracing on. */
export function exportTrace(session: Session, runId: number): string {
  const inputs = session.runInputs(runId)!;
  const { intervalNs, cols } = columns(session, runId);
  const cat = session.seriesCatalogue(runId);
  const series = cat.map((s, i) => ({ path: s.path, field: s.field, startIndex: cols[i]!.startIndex, values: cols[i]!.values }));
  const trace = buildChromeTrace({ scenario: inputs.scenario, live: inputs.actions, series, intervalNs, runLabel: `${session.getRun(runId)!.name} (run ${runId})`, untilNs: session.getRun(runId)!.simulatedNs });
  return `${JSON.stringify(trace)}\n`;
}

/** Bash script reproducing the run on a real machine (lab/repro-script.ts). */
export function exportScript(session: Session, runId: number): string {
  const inputs = session.runInputs(runId)!;
  return buildReproScript({ scenario: inputs.scenario, live: inputs.actions, runLabel: `run ${runId} "${session.getRun(runId)!.name}"` });
}

function csvNumber(v: number): string {
  if (Number.isNaN(v)) return '';
  return v === Infinity ? 'max' : String(v);
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
