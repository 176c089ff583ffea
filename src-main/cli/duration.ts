import { badInput } from './errors';

// The scenario format's duration units (issue 2 §4: ns us ms s m).
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9 };

/** "10s", "250ms", "1.5s" → integer ns, for --duration and --at. */
export function parseDurationOption(command: string, name: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m)$/.exec(text.trim());
  const ns = m ? Math.round(Number(m[1]) * UNIT_NS[m[2]!]!) : NaN;
  if (!Number.isSafeInteger(ns)) {
    throw badInput(`kernel-lab ${command}: --${name}: expected a duration like 2ms (units ns, us, ms, s, m), got "${text}"`);
  }
  return ns;
}

/** 1500000000 → "1.5s": the largest unit that keeps the number readable. */
export function showDuration(ns: number): string {
  if (ns >= 1e9 || ns === 0) return `${+(ns / 1e9).toFixed(3)}s`;
  if (ns >= 1e6) return `${+(ns / 1e6).toFixed(3)}ms`;
  if (ns >= 1e3) return `${+(ns / 1e3).toFixed(3)}us`;
  return `${ns}ns`;
}
