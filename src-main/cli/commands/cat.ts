import { replayScenario } from '../../sim-host/run-driver';
import { Simulation } from '../../../src-sim/simulation';
import { KernelError } from '../../../src-sim/vfs/errors';
import { intOption, parseArgs, positionals } from '../args';
import { parseDurationOption, showDuration } from '../duration';
import { badInput } from '../errors';
import { openExisting, pickRun } from '../session-arg';
import type { RunSummary } from '../summary';
import { appVersion } from '../version';

export function catCommand(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): number {
  const args = parseArgs('cat', argv, { run: 'value', at: 'value' });
  const [file, path] = positionals('cat', args, ['SESSION', 'PATH']);
  const session = openExisting(file!);
  try {
    const runId = pickRun(session, file!, intOption('cat', 'run', args.values.get('run')));
    const at = args.values.get('at');
    if (at === undefined) {
      const summary = session.runSummary(runId) as RunSummary | null;
      if (!summary) throw badInput(`${file}: run ${runId} has no final state (${session.getRun(runId)!.status}); use --at T`);
      const text = summary.files[path!];
      if (text === undefined) throw badInput(`${file}: run ${runId}: ${path}: No such file or directory (ENOENT)`);
      out(text);
      return 0;
    }
    const atNs = parseDurationOption('cat', 'at', at);
    const inputs = session.runInputs(runId)!;
    if (atNs > inputs.scenario.durationNs) {
      throw badInput(`kernel-lab cat: --at ${at} is after the end of run ${runId} (${showDuration(inputs.scenario.durationNs)})`);
    }
    const stored = session.getRun(runId)!.appVersion;
    if (stored !== appVersion()) err(`kernel-lab cat: note: run ${runId} was made by Kernel Lab ${stored}; replaying with ${appVersion()}\n`);
    // Deterministic replay: the resolved scenario plus the run's live actions.
    const sim = new Simulation(replayScenario(inputs.scenario, inputs.actions));
    sim.advance(atNs);
    try {
      out(sim.kernel.vfs.read(path!));
    } catch (e) {
      if (e instanceof KernelError) throw badInput(`${file}: run ${runId} at ${at}: ${e.message}`);
      throw e;
    }
    return 0;
  } finally {
    session.close();
  }
}
