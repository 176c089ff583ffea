/**
 * fio's number rules (parse.c: str_to_decimal, check_str_time): sizes take
 * k/m/g/t/p suffixes with kb_base 1024 by default ("4k" = 4096; "KiB" is
 * always 1024, and with kb_base=1000 "k" is 1000); times take
 * us/ms/s/m/h/d suffixes with a default unit per option.
 */

const SIZE_POW: Record<string, number> = { '': 0, k: 1, m: 2, g: 3, t: 4, p: 5 };

/** Parse a size; returns null if malformed. `pct` allows "50%" (returned as a negative fraction). */
export function parseSize(raw: string, kbBase: number): number | null {
  const s = raw.trim();
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?)(b?)$/i.exec(s);
  if (!m) return null;
  const num = Number(m[1]);
  const p = m[2]!.toLowerCase();
  const iec = m[3] !== '';
  // fio: with kb_base=1024 both "k" and "KiB" are 1024; with kb_base=1000 only the IEC forms are 1024.
  const base = iec || kbBase === 1024 ? 1024 : 1000;
  return Math.round(num * base ** SIZE_POW[p]!);
}

const TIME_NS: [RegExp, number][] = [
  [/^(us|usec)$/i, 1e3],
  [/^(ms|msec)$/i, 1e6],
  [/^(s|sec)$/i, 1e9],
  [/^(m|min)$/i, 60e9],
  [/^(h|hr|hour)$/i, 3600e9],
  [/^(d|day)$/i, 86400e9],
];

/** Parse a time; `unitNs` is the option's default unit. Returns ns or null. */
export function parseTime(raw: string, unitNs: number): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  if (!m) return null;
  const num = Number(m[1]);
  if (m[2] === '') return Math.round(num * unitNs);
  for (const [re, ns] of TIME_NS) if (re.test(m[2]!)) return Math.round(num * ns);
  return null;
}

/** fio bool: 1/0, true/false, yes/no, on/off; a bare option means 1. */
export function parseBool(raw: string | null): boolean | null {
  if (raw === null) return true;
  const s = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  return null;
}

/** Human-readable size the way fio prints KiB/MiB/GiB. */
export function fmtBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = b;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)}${units[i]}`;
}
