import { badInput } from './errors';

/** Options a command accepts: name → whether it takes a value. */
export type OptionSpec = Record<string, 'value' | 'flag'>;

export interface ParsedArgs {
  positionals: string[];
  values: Map<string, string>;
  flags: Set<string>;
}

/** `--name value`, `--name=value` and `--flag`; anything else starting with "--" is refused. */
export function parseArgs(command: string, argv: readonly string[], spec: OptionSpec): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name];
    if (!kind) throw badInput(`kernel-lab ${command}: unknown option --${name} (see kernel-lab ${command} --help)`);
    if (kind === 'flag') {
      if (eq >= 0) throw badInput(`kernel-lab ${command}: --${name} takes no value`);
      out.flags.add(name);
      continue;
    }
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw badInput(`kernel-lab ${command}: --${name} expects a value`);
    out.values.set(name, value);
  }
  return out;
}

/** Exactly `names.length` positionals, named for the message. */
export function positionals(command: string, args: ParsedArgs, names: string[]): string[] {
  if (args.positionals.length !== names.length) {
    throw badInput(
      `kernel-lab ${command}: expected ${names.join(' ')}, got ${args.positionals.length ? args.positionals.join(' ') : 'nothing'} (see kernel-lab ${command} --help)`,
    );
  }
  return args.positionals;
}

/** A non-negative integer option (seed, run id). */
export function intOption(command: string, name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw badInput(`kernel-lab ${command}: --${name}: expected a non-negative integer, got "${text}"`);
  }
  return Number(text);
}
