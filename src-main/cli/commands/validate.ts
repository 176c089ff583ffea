import { parseArgs, positionals } from '../args';
import { showDuration } from '../duration';
import { readScenarioFile } from '../scenario-input';

export function validateCommand(argv: readonly string[], out: (s: string) => void): number {
  const [file] = positionals('validate', parseArgs('validate', argv, {}), ['SCENARIO']);
  const { scenario: s } = readScenarioFile(file!);
  const tasks = s.tasks.reduce((n, t) => n + t.count, 0);
  out(
    `${file}: ok (${s.name}: ${s.machine.cpus} CPUs, ${s.cgroups.length} cgroups, ${tasks} tasks, ${s.timeline.length} timeline actions, ${showDuration(s.durationNs)})\n`,
  );
  return 0;
}
