import { fail } from '../vfs/errors';

/**
 * CPU lists as the kernel reads and prints them (cpuset.cpus, the
 * /sys/devices/system/cpu masks, taskset -c).
 *
 * Parsing follows lib/bitmap-str.c: bitmap_parselist(): regions separated by
 * commas or whitespace, each "N", "A-B", "all", optionally followed by
 * ":used/group" (0-1023:2/256 sets 0,1,256,257,…); the token "N" stands for
 * the last CPU. taskset's own stride form "A-B:S" (util-linux
 * lib/cpuset.c: cpulist_parse) is accepted too, as "A-B:1/S".
 * Errors are the kernel's: EINVAL for bad syntax, ERANGE past the last CPU.
 */

/** CONFIG_NR_CPUS upper bound (arch/x86/Kconfig: NR_CPUS_RANGE_END with MAXSMP). */
export const NR_CPUS_MAX = 8192;

export const EXPECT_CPULIST = 'a CPU list like "0-3,8,10-11" (ranges A-B, strides A-B:S or A-B:used/group)';

/**
 * Parse a CPU list into sorted, distinct CPU numbers below `nbits`.
 * Throws KernelError (EINVAL or ERANGE) via fail(), so a cpuset.cpus write
 * handler can call it directly.
 */
export function parseCpuList(text: string, nbits = NR_CPUS_MAX): number[] {
  const lastbit = nbits - 1;
  const bits = new Uint8Array(nbits);
  for (const region of text.split(/[\s,]+/)) {
    if (region === '') continue;
    const m = /^(?:(all)|(\d+|N)(?:-(\d+|N))?)(?::(\d+|N)(?:\/(\d+|N))?)?$/i.exec(region);
    if (!m || (m[2] === 'n' || m[3] === 'n' || m[4] === 'n' || m[5] === 'n')) {
      fail('EINVAL', `expected ${EXPECT_CPULIST}, got "${region}"`);
    }
    const num = (s: string): number => (s === 'N' ? lastbit : Number(s));
    const start = m[1] !== undefined ? 0 : num(m[2]!);
    const end = m[1] !== undefined ? lastbit : m[3] !== undefined ? num(m[3]) : start;
    let used = end + 1;
    let group = end + 1;
    if (m[4] !== undefined) {
      if (m[5] !== undefined) {
        used = num(m[4]);
        group = num(m[5]);
      } else {
        // util-linux stride "A-B:S": one CPU out of every S.
        if (m[3] === undefined && m[1] === undefined) fail('EINVAL', `a stride needs a range A-B:S, got "${region}"`);
        used = 1;
        group = num(m[4]);
      }
    }
    // lib/bitmap-str.c: bitmap_check_region()
    if (start > end || group === 0 || used > group) fail('EINVAL', `expected ${EXPECT_CPULIST}, got "${region}"`);
    if (end > lastbit) fail('ERANGE', `CPU ${end} is beyond the last CPU ${lastbit}`);
    for (let s = start; s <= end; s += group) {
      const stop = Math.min(end, s + used - 1);
      for (let c = s; c <= stop; c++) bits[c] = 1;
    }
  }
  const out: number[] = [];
  for (let c = 0; c < nbits; c++) if (bits[c]) out.push(c);
  return out;
}

/** Format CPU numbers as the kernel prints a cpulist (%*pbl): "0-3,8,10-11". */
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
