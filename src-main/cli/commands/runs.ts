import { parseArgs, positionals } from '../args';
import { showDuration } from '../duration';
import { openExisting } from '../session-arg';

export function runsCommand(argv: readonly string[], out: (s: string) => void): number {
  const [file] = positionals('runs', parseArgs('runs', argv, {}), ['SESSION']);
  const session = openExisting(file!);
  try {
    const runs = session.listRuns();
    const rows = runs.map((r) => [
      String(r.id),
      r.name,
      String(r.seed),
      String(r.runNumber),
      r.status,
      showDuration(r.simulatedNs),
      (r.wallMs / 1000).toFixed(2),
      r.startedAt,
      r.error ?? '',
    ]);
    const head = ['id', 'name', 'seed', 'run', 'status', 'simulated', 'wall s', 'started', 'error'];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [head, ...rows]) out(`${r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()}\n`);
    return 0;
  } finally {
    session.close();
  }
}
