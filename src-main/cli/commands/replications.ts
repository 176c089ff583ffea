import { parseSeeds } from '../../../src-sim/sweep/load';
import { SWEEP_FORMAT, type SweepSpec } from '../../../src-sim/sweep/types';
import { aggregateFinalFields } from '../../experiments/aggregate';
import { localExecutor } from '../../experiments/executors';
import { planSweep } from '../../experiments/plan';
import { runExperiment } from '../../experiments/run-experiment';
import { meanCi, showMeanCi } from '../../experiments/stats';
import { confinedReader } from '../read-input';
import { badInput, CliError } from '../errors';
import { progressPrinter } from '../experiment-progress';
import type { LoadedScenario } from '../scenario-input';
import { openForWrite } from '../session-arg';
import type { RunSummary } from '../summary';
import { replicationTable } from '../table';

export const REPLICATIONS_FORMAT = 'kernel-lab/replications@1';

export interface ReplicationArgs {
  loaded: LoadedScenario;
  seedsText: string;
  durationNs: number | undefined;
  sessionFile: string | undefined;
  jobs: number | undefined;
  json: boolean;
  progress: boolean;
  /** Paths named with --allow (fio jobs outside the scenario's folder). */
  allowed: readonly string[];
}

/**
 * `kernel-lab run SCENARIO --seeds 1..30`: one run per seed on the worker
 * pool (every core), then every table cell as mean ± 95 % CI. With --session
 * every run is stored, and a rerun of the same command resumes: seeds already
 * stored are not run again.
 */
export async function replicationsCommand(a: ReplicationArgs, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const seeds = parseSeeds(a.seedsText);
  if (typeof seeds === 'string') throw badInput(`kernel-lab run: --seeds: ${seeds}`);
  const spec: SweepSpec = {
    format: SWEEP_FORMAT,
    name: `${a.loaded.scenario.name} × ${seeds.length} seeds`,
    description: '',
    scenario: a.loaded.file,
    durationNs: a.durationNs ?? null,
    seeds,
    knobs: [],
    metrics: [],
  };
  const plan = planSweep(spec, { text: a.loaded.text, file: a.loaded.file, name: a.loaded.scenario.name }, confinedReader(a.loaded.file, a.allowed));
  const session = a.sessionFile === undefined ? undefined : openForWrite(a.sessionFile);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const onProgress = progressPrinter(err, a.progress);
    const outcome = await runExperiment(plan, { session, executor: localExecutor({ size: a.jobs, metrics: [], session }), onProgress, signal: controller.signal });
    if (process.stderr.isTTY && !a.progress) err('\r\x1b[K');
    const failed = outcome.results.filter((r) => r.status === 'failed');
    for (const f of failed) err(`kernel-lab run: seed ${f.seed}: ${f.error}\n`);
    const summaries = outcome.results.map((r) => r.summary).filter((s): s is RunSummary => s !== null);
    if (a.json) {
      out(
        `${JSON.stringify({
          format: REPLICATIONS_FORMAT,
          scenario: a.loaded.scenario.name,
          seeds,
          experiment: outcome.experimentId,
          runs: outcome.results.map((r) => ({ seed: r.seed, status: r.status, error: r.error, run_id: r.runId })),
          final: aggregateFinalFields(summaries),
        })}\n`,
      );
    } else if (summaries.length) {
      out(replicationTable(summaries, a.loaded.scenario.machine.cpus, (xs) => showMeanCi(meanCi(xs))));
      if (outcome.experimentId !== null) {
        out(`\nstored as experiment ${outcome.experimentId} in ${a.sessionFile}${outcome.resumed ? ` (${outcome.resumed} seeds were already stored)` : ''}\n`);
      }
    }
    if (outcome.unfinished) {
      err(`kernel-lab run: cancelled with ${outcome.unfinished} of ${seeds.length} seeds not run${session ? '; run the same command again to finish them' : ''}\n`);
      return 1;
    }
    if (!summaries.length) throw new CliError(1, `kernel-lab run: ${a.loaded.file}: every seed failed`);
    return failed.length ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    session?.close();
  }
}
