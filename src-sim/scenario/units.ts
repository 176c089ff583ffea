/**
 * Units of the scenario format. Durations become integer nanoseconds, sizes
 * bytes, rates a count per second. Each parser throws a UnitError whose
 * message says what was expected and what was found, so the loader can put it
 * next to the file position.
 */

export class UnitError extends Error {
  constructor(
    readonly expected: string,
    readonly input: unknown,
    readonly why = '',
  ) {
    super(`expected ${expected}, got ${show(input)}${why ? ` (${why})` : ''}`);
    this.name = 'UnitError';
  }
}

export const EXPECT_DURATION = 'a duration like 2ms (units ns, us, ms, s, m)';
export const EXPECT_SIZE = 'a size like 512M (binary suffixes K, M, G, T or KiB, MiB, GiB, TiB; or a byte count)';
export const EXPECT_RATE = 'a rate like 200000/s (a count per s, ms, us, m or h)';
export const EXPECT_BANDWIDTH = 'a bandwidth like 200M/s (a size per second)';

/** A value as a message shows it: strings quoted, others as JSON. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return Array.isArray(v) ? 'a list' : 'a mapping';
}

const NS_PER: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  min: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const SIZE_SHIFT: Record<string, bigint> = { '': 0n, B: 0n, K: 10n, M: 20n, G: 30n, T: 40n, P: 50n, E: 60n };

const DECIMAL = /^(\d+(?:\.\d*)?|\.\d+)$/;

/**
 * mantissa × factor exactly, or null when the product is not an integer.
 * Decimal strings are scaled in BigInt so "1.1ms" is 1100000 ns, not
 * 1100000.0000000002.
 */
function exactScale(num: string, factor: bigint): bigint | null {
  const [int = '0', frac = ''] = num.split('.');
  const mant = BigInt((int || '0') + frac);
  const div = 10n ** BigInt(frac.length);
  const prod = mant * factor;
  return prod % div === 0n ? prod / div : null;
}

function toSafe(v: bigint, expected: string, input: unknown): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new UnitError(expected, input, 'too large');
  return Number(v);
}

/** "10s", "2ms", "1.5us", "100ns", "2m", "1h" → integer ns. A bare 0 is accepted; other bare numbers need a unit. */
export function parseDuration(v: unknown): number {
  if (v === 0) return 0;
  if (typeof v !== 'string') {
    throw new UnitError(EXPECT_DURATION, v, typeof v === 'number' ? 'a number needs a unit' : '');
  }
  const m = /^([0-9.]+)\s*([a-zµ]+)$/.exec(v.trim());
  const factor = m ? NS_PER[m[2]!] : undefined;
  if (!m || factor === undefined || !DECIMAL.test(m[1]!)) throw new UnitError(EXPECT_DURATION, v);
  const ns = exactScale(m[1]!, factor);
  if (ns === null) throw new UnitError(EXPECT_DURATION, v, 'not a whole number of nanoseconds');
  return toSafe(ns, EXPECT_DURATION, v);
}

/** Integer ns → the largest unit that divides it exactly ("1500us", "10s", "2m"). */
export function formatDuration(ns: number): string {
  if (!Number.isSafeInteger(ns) || ns < 0) throw new RangeError(`formatDuration: ${ns} is not a non-negative integer`);
  if (ns === 0) return '0s';
  for (const unit of ['h', 'm', 's', 'ms', 'us'] as const) {
    const f = Number(NS_PER[unit]);
    if (ns % f === 0) return `${ns / f}${unit}`;
  }
  return `${ns}ns`;
}

/**
 * "512M", "2G", "4KiB", "4096", 4096 → bytes. Suffixes are binary, as the
 * kernel's memparse() reads them (K/k = 2^10 … E/e = 2^60).
 */
export function parseSize(v: unknown): number {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && v >= 0) return v;
    throw new UnitError(EXPECT_SIZE, v, 'a byte count is a whole number ≥ 0');
  }
  if (typeof v !== 'string') throw new UnitError(EXPECT_SIZE, v);
  const m = /^([0-9.]+)\s*([A-Za-z]*)$/.exec(v.trim());
  if (!m || !DECIMAL.test(m[1]!)) throw new UnitError(EXPECT_SIZE, v);
  const suffix = m[2]!;
  let key: string | undefined;
  if (suffix === '' || suffix === 'B') key = suffix;
  else if (/^[KMGTPE]iB$/.test(suffix)) key = suffix[0];
  else if (/^[kmgtpeKMGTPE]$/.test(suffix)) key = suffix.toUpperCase();
  if (key === undefined) {
    const why = /^[KMGTPkmgtp]B$/.test(suffix) ? `"${suffix}" is ambiguous; write ${suffix[0]!.toUpperCase()} or ${suffix[0]!.toUpperCase()}iB` : '';
    throw new UnitError(EXPECT_SIZE, v, why);
  }
  const bytes = exactScale(m[1]!, 1n << SIZE_SHIFT[key]!);
  if (bytes === null) throw new UnitError(EXPECT_SIZE, v, 'not a whole number of bytes');
  return toSafe(bytes, EXPECT_SIZE, v);
}

/** Bytes → the largest binary suffix that divides exactly ("512M", "3G", "1000"). */
export function formatSize(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`formatSize: ${bytes} is not a non-negative integer`);
  if (bytes === 0) return '0';
  for (const [unit, shift] of [['E', 60], ['P', 50], ['T', 40], ['G', 30], ['M', 20], ['K', 10]] as const) {
    const f = 2 ** shift;
    if (bytes % f === 0) return `${bytes / f}${unit}`;
  }
  return String(bytes);
}

const PER_SECOND: Record<string, number> = { s: 1, ms: 1e3, us: 1e6, 'µs': 1e6, m: 1 / 60, min: 1 / 60, h: 1 / 3600 };

/** "200000/s", "50/ms", or a bare number (per second) → count per second. */
export function parseRate(v: unknown): number {
  if (typeof v === 'number') {
    if (Number.isFinite(v) && v >= 0) return v;
    throw new UnitError(EXPECT_RATE, v);
  }
  if (typeof v !== 'string') throw new UnitError(EXPECT_RATE, v);
  const m = /^([0-9.]+)\s*\/\s*([a-zµ]+)$/.exec(v.trim());
  const per = m ? PER_SECOND[m[2]!] : undefined;
  if (!m || per === undefined || !DECIMAL.test(m[1]!)) throw new UnitError(EXPECT_RATE, v);
  return Number(m[1]) * per;
}

export function formatRate(perSec: number): string {
  return `${perSec}/s`;
}

/** "200M/s", "1G/s" → bytes per second. */
export function parseBandwidth(v: unknown): number {
  if (typeof v !== 'string') throw new UnitError(EXPECT_BANDWIDTH, v);
  const m = /^(.+?)\s*\/\s*s$/.exec(v.trim());
  if (!m) throw new UnitError(EXPECT_BANDWIDTH, v);
  try {
    return parseSize(m[1]);
  } catch {
    throw new UnitError(EXPECT_BANDWIDTH, v);
  }
}

export function formatBandwidth(bytesPerSec: number): string {
  return `${formatSize(bytesPerSec)}/s`;
}
