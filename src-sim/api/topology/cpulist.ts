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

// Linux cpulists are parsed and printed by the scenario's kernel-faithful
// implementation (lib/bitmap-str.c rules plus util-linux strides).
export { formatCpuList, parseCpuList } from '../../scenario/cpulist';

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
