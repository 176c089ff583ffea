/**
 * Receives a file's numeric fields one by one: the recorder's numeric path
 * (VirtualFile.sample), which skips rendering the text and parsing it back.
 */
export interface FieldSink {
  /**
   * `value` as the file's text prints it with `${value}`: parseFields reads that
   * back as the same number (shortest round-trip digits), except -0 (printed
   * "0") and non-finite values (skipped: "NaN" and "Infinity" are not numbers
   * to parseFields). Sinks apply those two rules (see `textValue`).
   */
  field(name: string, value: number): void;
}

/**
 * The number parseFields gives for `${v}`: undefined where it skips the token
 * (NaN, ±Infinity), +0 for -0, `v` otherwise.
 */
export function textValue(v: number): number | undefined {
  return Number.isFinite(v) ? v + 0 : undefined;
}

/**
 * Extract numeric fields from a virtual file's text, the way a chart wants
 * them. Field names follow the file's own structure:
 *   single value            "123"                      → ""
 *   flat keyed              "usage_usec 123"           → "usage_usec"
 *   nested keyed            "some avg10=0.00 total=5"  → "some.avg10", "some.total"
 *                           "8:16 rbytes=1 wbytes=2"   → "8:16.rbytes"
 *   meminfo style           "MemFree:   1234 kB"       → "MemFree" (kB)
 *   node meminfo            "Node 1 MemFree: 1234 kB"  → "MemFree" (kB; the file is per node)
 *   one line of numbers     "512 1024 3" (schedstat)   → "0", "1", "2" (by position)
 *   buddyinfo               "Node 0, zone Normal 3 2"  → "node0.Normal.0", "node0.Normal.1" (by order)
 *   /proc/stat's "cpu" line "cpu  4 0 2 90 0 1 3 0 0 0" → "cpu.user" … "cpu.softirq" … (USER_HZ ticks,
 *                           the machine's total; the per-CPU "cpuN" lines are left out: one series
 *                           per CPU and column would swamp a big machine's catalogue)
 * "max" reads as +Infinity; non-numeric tokens are skipped.
 */
export function parseFields(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split('\n');
  const nonEmpty = lines.filter((l) => l.trim() !== '').length;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    const tokens = line.split(/\s+/);
    if (tokens.length === 1) {
      const v = toNumber(tokens[0]!);
      if (v !== undefined && nonEmpty === 1) out.set('', v);
      continue;
    }
    if (nonEmpty === 1 && tokens.every((t) => toNumber(t) !== undefined)) {
      // /proc/<pid>/schedstat, cpu.max "50000 100000": fields by position.
      tokens.forEach((t, i) => out.set(String(i), toNumber(t)!));
      continue;
    }
    const head = tokens[0]!;
    if (head === 'cpu' && tokens.length >= 5 && tokens.slice(1).every((t) => toNumber(t) !== undefined)) {
      tokens.slice(1, PROC_STAT_CPU_COLUMNS.length + 1).forEach((t, i) => out.set(`cpu.${PROC_STAT_CPU_COLUMNS[i]!}`, toNumber(t)!));
      continue;
    }
    // /proc/buddyinfo: "Node 0, zone   Normal   3   2 …" → "node0.Normal.0", "node0.Normal.1", … (free blocks by order).
    if (head === 'Node' && tokens[1]!.endsWith(',') && tokens[2] === 'zone' && tokens.length > 4) {
      const prefix = `node${tokens[1]!.slice(0, -1)}.${tokens[3]!}`;
      tokens.slice(4).forEach((t, order) => {
        const v = toNumber(t);
        if (v !== undefined) out.set(`${prefix}.${order}`, v);
      });
      continue;
    }
    // /sys/devices/system/node/nodeN/meminfo: "Node N Label: value [kB]" → "Label".
    if (head === 'Node' && (tokens.length === 4 || (tokens.length === 5 && tokens[4] === 'kB')) && tokens[2]!.endsWith(':')) {
      const v = toNumber(tokens[3]!);
      if (v !== undefined) out.set(tokens[2]!.slice(0, -1), v);
      continue;
    }
    // /proc/meminfo style: "MemFree:   123456 kB" → "MemFree" (value in kB, as printed).
    if (tokens.length === 3 && tokens[2] === 'kB' && head.endsWith(':')) {
      const v = toNumber(tokens[1]!);
      if (v !== undefined) out.set(head.slice(0, -1), v);
      continue;
    }
    if (tokens.length === 2 && !tokens[1]!.includes('=')) {
      const v = toNumber(tokens[1]!);
      if (v !== undefined) out.set(head, v);
      continue;
    }
    for (let i = 1; i < tokens.length; i++) {
      const tok = tokens[i]!;
      const eq = tok.indexOf('=');
      if (eq <= 0) continue;
      const v = toNumber(tok.slice(eq + 1));
      if (v !== undefined) out.set(`${head}.${tok.slice(0, eq)}`, v);
    }
  }
  return out;
}

/** fs/proc/stat.c: show_stat() prints these columns of the "cpu" line, in this order. */
const PROC_STAT_CPU_COLUMNS = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'guest', 'guest_nice'] as const;

function toNumber(tok: string): number | undefined {
  if (tok === 'max') return Infinity;
  const v = Number(tok);
  return Number.isFinite(v) ? v : undefined;
}
