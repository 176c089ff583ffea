import { parseArgs, positionals } from '../args';
import { showDuration } from '../duration';
import { readScenarioFile } from '../scenario-input';

export function validateCommand(argv: readonly string[], out: (s: string) => void): number {
  const args = parseArgs('validate', argv, { allow: 'value' });
  const [file] = positionals('validate', args, ['SCENARIO']);
  const allow = args.values.get('allow');
  const { scenario: s } = readScenarioFile(file!, allow === undefined ? [] : [allow]);
  const tasks = s.tasks.reduce((n, t) => n + t.count, 0);
  out(
    `${file}: ok (${s.name}: ${s.machine.cpus} CPUs, ${s.cgroups.length} cgroups, ${tasks} tasks, ${s.timeline.length} timeline actions, ${showDuration(s.durationNs)})\n`,
  );
  return 0;
}
