import { writeFileSync } from 'node:fs';
import { calibrate, deviceEntryYaml, errorTable } from '../../lab/calibrate';
import { flashTypeOf } from '../../lab/calibrate-request';
import { FioJsonError, parseFioJson, type FioMeasuredJob } from '../../lab/fio-json';
import { parseArgs, positionals } from '../args';
import { parseDurationOption } from '../duration';
import { badInput } from '../errors';
import { MAX_MEASUREMENT_BYTES, readInputFile } from '../read-input';

/**
 * `kernel-lab calibrate --fio-json R.json [--fio-json R2.json …]`: fit the
 * flash device model to fio results, print (or --out) the machine.devices
 * entry, then the model-vs-real error of every job.
 */
export function calibrateCommand(argv: readonly string[], out: (s: string) => void): number {
  // --fio-json may repeat: collect every occurrence before the generic parser.
  const files: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--fio-json') {
      const v = argv[++i];
      if (v === undefined) throw badInput('kernel-lab calibrate: --fio-json expects a value');
      files.push(v);
    } else if (a.startsWith('--fio-json=')) files.push(a.slice('--fio-json='.length));
    else rest.push(a);
  }
  const args = parseArgs('calibrate', rest, { type: 'value', name: 'value', out: 'value', 'sim-time': 'value' });
  positionals('calibrate', args, []);
  if (!files.length) throw badInput('kernel-lab calibrate: --fio-json RESULT.json is required (fio --output-format=json output)');
  const jobs: FioMeasuredJob[] = [];
  for (const f of files) {
    const text = readInputFile(f, MAX_MEASUREMENT_BYTES);
    try {
      jobs.push(...parseFioJson(text, f));
    } catch (e) {
      if (e instanceof FioJsonError) throw badInput(e.message);
      throw e;
    }
  }
  const typeArg = args.values.get('type');
  if (typeArg !== undefined && typeArg !== 'nvme' && typeArg !== 'ssd') throw badInput(`kernel-lab calibrate: --type: expected nvme or ssd (the flash model), got "${typeArg}"`);
  const type = typeArg ?? flashTypeOf(jobs);
  const simNs = args.values.has('sim-time') ? parseDurationOption('calibrate', 'sim-time', args.values.get('sim-time')!) : 200_000_000;
  const name = args.values.get('name') ?? (type === 'nvme' ? 'nvme0n1' : 'sda');
  const c = calibrate(jobs, type, simNs);
  const entry = deviceEntryYaml(c, name, files);
  const dest = args.values.get('out');
  if (dest === undefined) out(entry);
  else {
    writeFileSync(dest, entry);
    out(`wrote the device entry to ${dest}\n`);
  }
  for (const n of c.notes) out(`note: ${n}\n`);
  out(`\nmodel vs real (${jobs.length} jobs, each simulated for ${simNs / 1e6} ms):\n`);
  out(errorTable(c));
  return 0;
}
