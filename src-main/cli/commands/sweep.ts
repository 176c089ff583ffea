import { localExecutor } from '../../experiments/executors';
import { planSweep } from '../../experiments/plan';
import { runExperiment, type Executor } from '../../experiments/run-experiment';
import { RedisUnavailable } from '../../experiments/redis/connection';
import { redisExecutor } from '../../experiments/redis/coordinator';
import { SWEEP_RESULT_FORMAT, summarisePoints, sweepTable } from '../../experiments/sweep-result';
import { intOption, parseArgs, positionals } from '../args';
import { badInput, CliError } from '../errors';
import { progressPrinter } from '../experiment-progress';
import { openForWrite } from '../session-arg';
import { confinedReader } from '../read-input';
import { readSweepFile } from '../sweep-input';
import { storedPointCount } from '../../store/experiments';
import type { Session } from '../../store/session';

/**
 * `kernel-lab sweep SWEEP`: every point × seed of a kernel-lab/sweep@1 file on
 * the local pool (or BullMQ workers with --redis), each stored in the session
 * as a run as soon as it finishes; a rerun resumes.
 */
export async function sweepCommand(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const args = parseArgs('sweep', argv, { session: 'value', jobs: 'value', redis: 'value', json: 'flag', progress: 'flag' });
  const [file] = positionals('sweep', args, ['SWEEP']);
  const jobs = intOption('sweep', 'jobs', args.values.get('jobs'));
  if (jobs === 0) throw badInput('kernel-lab sweep: --jobs: expected at least 1');
  const { spec, base } = readSweepFile(file!);
  const plan = planSweep(spec, { text: base.text, file: base.file, name: base.scenario.name }, confinedReader(base.file));
  const sessionFile = args.values.get('session');
  const redis = args.values.get('redis');
  if (redis !== undefined && sessionFile === undefined) throw badInput('kernel-lab sweep: --redis needs --session FILE.klab (the results are gathered there)');
  const session = sessionFile === undefined ? undefined : openForWrite(sessionFile);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    let executor: Executor;
    try {
      executor = redis !== undefined ? await redisExecutor({ url: redis, session: session!, metrics: spec.metrics }) : localExecutor({ size: jobs, metrics: spec.metrics, session });
    } catch (e) {
      if (e instanceof RedisUnavailable) throw new CliError(2, e.message);
      throw e;
    }
    const onProgress = progressPrinter(err, args.flags.has('progress'));
    let outcome;
    try {
      outcome = await runExperiment(plan, { session, executor, onProgress, signal: controller.signal });
    } catch (e) {
      if (e instanceof RedisUnavailable && session) {
        throw new CliError(1, `${e.message}\n${storedNote(session, plan.identity, plan.jobs.length, sessionFile!)}`);
      }
      throw e;
    }
    if (process.stderr.isTTY && !args.flags.has('progress')) err('\r\x1b[K');
    const summary = summarisePoints(spec, plan.points, outcome.results);
    if (args.flags.has('json')) {
      out(
        `${JSON.stringify({
          format: SWEEP_RESULT_FORMAT,
          name: spec.name,
          experiment: outcome.experimentId,
          seeds: spec.seeds,
          knobs: spec.knobs.map((k) => ({ label: k.label, values: k.values })),
          metrics: spec.metrics.map((m) => m.label),
          points: summary,
        })}\n`,
      );
    } else {
      out(sweepTable(spec, summary));
      if (outcome.experimentId !== null) {
        out(`\nstored as experiment ${outcome.experimentId} in ${sessionFile}${outcome.resumed ? ` (${outcome.resumed} runs were already stored)` : ''}\n`);
      }
    }
    if (outcome.unfinished) {
      err(`kernel-lab sweep: cancelled with ${outcome.unfinished} of ${plan.jobs.length} runs not done${session ? '; run the same command again to finish them' : ''}\n`);
      return 1;
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    session?.close();
  }
}

function storedNote(session: Session, identity: string, total: number, file: string): string {
  return `kernel-lab sweep: ${storedPointCount(session, identity)} of ${total} runs are stored in ${file}; run the same command again to resume`;
}
