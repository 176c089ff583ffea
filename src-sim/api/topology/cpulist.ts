/**
 * CPU-set notations found in topology dumps.
 *
 * - Linux cpulist ("0-5,48-53", sysfs `cpulist` files) with util-linux's
 *   stride extension "0-62:2" (lib/cpuset.c: cpulist_parse, which lscpu prints
 *   when the step is regular).
 * - hwloc bitmap strings ("0x000000ff,,,0x0000ff00"): 32-bit hex words, most
 *   significant first, an empty word meaning 0x0, and a leading "0xf...f"
 *   standing for an infinitely set tail (hwloc/bitmap.c: hwloc_bitmap_sscanf).
 */

/** Parses a cpulist; returns the sorted, de-duplicated CPU numbers. Throws a message naming what was expected. */
export function parseCpuList(list: string): number[] {
  const out = new Set<number>();
  const trimmed = list.trim();
  if (trimmed === '') return [];
  for (const part of trimmed.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!m) throw new Error(`a CPU list like "0-3,8-11" or "0-62:2", found "${part}" in "${list}"`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    if (b < a) throw new Error(`a range with start ≤ end, found "${part}" in "${list}"`);
    if (step < 1) throw new Error(`a stride ≥ 1, found "${part}" in "${list}"`);
    for (let c = a; c <= b; c += step) out.add(c);
  }
  return [...out].sort((x, y) => x - y);
}

/** Formats CPU numbers as the kernel's compact cpulist ("0-3,8"). */
export function formatCpuList(cpus: readonly number[]): string {
  const s = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    parts.push(j === i ? `${s[i]}` : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * Parses an hwloc bitmap string into the set bits below `limit`
 * (an infinite tail is cut at `limit`).
 */
export function parseHwlocBitmap(str: string, limit = 1 << 16): number[] {
  const s = str.trim();
  let infinite = false;
  let body = s;
  if (body.startsWith('0xf...f')) {
    infinite = true;
    body = body.slice('0xf...f'.length).replace(/^,/, '');
  }
  const words = body === '' ? [] : body.split(',');
  const bits: number[] = [];
  const nWords = words.length;
  for (let w = 0; w < nWords; w++) {
    const raw = words[w]!;
    const wordIndex = nWords - 1 - w;
    if (raw === '') continue;
    if (!/^0x[0-9a-fA-F]{1,8}$/.test(raw)) throw new Error(`an hwloc bitmap of 0x-prefixed 32-bit words, found "${str}"`);
    const v = parseInt(raw.slice(2), 16);
    for (let b = 0; b < 32; b++) if ((v >>> b) & 1) bits.push(wordIndex * 32 + b);
  }
  if (infinite) for (let b = nWords * 32; b < limit; b++) bits.push(b);
  return bits.filter((b) => b < limit).sort((a, b) => a - b);
}
