import { fail } from '../../vfs/errors';

/** Format a CPU set the way the kernel prints cpulists ("0-3,6"); "" for none. */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * Parse a cpulist ("0-3,6", "0-7:2/4" as lib/bitmap.c: bitmap_parselist does).
 * CPUs at or above `nrCpus` fail with EINVAL (not a subset of the possible CPUs).
 */
export function parseCpuList(text: string, nrCpus: number): number[] {
  const t = text.trim();
  if (t === '') return [];
  const out = new Set<number>();
  for (const part of t.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+)\/(\d+))?)?$/.exec(part.trim());
    if (!m) fail('EINVAL', `"${text}" is not a CPU list`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    const used = m[3] === undefined ? 1 : Number(m[3]);
    const group = m[4] === undefined ? 1 : Number(m[4]);
    if (b < a || used === 0 || group === 0 || used > group) fail('EINVAL', `bad range "${part}"`);
    for (let c = a; c <= b; c++) {
      if ((c - a) % group >= used) continue;
      if (c >= nrCpus) fail('EINVAL', `CPU ${c} does not exist (CPUs 0-${nrCpus - 1})`);
      out.add(c);
    }
  }
  return [...out].sort((x, y) => x - y);
}

/** kstrtoull: decimal digits (optional leading +), else EINVAL. */
export function parseU64(s: string): number {
  const t = s.trim();
  if (!/^\+?\d+$/.test(t)) fail('EINVAL', `expected an unsigned integer, got "${s}"`);
  const v = Number(t);
  if (!Number.isSafeInteger(v)) fail('ERANGE', `${s} is out of range`);
  return v;
}

/** kstrtoll: optional sign and decimal digits, else EINVAL. */
export function parseS64(s: string): number {
  const t = s.trim();
  if (!/^[-+]?\d+$/.test(t)) fail('EINVAL', `expected an integer, got "${s}"`);
  const v = Number(t);
  if (!Number.isSafeInteger(v)) fail('ERANGE', `${s} is out of range`);
  return v;
}

/** kstrtobool: 1/0, y/n, on/off (first characters as the kernel reads them). */
export function parseBool(s: string): boolean {
  const t = s.trim().toLowerCase();
  if (t === '1' || t === 'y' || t === 'yes' || t === 'on' || t === 't' || t === 'true') return true;
  if (t === '0' || t === 'n' || t === 'no' || t === 'off' || t === 'f' || t === 'false') return false;
  return fail('EINVAL', `expected 0 or 1, got "${s}"`);
}
