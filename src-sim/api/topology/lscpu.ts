/**
 * lscpu output → ImportedMachine. Accepts what util-linux's lscpu prints
 * (sys-utils/lscpu.c): the plain "Field: value" summary, `-J` (JSON),
 * `-e` (extended table), `-p`/`--parse` and `--parse --physical` (CSV with a
 * "# CPU,Core,…" header), and several of those joined by blank lines (as in
 * util-linux's tests/expected/lscpu files). lscpu never reports memory sizes
 * or NUMA distances: those stay null and the notes say so.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { NR_CPUS_MAX, parseCpuList } from '../../scenario/cpulist';
import { KernelError } from '../../vfs/errors';
import { TopologyImportError, type ImportedCpuGroup, type ImportedMachine, type ImportedNode, type TopologyFormat } from './machine';

// `lscpu -e` header: "CPU" then upper-case column names (sys-utils/lscpu.c: coldescs_cpu).
const EXTENDED_HEADER = /^\s*CPU\s+(NODE|SOCKET|CORE|BOOK|DRAWER|CLUSTER|L1d|ONLINE|CONFIGURED|POLARIZATION|ADDRESS|MAXMHZ|MINMHZ|MHZ|MODELNAME)\b/;

interface Field {
  key: string;
  value: string;
  line: number;
  /** Column of the field (1 for text lines; the item's column in lscpu -J). */
  col: number;
}

interface CpuRow {
  /** Line of the row in the file. */
  line: number;
  cpu: number;
  core: number | null;
  socket: number | null;
  node: number | null;
  online: boolean;
}

interface Parsed {
  fields: Field[];
  rows: CpuRow[] | null;
  format: TopologyFormat;
}

export function importLscpu(text: string, file: string): ImportedMachine {
  // Every refusal is located; a problem of the whole file (empty, no CPUs) points at its start.
  const fail = (line: number, path: string, expected: string, col = 1): never => {
    throw new TopologyImportError(file, `${Math.max(1, line)}:${Math.max(1, col)}`, path, expected);
  };
  const p = text.trimStart().startsWith('{') ? parseJson(text, fail) : parseText(text, fail);
  return build(p, file, fail);
}

type Fail = (line: number, path: string, expected: string, col?: number) => never;

/** Line and column (1-based) of a character offset. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const nl = before.lastIndexOf('\n');
  return { line: before.split('\n').length, col: before.length - nl };
}

function parseJson(text: string, fail: Fail): Parsed {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // V8 names the offset ("… in JSON at position 7"), except at the end of the input.
    const m = /at position (\d+)/.exec((e as Error).message);
    const at = lineCol(text, m ? Number(m[1]) : text.trimEnd().length);
    return fail(at.line, '(json)', `valid JSON as \`lscpu -J\` prints it: ${(e as Error).message}`, at.col);
  }
  // The same text through the YAML parser (JSON is YAML) only for positions: the values come from JSON.parse.
  const counter = new LineCounter();
  const tree = parseDocument(text, { lineCounter: counter, uniqueKeys: false }).contents;
  const posOf = (node: unknown): { line: number; col: number } => {
    const range = (node as YamlNode | null)?.range;
    return range ? counter.linePos(range[0]) : { line: 1, col: 1 };
  };
  const child = (node: unknown, key: string | number): unknown => (isMap(node) || isSeq(node) ? node.get(key, true) : null);
  const list = (doc as { lscpu?: unknown } | null)?.lscpu;
  if (!Array.isArray(list)) {
    const at = posOf(child(tree, 'lscpu') ?? tree);
    return fail(at.line, 'lscpu', 'a top-level object {"lscpu": [{"field": …, "data": …}, …]}', at.col);
  }
  const fields: Field[] = [];
  const visit = (arr: unknown[], node: unknown, path: string): void => {
    arr.forEach((item, i) => {
      const it = (item ?? {}) as { field?: unknown; data?: unknown; children?: unknown };
      const itemNode = child(node, i);
      const at = posOf(itemNode);
      if (typeof it.field !== 'string') fail(at.line, `${path}[${i}].field`, 'a string such as "CPU(s):"', at.col);
      fields.push({ key: (it.field as string).replace(/:$/, '').trim(), value: it.data == null ? '' : String(it.data), line: at.line, col: at.col });
      if (Array.isArray(it.children)) visit(it.children, child(itemNode, 'children'), `${path}[${i}].children`);
    });
  };
  visit(list, child(tree, 'lscpu'), 'lscpu');
  return { fields, rows: null, format: 'lscpu-json' };
}

function parseText(text: string, fail: Fail): Parsed {
  const lines = text.split(/\r?\n/);
  const fields: Field[] = [];
  let rows: CpuRow[] | null = null;
  let format: TopologyFormat | null = null;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (line.startsWith('#')) {
      // --parse section: comments, the last of which names the columns.
      let header = '';
      while (i < lines.length && lines[i]!.startsWith('#')) header = lines[i++]!;
      const cols = header.replace(/^#\s*/, '').split(',');
      const tableRows: CpuRow[] = [];
      const start = i;
      while (i < lines.length && lines[i]!.trim() !== '' && !lines[i]!.startsWith('#')) i++;
      for (let r = start; r < i; r++) tableRows.push(csvRow(lines[r]!, cols, r + 1, fail));
      if (tableRows.length === 0) fail(i, 'parse table', 'at least one CPU row after the "# CPU,…" header');
      // The first table is the logical one; `--parse --physical` repeats it with physical ids.
      if (rows === null) rows = tableRows;
      format ??= 'lscpu-parse';
      continue;
    }
    if (EXTENDED_HEADER.test(line)) {
      const cols = line.trim().split(/\s+/);
      const tableRows: CpuRow[] = [];
      i++;
      for (; i < lines.length && lines[i]!.trim() !== ''; i++) tableRows.push(extRow(lines[i]!, cols, i + 1, fail));
      rows ??= tableRows;
      format ??= 'lscpu-extended';
      continue;
    }
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (!m) fail(i + 1, `line ${i + 1}`, `"Field: value" (plain lscpu), a "# CPU,Core,…" table or a "CPU NODE …" table, found "${line.slice(0, 60)}"`);
    fields.push({ key: m![1]!.trim(), value: m![2]!.trim(), line: i + 1, col: 1 });
    format = 'lscpu';
    i++;
  }
  if (format === null) fail(1, '(file)', 'lscpu output; the file is empty');
  return { fields, rows, format: format! };
}

function num(s: string | undefined, line: number, col: string, fail: Fail): number | null {
  if (s === undefined || s === '' || s === '-') return null;
  if (!/^\d+$/.test(s)) return fail(line, col, `a number or empty, found "${s}"`);
  return Number(s);
}

/** A CPU number below NR_CPUS: the kernel cannot number a CPU past its cpumask. */
function cpuNumber(s: string | undefined, line: number, fail: Fail): number | null {
  const cpu = num(s, line, 'CPU', fail);
  if (cpu !== null && cpu >= NR_CPUS_MAX) fail(line, 'CPU', `a CPU number below ${NR_CPUS_MAX} (NR_CPUS of x86-64 with MAXSMP), found ${cpu}`);
  return cpu;
}

function csvRow(line: string, cols: string[], n: number, fail: Fail): CpuRow {
  const v = line.split(',');
  const at = (name: string): string | undefined => {
    const k = cols.indexOf(name);
    return k < 0 ? undefined : v[k];
  };
  const cpu = cpuNumber(at('CPU'), n, fail);
  if (cpu === null) fail(n, 'CPU', 'a CPU number in the first column');
  const online = at('Online') ?? at('ONLINE');
  return {
    line: n,
    cpu: cpu!,
    core: num(at('Core'), n, 'Core', fail),
    socket: num(at('Socket'), n, 'Socket', fail),
    node: num(at('Node'), n, 'Node', fail),
    online: online === undefined || online === 'Y' || online === 'yes',
  };
}

function extRow(line: string, cols: string[], n: number, fail: Fail): CpuRow {
  const v = line.trim().split(/\s+/);
  const at = (name: string): string | undefined => {
    const k = cols.indexOf(name);
    return k < 0 ? undefined : v[k];
  };
  const cpu = cpuNumber(at('CPU'), n, fail);
  if (cpu === null) fail(n, 'CPU', 'a CPU number in the CPU column');
  const online = at('ONLINE');
  return {
    line: n,
    cpu: cpu!,
    core: num(at('CORE'), n, 'CORE', fail),
    socket: num(at('SOCKET'), n, 'SOCKET', fail),
    node: num(at('NODE'), n, 'NODE', fail),
    online: online === undefined || online === 'yes',
  };
}

function build(p: Parsed, file: string, fail: Fail): ImportedMachine {
  const notes: string[] = [];
  const get = (k: string): Field | undefined => p.fields.find((f) => f.key === k);
  const list = (f: Field | undefined): number[] | null => {
    if (f === undefined) return null;
    try {
      return parseCpuList(f.value);
    } catch (e) {
      return fail(f.line, f.key, e instanceof KernelError ? e.detail.replace(/^expected /, '') : (e as Error).message, f.col);
    }
  };
  const intField = (k: string): number | null => {
    const f = get(k);
    if (f === undefined) return null;
    if (!/^\d+$/.test(f.value)) return fail(f.line, f.key, `a whole number, found "${f.value}"`, f.col);
    return Number(f.value);
  };

  // CPUs: the online list (plus any table rows), minus the offline list.
  const rowCpus = p.rows?.filter((r) => r.online).map((r) => r.cpu) ?? [];
  const seenRows = new Set<number>();
  for (const r of p.rows ?? []) {
    if (seenRows.has(r.cpu)) fail(r.line, 'CPU', `each CPU in one row; CPU ${r.cpu} repeats`);
    seenRows.add(r.cpu);
  }
  const online = list(get('On-line CPU(s) list')) ?? rowCpus;
  const offlineCpus = list(get('Off-line CPU(s) list')) ?? p.rows?.filter((r) => !r.online).map((r) => r.cpu) ?? [];
  const total = intField('CPU(s)');
  const onlineField = get('On-line CPU(s) list');
  if (online.length === 0) fail(onlineField?.line ?? 1, 'On-line CPU(s) list', 'at least one online CPU (an "On-line CPU(s) list:" line or CPU rows)', onlineField?.col);
  if (online.length > NR_CPUS_MAX) {
    const at = onlineField ?? { line: p.rows?.[NR_CPUS_MAX]?.line ?? 1, col: 1 };
    fail(at.line, 'On-line CPU(s) list', `at most ${NR_CPUS_MAX} CPUs (NR_CPUS of x86-64 with MAXSMP), found ${online.length}`, at.col);
  }
  if (total !== null && total !== online.length + offlineCpus.length)
    notes.push(`CPU(s): ${total} but ${online.length} online and ${offlineCpus.length} offline listed`);
  if (p.rows && p.fields.length > 0 && rowCpus.length !== online.length)
    fail(p.rows[0]?.line ?? 1, 'CPU table', `one row per online CPU (${online.length}), found ${rowCpus.length}`);
  const cpuOsIndex = [...online].sort((a, b) => a - b);
  const dense = new Map(cpuOsIndex.map((os, i) => [os, i]));
  if (offlineCpus.length > 0) notes.push(`offline CPUs ${offlineCpus.join(',')} are left out`);
  if (cpuOsIndex.some((os, i) => os !== i)) notes.push(`Linux CPU numbers are renumbered 0-${cpuOsIndex.length - 1} in the simulator`);

  // NUMA nodes: "NUMA nodeN CPU(s):" lines, else the table's Node column.
  const nodeFields = p.fields.filter((f) => /^NUMA node\d+ CPU\(s\)$/.test(f.key));
  let nodes: ImportedNode[];
  if (nodeFields.length > 0) {
    nodes = nodeFields.map((f) => ({
      osIndex: Number(/node(\d+)/.exec(f.key)![1]),
      cpus: (list(f) ?? []).filter((c) => dense.has(c)).map((c) => dense.get(c)!),
      memoryBytes: null,
      kind: '',
    }));
    const declared = intField('NUMA node(s)');
    if (declared !== null && declared !== nodes.length) notes.push(`NUMA node(s): ${declared} but ${nodes.length} node lines`);
  } else if (p.rows && p.rows.some((r) => r.node !== null)) {
    const by = new Map<number, number[]>();
    for (const r of p.rows) if (r.online) by.set(r.node ?? 0, [...(by.get(r.node ?? 0) ?? []), dense.get(r.cpu)!]);
    nodes = [...by].map(([osIndex, cpus]) => ({ osIndex, cpus, memoryBytes: null, kind: '' }));
  } else {
    nodes = [{ osIndex: 0, cpus: cpuOsIndex.map((_, i) => i), memoryBytes: null, kind: '' }];
    notes.push('no NUMA information (a kernel without CONFIG_NUMA, or an empty Node column): one node holds every CPU');
  }
  nodes.sort((a, b) => a.osIndex - b.osIndex);
  for (const n of nodes) n.cpus.sort((a, b) => a - b);
  const assigned = nodes.reduce((s, n) => s + n.cpus.length, 0);
  if (assigned !== cpuOsIndex.length) {
    const seen = new Set(nodes.flatMap((n) => n.cpus));
    const missing = cpuOsIndex.filter((_, i) => !seen.has(i));
    if (assigned > cpuOsIndex.length) fail(nodeFields[0]?.line ?? p.rows?.[0]?.line ?? 1, 'NUMA node CPU(s)', 'each CPU in exactly one NUMA node', nodeFields[0]?.col);
    nodes[0]!.cpus.push(...missing.map((os) => dense.get(os)!));
    nodes[0]!.cpus.sort((a, b) => a - b);
    notes.push(`CPUs ${missing.join(',')} are in no NUMA node list; put on node${nodes[0]!.osIndex}`);
  }
  if (nodes.some((n, i) => n.osIndex !== i))
    notes.push(`NUMA node numbers ${nodes.map((n) => n.osIndex).join(',')} are renumbered 0-${nodes.length - 1} in the simulator`);
  if (nodes.length > 1) notes.push('lscpu does not print NUMA distances: the kernel defaults are used (LOCAL_DISTANCE 10, REMOTE_DISTANCE 20)');

  // Sockets and cores: sum over "Model name" blocks (heterogeneous ARM SoCs print one per core type).
  let packages = 0;
  let cores = 0;
  let blockSockets = 1;
  let blockCores = 0;
  const flush = (): void => {
    cores += blockCores * blockSockets;
  };
  let inBlock = false;
  for (const f of p.fields) {
    if (f.key === 'Model name') {
      if (inBlock) flush();
      inBlock = true;
      blockSockets = 1;
      blockCores = 0;
    } else if (f.key === 'Socket(s)' || f.key === 'Cluster(s)') {
      blockSockets = Number(f.value) || 1;
      if (f.key === 'Socket(s)') packages = Math.max(packages, blockSockets);
    } else if (f.key === 'Core(s) per socket' || f.key === 'Core(s) per cluster') {
      blockCores = Number(f.value) || 0;
    }
  }
  if (inBlock) flush();
  if (p.rows) {
    const sockets = new Set(p.rows.filter((r) => r.online).map((r) => r.socket ?? 0));
    const pairs = new Set(p.rows.filter((r) => r.online).map((r) => `${r.socket ?? 0}:${r.core ?? r.cpu}`));
    if (packages === 0) packages = sockets.size;
    if (cores === 0) cores = pairs.size;
  }
  if (packages === 0) packages = 1;
  if (cores === 0) cores = cpuOsIndex.length;

  const groups = rowGroups(p.rows, dense);
  const models = [...new Set(p.fields.filter((f) => f.key === 'Model name' && f.value !== '-').map((f) => f.value))];
  notes.push('lscpu does not report memory sizes: set each node’s memory in the side panel');
  return {
    format: p.format,
    file,
    models,
    architecture: get('Architecture')?.value ?? '',
    cpuOsIndex,
    offlineCpus,
    packages,
    cores,
    groups,
    nodes,
    distances: null,
    disks: [],
    nics: [],
    notes,
  };
}

/** Packages and cores from the table's SOCKET and CORE columns (lscpu -e / --parse); none from the plain summary. Online CPUs only. */
function rowGroups(rows: readonly CpuRow[] | null, dense: Map<number, number>): ImportedCpuGroup[] {
  if (!rows || !rows.some((r) => r.socket !== null)) return [];
  const pkgs = new Map<number, number[]>();
  const cores = new Map<string, { id: number | null; cpus: number[] }>();
  for (const r of rows) {
    const d = dense.get(r.cpu);
    if (!r.online || d === undefined) continue;
    const s = r.socket ?? 0;
    pkgs.set(s, [...(pkgs.get(s) ?? []), d]);
    if (r.core !== null) {
      const k = `${s}:${r.core}`;
      const c = cores.get(k) ?? { id: r.core, cpus: [] };
      c.cpus.push(d);
      cores.set(k, c);
    }
  }
  const sorted = (l: number[]): number[] => [...l].sort((a, b) => a - b);
  return [
    ...[...pkgs].map(([id, cpus]): ImportedCpuGroup => ({ type: 'package', osIndex: id, sizeBytes: null, cpus: sorted(cpus) })),
    ...[...cores.values()].map((c): ImportedCpuGroup => ({ type: 'core', osIndex: c.id, sizeBytes: null, cpus: sorted(c.cpus) })),
  ];
}
