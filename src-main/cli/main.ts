/**
 * The `kernel-lab` command (bin/kernel-lab.mjs calls main). Exit codes:
 * 0 ok, 2 bad input, 1 internal error.
 */
import { catCommand } from './commands/cat';
import { exportCommand } from './commands/export';
import { importRealCommand } from './commands/import-real';
import { calibrateCommand } from './commands/calibrate';
import { runCommand } from './commands/run';
import { runsCommand } from './commands/runs';
import { sweepCommand } from './commands/sweep';
import { workerCommand } from './commands/worker';
import { forkCommand } from './commands/fork';
import { validateCommand } from './commands/validate';
import { CliError } from './errors';
import { sessionFailure } from '../store/session-failure';
import { serveCommand } from '../serve/command';
import { fioCommand } from './fio-command';
import { HELP } from './help';
import { SessionError } from '../store/session-file';

type Command = (argv: readonly string[], out: (s: string) => void, err: (s: string) => void) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  validate: validateCommand,
  runs: runsCommand,
  cat: catCommand,
  export: exportCommand,
  fio: (argv, out, err) => fioCommand([...argv], out, err),
  sweep: (argv, out, err) => sweepCommand(argv, out, err),
  worker: workerCommand,
  fork: forkCommand,
  serve: (argv) => serveCommand([...argv]),
  'import-real': importRealCommand,
  calibrate: calibrateCommand,
};

/** The session file a command names: --session FILE, or the first positional of runs/cat/export. */
function sessionArg(name: string, rest: readonly string[]): string | null {
  const i = rest.findIndex((a) => a === '--session' || a.startsWith('--session='));
  if (i >= 0) return rest[i]!.includes('=') ? rest[i]!.slice('--session='.length) : (rest[i + 1] ?? null);
  return ['runs', 'cat', 'export'].includes(name) ? (rest.find((a) => !a.startsWith('--')) ?? null) : null;
}

function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
}

export async function main(argv: string[]): Promise<number> {
  // `kernel-lab … | head`: a closed pipe ends the output, it is not an error.
  if (!process.stdout.listeners('error').includes(onStdoutError)) process.stdout.on('error', onStdoutError);
  const out = (s: string): void => void process.stdout.write(s);
  const err = (s: string): void => void process.stderr.write(s);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(HELP.main!);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    err(`kernel-lab: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')}; see kernel-lab --help)\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out(HELP[name]!);
    return 0;
  }
  try {
    return await command(rest, out, err);
  } catch (e) {
    if (e instanceof CliError) {
      err(`${e.message}\n`);
      return e.exitCode;
    }
    // A session whose stored values are damaged (found while reading a run) is bad input, not a bug.
    if (e instanceof SessionError) {
      err(`kernel-lab ${name}: ${e.message}\n`);
      return 2;
    }
    const sqlite = sessionFailure(e);
    if (sqlite !== null) {
      err(`kernel-lab ${name}: ${sessionArg(name, rest) ?? 'session'}: ${sqlite}\n`);
      return 2;
    }
    err(`kernel-lab ${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
