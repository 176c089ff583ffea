import { parseRealCsv, RealImportError, storeRealRun, isRealSummary } from '../../lab/real-import';
import { SqliteStore } from '../../lab/store-adapter';
import { intOption, parseArgs, positionals } from '../args';
import { badInput } from '../errors';
import { MAX_MEASUREMENT_BYTES, readInputFile } from '../read-input';
import { openExistingForWrite } from '../session-arg';

/**
 * `kernel-lab import-real CSV --session S`: the samples a reproduction script
 * took on a real machine become a run of the session, with the scenario of
 * the simulated run it reproduces (--run, or the latest run of the scenario
 * the CSV names), so Compare overlays model and reality.
 */
export function importRealCommand(argv: readonly string[], out: (s: string) => void): number {
  const args = parseArgs('import-real', argv, { session: 'value', run: 'value', name: 'value' });
  const [csv] = positionals('import-real', args, ['CSV']);
  const file = args.values.get('session');
  if (file === undefined) throw badInput('kernel-lab import-real: --session FILE.klab is required (the session holding the simulated run)');
  const text = readInputFile(csv!, MAX_MEASUREMENT_BYTES);
  let samples;
  try {
    samples = parseRealCsv(text, csv!);
  } catch (e) {
    if (e instanceof RealImportError) throw badInput(e.message);
    throw e;
  }
  const session = openExistingForWrite(file);
  try {
    const runs = session.listRuns().filter((r) => !isRealSummary(session.runSummary(r.id)));
    const wanted = intOption('import-real', 'run', args.values.get('run'));
    const source =
      wanted !== undefined
        ? runs.find((r) => r.id === wanted)
        : [...runs].reverse().find((r) => session.runInputs(r.id)?.scenario.name === samples.scenario);
    if (!source) {
      throw badInput(
        wanted !== undefined
          ? `${file}: no simulated run ${wanted} (simulated runs: ${runs.map((r) => r.id).join(', ') || 'none'})`
          : `${file}: no simulated run of scenario "${samples.scenario}" (named in ${csv}); pass --run ID`,
      );
    }
    const scenario = session.runInputs(source.id)!.scenario;
    const store = new SqliteStore(session);
    const name = args.values.get('name') ?? `real: ${samples.host || 'machine'} ${samples.kernel}`.trim();
    const id = storeRealRun(store, samples, scenario, name, csv!);
    out(`imported ${samples.series.length} series (${samples.log.length} events) from ${csv} as run ${id} "${name}" beside run ${source.id} in ${file}\n`);
    return 0;
  } finally {
    session.close();
  }
}
