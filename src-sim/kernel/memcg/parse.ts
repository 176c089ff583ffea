import { fail } from '../../vfs/errors';
import { PAGE_COUNTER_MAX } from '../mm/constants';

const SUFFIX: Record<string, number> = { k: 10, m: 20, g: 30, t: 40, p: 50, e: 60 };

/**
 * lib/cmdline.c: memparse() — unsigned number (decimal, 0x hex or 0 octal)
 * with an optional K/M/G/T/P/E suffix. Returns bytes, or null when the text
 * is not fully consumed (the callers return -EINVAL then).
 */
export function memparse(text: string): bigint | null {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([kKmMgGtTpPeE]?)$/.exec(text);
  if (!m) return null;
  const digits = m[1]!;
  const base = /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits.startsWith('0') ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  const shift = m[2] ? SUFFIX[m[2].toLowerCase()]! : 0;
  return base << BigInt(shift);
}

/**
 * mm/page_counter.c: page_counter_memparse(): "max" or a byte amount,
 * rounded down to pages and capped at PAGE_COUNTER_MAX. Bad text: EINVAL.
 */
export function pageCounterMemparse(text: string, max = 'max'): number {
  const t = text.trim();
  if (t === max) return PAGE_COUNTER_MAX;
  const bytes = memparse(t);
  if (bytes === null) fail('EINVAL', `expected a size in bytes (K/M/G suffix allowed) or "${max}", got "${text}"`);
  const pages = bytes / 4096n;
  return pages > BigInt(PAGE_COUNTER_MAX) ? PAGE_COUNTER_MAX : Number(pages);
}

/** How v2 files print a page counter: bytes, or "max". */
export function printPages(pages: number): string {
  return pages >= PAGE_COUNTER_MAX ? 'max' : String(pages * 4096);
}

/** How v1 files print a page counter: bytes (unlimited = PAGE_COUNTER_MAX × PAGE_SIZE). */
export function printPagesV1(pages: number): string {
  return (BigInt(Math.min(pages, PAGE_COUNTER_MAX)) * 4096n).toString();
}
