import { intOption, parseArgs, positionals } from '../args';
import type { Progress } from '../../sim-host/protocol';
import { parseDurationOption, showDuration } from '../duration';
import { badInput, CliError } from '../errors';
import { replicationsCommand } from './replications';
import { executeRun } from '../execute';
import { readScenarioFile } from '../scenario-input';
import { openForWrite } from '../session-arg';
import { summaryTable } from '../table';
import { withDuration } from '../../../src-sim/scenario/duration';

export async function runCommand(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const args = parseArgs('run', argv, { seed: 'value', seeds: 'value', jobs: 'value', duration: 'value', session: 'value', json: 'flag', progress: 'flag', allow: 'value' });
  const [file] = positionals('run', args, ['SCENARIO']);
  const seed = intOption('run', 'seed', args.values.get('seed'));
  const duration = args.values.get('duration');
  const durationNs = duration === undefined ? undefined : parseDurationOption('run', 'duration', duration);
  // Everything is validated before the session is opened: an invalid
  // scenario writes nothing anywhere.
  const allow = args.values.get('allow');
  const raw = readScenarioFile(file!, allow === undefined ? [] : [allow]);
  // Run and store what is applied: actions past a shorter --duration never
  // run, and a stored timeline beyond its duration could not be reopened (issue 16).
  const cut = durationNs === undefined ? null : withDuration(raw.scenario, durationNs);
  for (const a of cut?.dropped ?? []) err(`kernel-lab run: ${file}: --duration ${showDuration(durationNs!)}: the timeline action at ${showDuration(a.atNs)} is after the end and is not applied\n`);
  const loaded = cut ? { ...raw, scenario: cut.scenario } : raw;
  const seedsText = args.values.get('seeds');
  if (seedsText !== undefined) {
    if (seed !== undefined) throw badInput('kernel-lab run: give --seed N (one run) or --seeds FIRST..LAST (replications), not both');
    const jobs = intOption('run', 'jobs', args.values.get('jobs'));
    if (jobs === 0) throw badInput('kernel-lab run: --jobs: expected at least 1');
    return replicationsCommand(
      { loaded, seedsText, durationNs, sessionFile: args.values.get('session'), jobs, json: args.flags.has('json'), progress: args.flags.has('progress'), allowed: allow === undefined ? [] : [allow] },
      out,
      err,
    );
  }
  const scenario = { ...loaded.scenario };
  if (seed !== undefined) scenario.seed = seed;
  const sessionFile = args.values.get('session');
  const session = sessionFile === undefined ? undefined : openForWrite(sessionFile);
  try {
    // Progress on a terminal only: stdout stays clean for --json and pipes.
    const tty = process.stderr.isTTY === true;
    const onProgress = tty
      ? (p: Progress): void =>
          err(`\r${showDuration(p.simNs)} / ${showDuration(p.durationNs)} simulated, ${(p.eventsPerSec / 1e6).toFixed(2)} M events/s   `)
      : undefined;
    const { result, summary, runId } = await executeRun(scenario, { session, source: { file: loaded.file, text: loaded.text }, onProgress });
    if (tty) err('\r\x1b[K');
    if (result.status === 'failed') throw new CliError(1, `kernel-lab run: ${file}: ${result.error}`);
    if (args.flags.has('json')) out(`${JSON.stringify(summary)}\n`);
    else {
      out(summaryTable(summary!, scenario.machine.cpus));
      if (runId !== null) out(`\nstored as run ${runId} in ${sessionFile}\n`);
    }
    if (result.status === 'cancelled') {
      err(`kernel-lab run: cancelled at ${result.simulatedNs} ns\n`);
      return 1;
    }
    return 0;
  } finally {
    session?.close();
  }
}
