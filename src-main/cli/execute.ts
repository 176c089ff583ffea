import type { LogEntry } from '../../src-sim/engine/event-log';
import type { Scenario } from '../../src-sim/scenario/types';
import { WorkerPool, type RunResult } from '../sim-host/pool';
import type { Progress } from '../sim-host/protocol';
import type { Session } from '../store/session';
import { buildSummary, type RunSummary } from './summary';
import { appVersion } from './version';
import { badInput } from './errors';

export interface ExecuteOptions {
  session?: Session;
  /** The scenario file as given, kept in the session next to the resolved scenario. */
  source?: { file: string; text: string };
  onProgress?: (p: Progress) => void;
  /** Store the run as a fork of this run, departing at atNs. */
  parent?: { runId: number; atNs: number };
  name?: string;
}

export interface Executed {
  result: RunResult;
  summary: RunSummary | null;
  runId: number | null;
}

/**
 * Run one scenario in a simulator worker; with a session, stream its series
 * and log into it as they arrive (each batch one transaction). Ctrl-C
 * cancels the run, which is then stored as cancelled.
 */
export async function executeRun(scenario: Scenario, opts: ExecuteOptions = {}): Promise<Executed> {
  const pool = new WorkerPool({ size: 1 });
  const session = opts.session;
  const scenarioId = session && opts.source ? session.addScenario(scenario.name, opts.source.file, opts.source.text) : null;
  const writer = session?.beginRun({ scenarioId, appVersion: appVersion(), scenario, ...(opts.parent ? { parent: opts.parent } : {}), ...(opts.name ? { name: opts.name } : {}) }) ?? null;
  const log: LogEntry[] = [];
  const handle = pool.start(scenario);
  // A write that fails (full disk, file size limit, read-only file) stops the
  // run; what was committed before stays, and the command reports it as bad
  // input naming the file instead of crashing in a callback.
  let storeError: Error | null = null;
  const store = (write: () => void): void => {
    if (storeError) return;
    try {
      write();
    } catch (e) {
      storeError = e as Error;
      handle.cancel();
    }
  };
  handle.onBatch((b) => store(() => writer?.addBatch(b)));
  handle.onLog((entries) => {
    log.push(...entries);
    store(() => writer?.addLog(entries));
  });
  // A failed run reports only its error: keep where it had got to.
  let last: Progress | null = null;
  handle.onProgress((p) => {
    last = p;
    opts.onProgress?.(p);
  });
  const onSigint = (): void => handle.cancel();
  process.once('SIGINT', onSigint);
  let result: RunResult;
  try {
    result = await handle.done;
  } finally {
    process.off('SIGINT', onSigint);
    await pool.close();
  }
  if (storeError) {
    const e = storeError as Error & { code?: unknown };
    throw badInput(`${session?.file ?? 'session'}: cannot write the session (${String(e.code ?? e.name)}: ${e.message}); the run stopped there, runs committed before are kept`);
  }
  if (result.status === 'failed') {
    const p = last as Progress | null;
    writer?.finish({
      status: 'failed',
      error: result.error,
      simulatedNs: p?.simNs ?? 0,
      wallMs: p?.wallMs ?? 0,
      events: p?.events ?? 0,
      actions: [],
      summary: null,
    });
    return { result, summary: null, runId: writer?.id ?? null };
  }
  const summary = buildSummary(scenario, result, log);
  writer?.finish({
    status: result.status,
    simulatedNs: result.simulatedNs,
    wallMs: result.wallMs,
    events: result.events,
    actions: result.liveActions,
    summary,
  });
  return { result, summary, runId: writer?.id ?? null };
}
