import { forkName, forkScenario } from '../../experiments/fork';
import { checkResolvedScenario } from '../../../src-sim/scenario/load';
import { intOption, parseArgs, positionals } from '../args';
import { parseDurationOption, showDuration } from '../duration';
import { badInput, CliError } from '../errors';
import { executeRun } from '../execute';
import { openExistingForWrite, pickRun } from '../session-arg';
import { summaryTable } from '../table';

/**
 * `kernel-lab fork SESSION --run ID --at T --write PATH=VALUE`: replay a
 * stored run to T, write the changed knob there, run on, and store the
 * result as a child of the run.
 */
export async function forkCommand(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const args = parseArgs('fork', argv, { run: 'value', at: 'value', write: 'value', json: 'flag' });
  const [file] = positionals('fork', args, ['SESSION']);
  const at = args.values.get('at');
  const write = args.values.get('write');
  if (at === undefined) throw badInput('kernel-lab fork: --at T is required (the simulated time to fork at, e.g. 2s)');
  if (write === undefined) throw badInput('kernel-lab fork: --write PATH=VALUE is required (the knob to change at T)');
  const eq = write.indexOf('=');
  if (eq <= 0 || !write.startsWith('/')) throw badInput(`kernel-lab fork: --write: expected /virtual/file=VALUE, got "${write}"`);
  const change = { path: write.slice(0, eq), value: write.slice(eq + 1) };
  const atNs = parseDurationOption('fork', 'at', at);
  const session = openExistingForWrite(file!);
  try {
    const runId = pickRun(session, file!, intOption('fork', 'run', args.values.get('run')));
    const row = session.getRun(runId)!;
    if (row.status !== 'complete') throw badInput(`${file}: run ${runId} is ${row.status}; fork a complete run`);
    const inputs = session.runInputs(runId)!;
    if (atNs > inputs.scenario.durationNs) {
      throw badInput(`kernel-lab fork: --at ${at} is after the end of run ${runId} (${showDuration(inputs.scenario.durationNs)})`);
    }
    const child = forkScenario(inputs.scenario, inputs.actions, atNs, change);
    // The kernel's verdict on the write at T, before anything is stored.
    const issues = checkResolvedScenario(child);
    if (issues.length) throw badInput(`kernel-lab fork: ${file}: run ${runId} at ${at}: ${issues.map((i) => i.message).join('; ')}`);
    err(`kernel-lab fork: replaying run ${runId} to ${showDuration(atNs)}, then ${change.path}=${change.value}\n`);
    const { result, summary, runId: childId } = await executeRun(child, { session, parent: { runId, atNs }, name: forkName(row.name, runId, at, change) });
    if (result.status === 'failed') throw new CliError(1, `kernel-lab fork: ${result.error}`);
    if (args.flags.has('json')) out(`${JSON.stringify(summary)}\n`);
    else {
      out(summaryTable(summary!, child.machine.cpus));
      out(`\nstored as run ${childId} in ${file} (fork of run ${runId} at ${showDuration(atNs)}: ${change.path}=${change.value})\n`);
    }
    return result.status === 'complete' ? 0 : 1;
  } finally {
    session.close();
  }
}
