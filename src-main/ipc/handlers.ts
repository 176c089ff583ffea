import { KernelError } from '../../src-sim/vfs/errors';
import { calibrateRequest } from '../lab/calibrate-request';
import { LabError } from '../lab/errors';
import type { LabConnection, LabService } from '../lab/service';
import { SessionPathError } from '../lab/session-paths';
import { SessionError } from '../store/session-file';
import type { Channel, ErrorReply, Req, Res } from './contract';
import { InvalidRequestError, isChannel, validateRequest } from './schemas';

type Handlers = { [C in Channel]: (req: Req<C>) => Res<C> | Promise<Res<C>> };

/** The contract's channels bound to the service for one client. */
function handlers(lab: LabService, c: LabConnection): Handlers {
  return {
    'session/info': () => lab.sessionInfo(),
    'session/new': (r) => lab.newSession(r.path),
    'session/open': (r) => lab.openSession(r.path),
    'session/saveAs': (r) => lab.saveSessionAs(r.path),
    'session/close': () => lab.closeSession(),
    'session/recent': () => ({ paths: lab.recentSessions() }),
    'run/start': (r) => lab.startRun(r.scenario, r.name, { paused: r.paused, pace: r.pace }),
    'run/cancel': (r) => lab.cancelRun(r.runId),
    'run/pause': (r) => lab.pauseRun(r.runId),
    'run/resume': (r) => lab.resumeRun(r.runId),
    'run/pace': (r) => lab.paceRun(r.runId, r.pace),
    'run/act': (r) => lab.act(r.runId, r.action),
    'run/list': () => ({ runs: lab.listRuns() }),
    'run/fork': (r) => lab.forkRun(r.runId, r.atNs, r.write),
    'experiment/replicate': (r) => lab.replicate(r.scenario, r.seeds, r.name),
    'experiment/cancel': (r) => lab.cancelExperiment(r.experimentId),
    'experiment/sweep': (r) => lab.sweep(r),
    'experiment/list': () => ({ sweeps: lab.listSweeps() }),
    'experiment/result': (r) => lab.sweepResult(r.experimentId),
    'query/bands': (r) => lab.bands(r.runIds, r.path, r.field, r.points),
    'stats/welch': (r) => lab.welch(r.a, r.b, r.path, r.field),
    'run/get': (r) => lab.getRun(r.runId),
    'run/subscribe': (r) => {
      lab.subscribe(c, r.runId);
      return { subscribed: true };
    },
    'run/unsubscribe': (r) => {
      lab.unsubscribe(c, r.runId);
      return { subscribed: false };
    },
    'query/series': (r) => lab.seriesCatalogue(r.runId),
    'query/window': (r) => ({ series: lab.window(r.runId, r.seriesIds, r.t0Ns, r.t1Ns, r.points, r.method) }),
    'query/file': async (r) => ({ path: r.path, atNs: r.atNs, text: await lab.fileAt(r.runId, r.path, r.atNs) }),
    'query/files': async (r) => ({ paths: await lab.filesAt(r.runId, r.atNs) }),
    'query/events': (r) => lab.events(r.runId, r),
    'query/timeline': (r) => ({ actions: lab.timeline(r.runId) }),
    'export/series': (r) => lab.exportSeries(r.runId, r.seriesIds, r.format),
    'export/scenario': (r) => lab.exportScenario(r.runId, r.format),
    'export/summary': (r) => lab.exportSummary(r.runId),
    'export/trace': (r) => lab.exportTrace(r.runId),
    'export/script': (r) => lab.exportScript(r.runId),
    'import/real': (r) => lab.importReal(r.text, r.fileName, r.runId),
    'device/calibrate': (r) => calibrateRequest(r),
  };
}

export type Reply = { ok: true; result: unknown } | { ok: false; error: ErrorReply };

/**
 * Serve one request from a client: check the channel, validate the payload
 * with zod, call the service; every failure becomes an error reply (the
 * transport never sees an exception, and the service keeps serving).
 */
export class Dispatcher {
  private readonly table: Handlers;

  constructor(lab: LabService, conn: LabConnection) {
    this.table = handlers(lab, conn);
  }

  async dispatch(channel: unknown, payload: unknown): Promise<Reply> {
    if (typeof channel !== 'string' || !isChannel(channel)) {
      return { ok: false, error: { code: 'unknown-channel', message: `unknown channel ${JSON.stringify(channel)}` } };
    }
    const ch: Channel = channel;
    try {
      const req = validateRequest(ch, payload);
      const fn = this.table[ch] as (r: Req<Channel>) => unknown;
      return { ok: true, result: await fn(req) };
    } catch (e) {
      return { ok: false, error: toErrorReply(channel, e) };
    }
  }
}

export function toErrorReply(channel: string, e: unknown): ErrorReply {
  if (e instanceof InvalidRequestError) return { code: 'invalid-request', message: e.message };
  // The kernel's own words (as a shell would print them) are passed on untouched.
  if (e instanceof LabError) return { code: e.code, message: e.code === 'kernel-error' ? e.message : `${channel}: ${e.message}` };
  if (e instanceof SessionError || e instanceof SessionPathError) return { code: 'refused', message: e.message };
  if (e instanceof KernelError) return { code: 'kernel-error', message: e.message };
  const err = e instanceof Error ? e : new Error(String(e));
  return { code: 'internal', message: `${channel}: ${err.message}` };
}
