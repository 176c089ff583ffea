/**
 * A stored run as a bash script that sets up the same experiment on a real
 * Linux machine: cgroup tree and interface-file writes (v1 or v2), sysctls,
 * block-device settings, fio job files for the I/O workloads and stress-ng
 * for the others, the timeline writes at their times, and sampling of the
 * same files into a CSV that `kernel-lab import-real` loads beside the
 * simulated run. It prints its plan first, refuses to run without root,
 * asks before changing anything (or takes --yes), and undoes what it changed
 * on exit (sysctls and block settings restored, its cgroups removed).
 *
 * What cannot be reproduced by a script (hot-adding a disk, HZ, the
 * scheduler class of the running kernel) is printed as a note at that point.
 */
import type { BlockDeviceSpec, RunSpec, Scenario, TaskSpec, TimelineAction } from '../../src-sim/scenario/types';
import { controllerOf, taskNames } from '../../src-sim/kernel/boot';
import { kernelDefaults } from '../../src-sim/scenario/kernel-versions';
import { replayScenario } from '../sim-host/run-driver';
import type { ExportFile } from './exports';

/** First line of the CSV the script writes (and import-real checks). */
export const REAL_SAMPLES_FORMAT = 'kernel-lab/real-samples@1';

/** Files sampled when the scenario's `record` is empty (the script cannot list "every observable file"). */
function defaultRecord(s: Scenario): string[] {
  const out = ['/proc/pressure/cpu', '/proc/pressure/memory', '/proc/pressure/io', '/proc/stat', '/proc/vmstat', '/proc/meminfo'];
  const groups = ['/', ...s.cgroups.map((c) => c.path), ...s.tasks.map((t) => t.cgroup)].filter((g, i, a) => a.indexOf(g) === i);
  for (const g of groups) {
    const base = g === '/' ? '' : g;
    if (s.cgroupVersion === 2) {
      for (const f of ['cpu.stat', 'memory.current', 'memory.events', 'memory.stat', 'io.stat', 'cpu.pressure', 'memory.pressure', 'io.pressure']) out.push(`/sys/fs/cgroup${base}/${f}`);
    } else {
      out.push(`/sys/fs/cgroup/cpu,cpuacct${base}/cpuacct.usage`, `/sys/fs/cgroup/cpu,cpuacct${base}/cpu.stat`, `/sys/fs/cgroup/memory${base}/memory.usage_in_bytes`);
    }
  }
  for (const d of s.machine.devices) out.push(`/sys/block/${d.name}/stat`);
  return out;
}

/** Shell single-quoted word. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const secs = (ns: number): string => (ns / 1e9).toFixed(3).replace(/\.?0+$/, '') || '0';

/** Every scenario disk and partition name with its MAJ:MIN. */
function blockNames(s: Scenario, extra: BlockDeviceSpec[]): { name: string; devt: string; disk: string }[] {
  const out: { name: string; devt: string; disk: string }[] = [];
  for (const d of [...s.machine.devices, ...extra]) {
    out.push({ name: d.name, devt: `${d.major}:${d.minor}`, disk: d.name });
    d.partitions.forEach((_, i) => {
      const p = /\d$/.test(d.name) ? `${d.name}p${i + 1}` : `${d.name}${i + 1}`;
      out.push({ name: p, devt: `${d.major}:${d.minor + i + 1}`, disk: d.name });
    });
  }
  return out;
}

const varName = (dev: string): string => `DEV_${dev.replace(/[^A-Za-z0-9]/g, '_')}`;

/**
 * The shell word for a simulated path on the real machine (the cgroups go
 * under $CGROOT, devices through $DEV_<name>), or null when it has no real
 * counterpart (/proc/<pid> of a simulated pid).
 */
export function realPath(s: Scenario, path: string, devs: readonly { name: string }[]): string | null {
  if (/^\/proc\/\d+\//.test(path)) return null;
  const cg = /^\/sys\/fs\/cgroup(\/.*)?$/.exec(path);
  if (cg) {
    const rest = cg[1] ?? '';
    if (s.cgroupVersion === 2) return `"$CGROOT"${shq(rest)}`;
    const m = /^\/([^/]+)(\/.*)?$/.exec(rest);
    if (!m) return `/sys/fs/cgroup${shq(rest)}`;
    return `"$CGV1"/${shq(m[1]!)}/kernel-lab${shq(m[2] ?? '')}`;
  }
  const blk = /^\/sys\/(block|class\/block)\/([^/]+)(\/.*)?$/.exec(path);
  if (blk && devs.some((d) => d.name === blk[2])) return `/sys/${blk[1]}/"$(devname ${blk[2]})"${shq(blk[3] ?? '')}`;
  return shq(path);
}

/** A value with scenario MAJ:MIN numbers (io.max, io.weight, blkio.*) turned into the real device's. */
function realValue(value: string, devs: readonly { name: string; devt: string }[]): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of value.matchAll(/\b(\d+):(\d+)\b/g)) {
    const d = devs.find((x) => x.devt === m[0]);
    if (!d) continue;
    parts.push(shq(value.slice(last, m.index)), `"$(devnum ${d.name})"`);
    last = m.index + m[0].length;
  }
  parts.push(shq(value.slice(last)));
  return parts.filter((p) => p !== "''").join('') || "''";
}

function fioJob(name: string, run: Extract<RunSpec, { type: 'read' | 'write' }>, file: string, runtimeNs: number): string {
  const rw = run.type === 'read' ? (run.pattern === 'random' ? 'randread' : 'read') : run.pattern === 'random' ? 'randwrite' : 'write';
  const lines = [`[${name}]`, `filename=${file}`, `size=${run.sizeBytes}`, `bs=${run.bs}`, `rw=${rw}`, `direct=${run.direct ? 1 : 0}`, `ioengine=${run.mmap ? 'mmap' : 'psync'}`];
  if (run.type === 'write' && run.fsyncEveryBytes > 0) lines.push(`fsync=${Math.max(1, Math.round(run.fsyncEveryBytes / run.bs))}`);
  if (run.loop) lines.push('time_based=1', `runtime=${Math.max(1, Math.ceil(runtimeNs / 1e9))}`);
  return lines.join('\n');
}

interface Workload {
  /** The command (shell words), run by `spawn`. */
  cmd: string;
  /** Lines that must run before (fio job files). */
  setup: string[];
  /** What is only approximated. */
  note: string | null;
  tool: 'fio' | 'stress-ng' | 'socat' | 'iperf3' | null;
}

function workload(s: Scenario, t: TaskSpec, name: string, fileVar: (path: string) => string): Workload {
  const r = t.run;
  const left = s.durationNs - t.startNs;
  const timeout = `--timeout ${Math.max(1, Math.ceil(left / 1e9))}s`;
  switch (r.type) {
    case 'cpu':
      return { cmd: `stress-ng --cpu 1 --cpu-method loop ${timeout} --quiet`, setup: [], note: null, tool: 'stress-ng' };
    case 'periodic': {
      const pct = Math.max(1, Math.min(100, Math.round((100 * r.busyNs) / r.periodNs)));
      return {
        cmd: `stress-ng --cpu 1 --cpu-load ${pct} ${timeout} --quiet`,
        setup: [],
        note: `busy ${secs(r.busyNs)}s every ${secs(r.periodNs)}s: stress-ng --cpu-load keeps the ${pct} % duty cycle, not the period`,
        tool: 'stress-ng',
      };
    }
    case 'alloc':
      return {
        cmd: `stress-ng --vm 1 --vm-bytes ${r.sizeBytes} --vm-keep${r.then === 'hold' ? ' --vm-hang 0' : ''}${r.madvise ? ` --vm-madvise ${r.madvise}` : ''} ${timeout} --quiet`,
        setup: [],
        note: `alloc ${r.sizeBytes} bytes in steps of ${r.stepBytes} every ${secs(r.everyNs)}s: stress-ng maps the whole size at once`,
        tool: 'stress-ng',
      };
    case 'workingset':
      return {
        cmd: `stress-ng --vm 1 --vm-bytes ${r.sizeBytes} --vm-keep --vm-method ${r.pattern === 'zipf' ? 'zero-one' : 'rand-set'}${r.madvise ? ` --vm-madvise ${r.madvise}` : ''} ${timeout} --quiet`,
        setup: [],
        note: `working set of ${r.sizeBytes} bytes, ${r.pattern}, ${r.ratePerSec} touches/s: stress-ng touches as fast as it can`,
        tool: 'stress-ng',
      };
    case 'wss-scanner':
      return {
        cmd: `sleep ${Math.max(1, Math.ceil(left / 1e9))}`,
        setup: [],
        note: `a working-set scanner (every ${secs(r.periodNs)}s: read /sys/kernel/mm/page_idle/bitmap, attribute accessed pages to memcgs through /proc/kpagecgroup, write all ones back): needs CONFIG_IDLE_PAGE_TRACKING and root; run your own scanner (e.g. a page_idle tool) in its place`,
        tool: null,
      };
    case 'read':
    case 'write': {
      // The job text is generated here (no $ or backquote of its own): an unquoted here-document expands the file's variable.
      const job = fioJob(name, r, fileVar(r.file).replace(/"/g, ''), left);
      const jobFile = `"$WORK"/${shq(`${name}.fio`)}`;
      return {
        cmd: `fio --output-format=json --output="$WORK"/${shq(`${name}.fio.json`)} ${jobFile}`,
        setup: [`cat > ${jobFile} <<FIO`, job, 'FIO'],
        note: null,
        tool: 'fio',
      };
    }
    case 'send':
      return {
        cmd: `iperf3 -c "$\{PEER:?set PEER to the receiving host}" -p ${r.port} -t ${Math.max(1, Math.ceil(left / 1e9))}`,
        setup: [],
        note: `a bulk TCP sender out of ${r.nic} (compare ethtool -k ${r.nic}: tcp-segmentation-offload, generic-segmentation-offload); needs iperf3 -s on the peer`,
        tool: 'iperf3',
      };
    case 'netrecv':
      return {
        cmd: `timeout ${Math.max(1, Math.ceil(left / 1e9))} socat -u UDP-RECV:${r.port}${r.rcvbufBytes > 0 ? `,rcvbuf=${r.rcvbufBytes}` : ''} /dev/null`,
        setup: [],
        note: `a UDP receiver on port ${r.port}; its per-packet cost of ${r.costNs} ns and batches of ${r.batch} are the application's, not socat's`,
        tool: 'socat',
      };
    case 'pktgen':
      return {
        cmd: `sleep ${Math.max(1, Math.ceil(left / 1e9))}`,
        setup: [],
        note: `${r.ratePerSec} ${r.proto} packets/s of ${r.sizeBytes} bytes in ${r.flows} flows to port ${r.port} arrive on ${r.nic} from the link partner: run pktgen (modprobe pktgen; /proc/net/pktgen) on that machine`,
        tool: null,
      };
    case 'stream':
      return {
        cmd: `sleep ${Math.max(1, Math.ceil(left / 1e9))}`,
        setup: [],
        note: `a bulk TCP stream of ${r.sizeBytes}-byte frames to port ${r.port} arrives on ${r.nic} (window ${r.windowBytes} bytes, RTT ${secs(r.rttNs)}s): run iperf3 -c on the link partner`,
        tool: null,
      };
    case 'assoc':
      return {
        cmd: `sleep ${Math.max(1, Math.ceil(left / 1e9))}`,
        setup: [],
        note: `an SCTP association from the link partner over ${r.paths.join(', ')} (${r.ratePerSec} packets/s to port ${r.port}, failover after ${secs(r.failoverNs)}s): run an SCTP sender (sctp_test, iperf3 --sctp) on that machine`,
        tool: null,
      };
    case 'forward':
      return {
        cmd: `sleep ${Math.max(1, Math.ceil(left / 1e9))}`,
        setup: [],
        note: `packets to port ${r.port} are routed out of ${r.to}: needs net.ipv4.ip_forward=1 and a route on the real machine`,
        tool: null,
      };
    case 'fio': {
      const jobFile = `"$WORK"/${shq(`${name}.fio`)}`;
      // /dev/<scenario disk> in the job text points at the mapped real device.
      const devs = s.machine.devices.map((d) => d.name);
      const sedArgs = devs.map((d) => `-e "s|/dev/${d}\\b|$${varName(d)}|g"`).join(' ');
      return {
        cmd: `fio --output-format=json --output="$WORK"/${shq(`${name}.fio.json`)} --runtime=${Math.max(1, Math.ceil(left / 1e9))} ${jobFile}`,
        setup: [`sed ${sedArgs || '-e ""'} > ${jobFile} <<'FIO'`, r.jobText.trimEnd(), 'FIO'],
        note: null,
        tool: 'fio',
      };
    }
  }
}

/** chrt / nice / taskset words for a task. */
function launcher(t: TaskSpec): string {
  const w: string[] = [];
  if (t.cpus.length) w.push(`taskset -c ${t.cpus.join(',')}`);
  switch (t.policy) {
    case 'SCHED_FIFO':
      w.push(`chrt -f ${t.rtPriority}`);
      break;
    case 'SCHED_RR':
      w.push(`chrt -r ${t.rtPriority}`);
      break;
    case 'SCHED_BATCH':
      w.push('chrt -b 0');
      break;
    case 'SCHED_IDLE':
      w.push('chrt -i 0');
      break;
    default:
      break;
  }
  if (t.nice !== 0 && (t.policy === 'SCHED_OTHER' || t.policy === 'SCHED_BATCH')) w.push(`nice -n ${t.nice}`);
  return w.join(' ');
}

function timelineLine(s: Scenario, a: TimelineAction, devs: { name: string; devt: string }[]): string[] {
  const at = `at_ns ${a.atNs}`;
  switch (a.kind) {
    case 'write': {
      const p = realPath(s, a.path, devs);
      if (p === null) return [`# ${secs(a.atNs)}s: ${a.path} ← ${a.value}: no real counterpart (simulated pid), skipped`];
      return [`${at}; kwrite ${p} ${realValue(a.value, devs)} ${shq(a.path)}`];
    }
    case 'plug':
      return [
        `# ${secs(a.atNs)}s: hot-add ${a.device.type} disk ${a.device.name} (${a.device.major}:${a.device.minor}) — a script cannot plug hardware:`,
        `${at}; note ${shq(`${secs(a.atNs)}s: plug ${a.device.name} now if you can (for SCSI: echo "- - -" > /sys/class/scsi_host/hostN/scan)`)}; mark ${shq(`!plug:${a.device.name}`)}`,
      ];
    case 'unplug':
      return [
        `# ${secs(a.atNs)}s: surprise removal of ${a.device}: SCSI disks can be deleted from sysfs; others print a note`,
        `${at}; unplug ${a.device}`,
      ];
    case 'plug_nic':
      return [
        `# ${secs(a.atNs)}s: hot-add ${a.nic.type} NIC ${a.nic.name} — a script cannot plug hardware:`,
        `${at}; note ${shq(`${secs(a.atNs)}s: plug NIC ${a.nic.name} now if you can (echo 1 > /sys/bus/pci/rescan finds a card in a powered slot)`)}; mark ${shq(`!plug:${a.nic.name}`)}`,
      ];
    case 'unplug_nic':
      return [
        `# ${secs(a.atNs)}s: surprise removal of NIC ${a.nic}: echo 1 > /sys/bus/pci/devices/<its address>/remove on a machine you can lose the link of`,
        `${at}; note ${shq(`${secs(a.atNs)}s: remove NIC ${a.nic} now if you can`)}; mark ${shq(`!unplug:${a.nic}`)}`,
      ];
  }
}

export interface ScriptInputs {
  scenario: Scenario;
  live: readonly TimelineAction[];
  runLabel: string;
}

/** The script's text. */
export function buildReproScript(inp: ScriptInputs): string {
  const s = replayScenario(inp.scenario, inp.live);
  const plugged = s.timeline.filter((a): a is Extract<TimelineAction, { kind: 'plug' }> => a.kind === 'plug').map((a) => a.device);
  const devs = blockNames(s, plugged);
  const disks = [...new Set(devs.map((d) => d.name))];
  const v2 = s.cgroupVersion === 2;
  const files = new Map(s.files.map((f, i) => [f.path, { ...f, var: `FILE_${i}` }]));
  const fileVar = (p: string): string => `"$${files.get(p)?.var ?? 'WORK'}"`;
  const groups = [...new Set([...s.cgroups.map((c) => c.path), ...s.tasks.map((t) => t.cgroup)])].filter((g) => g !== '/');
  const record = (s.record.length ? s.record : defaultRecord(s)).map((p) => ({ sim: p, real: realPath(s, p, devs) }));
  const L: string[] = [];
  const push = (...x: string[]): number => L.push(...x);

  push(
    '#!/usr/bin/env bash',
    `# Kernel Lab: reproduce "${s.name}" (${inp.runLabel}) on a real Linux machine.`,
    `# Generated by \`kernel-lab export --format script\`; modelled kernel ${s.kernel.version}, ${s.kernel.scheduler.toUpperCase()}, HZ=${s.kernel.hz}, cgroup v${s.cgroupVersion}.`,
    '#',
    '# What it does, in order: prints the plan; refuses without root; asks (or --yes);',
    '# sets the sysctls and creates the cgroup tree with its interface-file writes;',
    '# starts the workloads in their cgroups at their start times; applies the timeline',
    '# writes at their times; samples the recorded files every sample interval into',
    '# $OUT (CSV, first line "kernel-lab/real-samples@1"); after the duration stops the',
    '# workloads, restores the sysctls and block settings and removes its cgroups.',
    '#',
    '# Load the result beside the simulated run:  kernel-lab import-real OUT.csv --session S.klab',
    '#',
    '# Settings (environment): OUT (CSV path), WORK (job files, fio results),',
    v2 ? '#   CGROOT (the experiment\'s cgroup, default /sys/fs/cgroup/kernel-lab: the scenario\'s / maps here),' : '#   CGV1 (cgroup v1 mount, default /sys/fs/cgroup; groups go under <controller>/kernel-lab),',
    '#   DEV_<disk>=/dev/… (the real disk standing for each scenario disk), DATA_<disk> (a mounted',
    '#   directory on that disk for the scenario\'s files; default /mnt/kernel-lab-<disk>), DATA (files on no disk).',
    '#',
    '# Usage: sudo ./SCRIPT [--yes] | ./SCRIPT --dry-run',
    'set -euo pipefail',
    '',
    `OUT=\${OUT:-$PWD/${s.name.replace(/[^A-Za-z0-9._-]+/g, '-')}-real.csv}`,
    'WORK=${WORK:-/tmp/kernel-lab-$$}',
    v2 ? 'CGROOT=${CGROOT:-/sys/fs/cgroup/kernel-lab}' : 'CGV1=${CGV1:-/sys/fs/cgroup}',
    `DURATION_NS=${s.durationNs}`,
    `INTERVAL_NS=${s.sampleIntervalNs}`,
    'DATA=${DATA:-/var/tmp/kernel-lab}',
  );
  for (const d of disks) {
    const disk = devs.find((x) => x.name === d)!.disk;
    push(`${varName(d)}=\${${varName(d)}:-/dev/${d}}`);
    if (d === disk) push(`DATA_${varName(d).slice(4)}=\${DATA_${varName(d).slice(4)}:-/mnt/kernel-lab-${d}}`);
  }
  for (const f of files.values()) {
    const base = f.device ? `$DATA_${varName(devs.find((x) => x.name === f.device)?.disk ?? f.device).slice(4)}` : '$DATA';
    push(`${f.var}="${base}"${shq(f.path)}   # ${f.path}, ${f.sizeBytes} bytes${f.device ? ` on ${f.device}` : ''}`);
  }
  push(
    '',
    'devname() { local v="DEV_${1//[^A-Za-z0-9]/_}"; basename "${!v}"; }',
    'devnum() { cat "/sys/class/block/$(devname "$1")/dev"; }',
    '',
    'plan() {',
    "  cat <<'PLAN'",
    `Kernel Lab reproduction of "${s.name}": ${secs(s.durationNs)} s, samples every ${secs(s.sampleIntervalNs)} s.`,
    'It will change:',
  );
  for (const [k, v] of s.kernel.sysctl) push(`  sysctl ${k} = ${v}   (restored on exit)`);
  for (const [k, v] of [['vm.dirty_ratio', kernelDefaults(s.kernel.version).dirtyRatio], ['vm.dirty_background_ratio', kernelDefaults(s.kernel.version).dirtyBackgroundRatio]] as const) {
    if (!s.kernel.sysctl.some(([n]) => n === k)) push(`  sysctl ${k} = ${v}   (the default of kernel ${s.kernel.version}; restored on exit)`);
  }
  push('  /sys/kernel/mm/lru_gen/enabled = n where it exists (the model has no multi-gen LRU; restored on exit)');
  if (v2) push('  create the cgroup $CGROOT and enable its controllers in the parents\' cgroup.subtree_control');
  for (const g of groups) push(`  create cgroup ${g}`);
  for (const c of s.cgroups) for (const [f, v] of c.writes) push(`  write ${c.path === '/' ? '' : c.path}/${f} = ${v}`);
  for (const t of s.tasks) push(`  start ${t.count} × ${t.name} (${t.run.type}) in ${t.cgroup}${t.startNs ? ` at ${secs(t.startNs)} s` : ''}`);
  for (const a of s.timeline) push(`  at ${secs(a.atNs)} s: ${a.kind === 'write' ? `write ${a.path} = ${a.value}` : a.kind === 'plug' ? `plug ${a.device.name} (a note: hardware)` : a.kind === 'unplug' ? `unplug ${a.device}` : a.kind === 'plug_nic' ? `plug NIC ${a.nic.name} (a note: hardware)` : `unplug NIC ${a.nic} (a note)`}`);
  for (const f of files.values()) push(`  create or overwrite ${f.path} (${f.sizeBytes} bytes) under the data directory`);
  push(`  write the samples to $OUT`, 'PLAN', '}', '');
  push(
    'YES=',
    'case "${1:-}" in',
    '  --dry-run) plan; exit 0 ;;',
    '  --yes) YES=1 ;;',
    '  "") ;;',
    '  *) echo "usage: $0 [--yes | --dry-run]" >&2; exit 2 ;;',
    'esac',
    'plan',
    v2 ? 'echo "cgroups under $CGROOT; samples to $OUT; job files in $WORK"' : 'echo "cgroups under $CGV1/<controller>/kernel-lab; samples to $OUT; job files in $WORK"',
    'if [ "$(id -u)" -ne 0 ]; then',
    '  echo "$0: refusing to run without root: it writes /proc/sys, /sys/fs/cgroup and /sys/block (use sudo, or --dry-run to see the plan only)" >&2',
    '  exit 1',
    'fi',
    'if [ -z "$YES" ]; then',
    '  if [ -t 0 ]; then read -r -p "Apply these changes? [y/N] " answer; [ "$answer" = y ] || { echo "nothing changed" >&2; exit 1; }',
    '  else echo "$0: not a terminal: pass --yes to apply" >&2; exit 1; fi',
    'fi',
    '',
  );
  const tools = new Set<string>();
  const workloads = s.tasks.flatMap((t) => taskNames(t).map((n) => ({ t, n, w: workload(s, t, n.replace(/#/g, '-'), fileVar) })));
  for (const { w } of workloads) if (w.tool !== null) tools.add(w.tool);
  if (s.tasks.some((t) => t.cpus.length)) tools.add('taskset');
  if (s.tasks.some((t) => t.policy !== 'SCHED_OTHER')) tools.add('chrt');
  push(
    'mkdir -p "$WORK"',
    '',
    '# ---- preflight: nothing else has been changed yet',
    `for tool in ${[...tools].sort().join(' ') || 'true'}; do command -v "$tool" >/dev/null || { echo "$0: $tool is not installed" >&2; exit 1; }; done`,
    v2
      ? '[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || { echo "$0: the scenario uses cgroup v2 but /sys/fs/cgroup is not cgroup2" >&2; exit 1; }'
      : '[ -d "$CGV1/memory" ] || { echo "$0: the scenario uses cgroup v1 but $CGV1/memory is not a v1 hierarchy" >&2; exit 1; }',
    `echo "kernel: $(uname -r) (scenario models ${s.kernel.version}${s.kernel.scheduler === 'eevdf' ? ', EEVDF: 6.6 or later' : ', CFS: before 6.6'})" >&2`,
    '',
    '# ---- undo on exit',
    'UNDO=()',
    'PIDS=()',
    'cleanup() {',
    '  set +e',
    '  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done',
    '  wait 2>/dev/null',
    '  for ((i=${#UNDO[@]}-1; i>=0; i--)); do eval "${UNDO[$i]}" 2>/dev/null; done',
    '  echo "samples in $OUT" >&2',
    '}',
    'trap cleanup EXIT',
    'trap "exit 130" INT TERM',
    '',
    '# kwrite REAL_PATH VALUE SIM_PATH: echo VALUE > REAL_PATH, remember the old value of a setting, log it to $OUT.',
    'kwrite() {',
    '  local old=""',
    '  case "$1" in /proc/sys/*|/sys/block/*|/sys/class/block/*|/sys/devices/*|/sys/kernel/mm/*) old=$(cat "$1" 2>/dev/null | sed -n "s/.*\\[\\(.*\\)\\].*/\\1/p;t;p" | head -1) ;; esac',
    '  if echo "$2" > "$1"; then',
    '    [ -n "$old" ] && UNDO+=("echo $(printf %q "$old") > $(printf %q "$1")")',
    '    printf \'%s,"!write:%s","%s"\\n\' "$(( $(date +%s%N) - T0 ))" "$3" "${2//\\"/\\"\\"}" >> "$OUT"',
    '  else echo "$0: write refused: $2 > $1" >&2; fi',
    '}',
    'mark() { printf \'%s,"%s",""\\n\' "$(( $(date +%s%N) - T0 ))" "$1" >> "$OUT"; }',
    'note() { echo "NOTE: $1" >&2; }',
    'unplug() {',
    '  local d; d=$(devname "$1")',
    '  if [ -e "/sys/block/$d/device/delete" ]; then echo 1 > "/sys/block/$d/device/delete"; mark "!unplug:$1"',
    '  else note "unplug $1 ($d) now: it has no SCSI delete file"; fi',
    '}',
    '# at_ns T: sleep until T ns after the start.',
    'at_ns() { local rem=$(( T0 + $1 - $(date +%s%N) )); (( rem > 0 )) && sleep "$((rem / 1000000000)).$(printf %09d $((rem % 1000000000)))"; return 0; }',
    '',
  );
  // cgroups
  push('# ---- cgroup tree');
  const v1Ctrls = ['cpu,cpuacct', 'memory', 'blkio', ...(s.cgroups.some((c) => c.writes.some(([f]) => f.startsWith('cpuset.'))) ? ['cpuset'] : [])];
  if (v2) {
    push(
      'enable() { for c in cpu memory io cpuset pids; do grep -qw "$c" "$1/cgroup.controllers" 2>/dev/null && echo "+$c" > "$1/cgroup.subtree_control" 2>/dev/null; done; return 0; }',
      'enable /sys/fs/cgroup',
      'mkdir -p "$CGROOT"; UNDO+=("rmdir \\"$CGROOT\\"")',
      'enable "$CGROOT"',
    );
    const made = new Set<string>();
    for (const g of groups) {
      const parts = g.split('/').filter(Boolean);
      for (let i = 1; i <= parts.length; i++) {
        const p = `/${parts.slice(0, i).join('/')}`;
        if (made.has(p)) continue;
        made.add(p);
        push(`mkdir -p "$CGROOT"${shq(p)}; UNDO+=("rmdir \\"$CGROOT\\"${shq(p)}")`);
        // A group with children needs the controllers enabled for them.
        if (groups.some((o) => o.startsWith(`${p}/`))) push(`enable "$CGROOT"${shq(p)}`);
      }
    }
  } else {
    for (const c of v1Ctrls) push(`mkdir -p "$CGV1"/${shq(c)}/kernel-lab; UNDO+=("rmdir \\"$CGV1\\"/${shq(c)}/kernel-lab")`);
    if (v1Ctrls.includes('cpuset')) push('cat "$CGV1/cpuset/cpuset.cpus" > "$CGV1/cpuset/kernel-lab/cpuset.cpus"; cat "$CGV1/cpuset/cpuset.mems" > "$CGV1/cpuset/kernel-lab/cpuset.mems"');
    for (const g of groups) {
      const parts = g.split('/').filter(Boolean);
      for (let i = 1; i <= parts.length; i++) {
        const p = `/${parts.slice(0, i).join('/')}`;
        for (const c of v1Ctrls) {
          push(`[ -d "$CGV1"/${shq(c)}/kernel-lab${shq(p)} ] || { mkdir "$CGV1"/${shq(c)}/kernel-lab${shq(p)}; UNDO+=("rmdir \\"$CGV1\\"/${shq(c)}/kernel-lab${shq(p)}"); }`);
        }
        if (v1Ctrls.includes('cpuset')) {
          const parent = `"$CGV1"/cpuset/kernel-lab${shq(`/${parts.slice(0, i - 1).join('/')}`)}`;
          push(`cat ${parent}/cpuset.cpus > "$CGV1"/cpuset/kernel-lab${shq(p)}/cpuset.cpus; cat ${parent}/cpuset.mems > "$CGV1"/cpuset/kernel-lab${shq(p)}/cpuset.mems`);
        }
      }
    }
  }
  push('', '# ---- sysctls (kernel.sysctl of the scenario, in its order)');
  for (const [k, v] of s.kernel.sysctl) {
    push(`UNDO+=("sysctl -qw $(printf %q "${k}=$(sysctl -n ${k})")")`, `sysctl -qw ${shq(`${k}=${v}`)}`);
  }
  // Version-dependent defaults the scenario leaves alone: the modelled kernel's, written so the real machine matches them.
  const kd = kernelDefaults(s.kernel.version);
  const setNames = new Set(s.kernel.sysctl.map(([k]) => k));
  const versionSysctls: [string, string][] = (
    [
      ['vm.dirty_ratio', String(kd.dirtyRatio)],
      ['vm.dirty_background_ratio', String(kd.dirtyBackgroundRatio)],
    ] as [string, string][]
  ).filter(([k]) => !setNames.has(k));
  push('', `# ---- defaults of the modelled kernel ${s.kernel.version} (src-sim/scenario/kernel-versions.ts) the scenario does not set`);
  for (const [k, v] of versionSysctls) push(`UNDO+=("sysctl -qw $(printf %q "${k}=$(sysctl -n ${k})")")`, `sysctl -qw ${shq(`${k}=${v}`)}`);
  push('', '# ---- files the workloads use');
  for (const f of files.values()) {
    push(`mkdir -p "$(dirname "$${f.var}")"; [ "$(stat -c %s "$${f.var}" 2>/dev/null || echo 0)" -ge ${f.sizeBytes} ] || dd if=/dev/urandom of="$${f.var}" bs=1M count=${Math.ceil(f.sizeBytes / 1048576)} status=none`);
  }
  push('', '# ---- cgroup interface files (in the scenario\'s order)', 'T0=$(date +%s%N)');
  for (const c of s.cgroups) {
    for (const [f, v] of c.writes) {
      const sim = v2 ? `/sys/fs/cgroup${c.path === '/' ? '' : c.path}/${f}` : `/sys/fs/cgroup/${controllerOf(f) === 'cpu' || controllerOf(f) === 'cpuacct' ? 'cpu,cpuacct' : controllerOf(f)}${c.path === '/' ? '' : c.path}/${f}`;
      push(`kwrite ${realPath(s, sim, devs)} ${realValue(v, devs)} ${shq(sim)}`);
    }
  }
  push(
    '',
    '# The simulator models the two-list LRU (active/inactive), not the multi-gen LRU (6.1+): turn MGLRU off where the kernel has it.',
    'if [ -w /sys/kernel/mm/lru_gen/enabled ]; then kwrite /sys/kernel/mm/lru_gen/enabled n /sys/kernel/mm/lru_gen/enabled; fi',
  );
  push(
    '',
    '# ---- sampling: every interval, the raw text of each recorded file as one CSV row',
    '# (t_ns since start, the simulated path, the text with newlines as \\n); import-real',
    '# parses the fields exactly as the simulator\'s recorder does.',
    'RECORD_REAL=(',
  );
  const kept = record.filter((r) => r.real !== null);
  for (const r of kept) push(`  ${r.real}`);
  push(')', 'RECORD_SIM=(');
  for (const r of kept) push(`  ${shq(r.sim)}`);
  push(
    ')',
    `printf '%s\\n' ${shq(`# ${REAL_SAMPLES_FORMAT} scenario=${s.name} interval_ns=${s.sampleIntervalNs} duration_ns=${s.durationNs} cgroup_version=${s.cgroupVersion}`)} "# host=$(uname -n) kernel=$(uname -r)" 't_ns,path,text' > "$OUT"`,
    'sampler() {',
    '  local k=0 t i txt',
    '  while (( k * INTERVAL_NS <= DURATION_NS )); do',
    '    at_ns $(( k * INTERVAL_NS ))',
    '    t=$(( $(date +%s%N) - T0 ))',
    '    for i in "${!RECORD_REAL[@]}"; do',
    '      [ -r "${RECORD_REAL[$i]}" ] || continue',
    '      txt=$(<"${RECORD_REAL[$i]}") || continue',
    '      txt=${txt//\\"/\\"\\"}',
    "      txt=${txt//$'\\n'/\\\\n}",
    '      printf \'%s,"%s","%s"\\n\' "$t" "${RECORD_SIM[$i]}" "$txt"',
    '    done >> "$OUT"',
    '    k=$(( k + 1 ))',
    '  done',
    '}',
    '',
    '# ---- workloads: each in its cgroup (the subshell joins it, then execs the tool)',
  );
  if (v2) push('join() { echo "$BASHPID" > "$CGROOT$1/cgroup.procs"; }');
  else push(`join() { local c; for c in ${v1Ctrls.join(' ')}; do echo "$BASHPID" > "$CGV1/$c/kernel-lab$1/cgroup.procs"; done; }`);
  for (const { t, n, w } of workloads) {
    push(`# ${n}: ${t.run.type}${w.note ? ` — approximation: ${w.note}` : ''}`);
    if (w.setup.length) push(...w.setup);
    const cg = t.cgroup === '/' ? '' : t.cgroup;
    const adj = t.oomScoreAdj !== 0 ? `echo ${t.oomScoreAdj} > /proc/self/oom_score_adj; ` : '';
    if (t.sliceNs > 0) push(`# ${n}: EEVDF custom slice ${t.sliceNs} ns (sched_setattr sched_runtime; util-linux chrt ≥ 2.40: chrt --other --sched-runtime ${t.sliceNs} 0 …) is not applied here`);
    push(`( at_ns ${t.startNs}; join ${shq(cg)}; ${adj}exec ${launcher(t) ? `${launcher(t)} ` : ''}${w.cmd} ) > "$WORK"/${shq(`${n.replace(/#/g, '-')}.log`)} 2>&1 &`, 'PIDS+=($!)');
  }
  push('', 'sampler &', 'PIDS+=($!)', '', '# ---- timeline (scenario and live actions of the run, in time order)');
  for (const a of [...s.timeline].sort((x, y) => x.atNs - y.atNs)) push(...timelineLine(s, a, devs));
  push('', 'at_ns "$DURATION_NS"', 'sleep 0.2   # the last sample', 'echo "done: $(( ($(date +%s%N) - T0) / 1000000 )) ms" >&2', '');
  return L.join('\n');
}

export function reproScriptFile(base: string, inp: ScriptInputs): ExportFile {
  return { filename: `${base}.reproduce.sh`, mime: 'text/x-shellscript', text: buildReproScript(inp) };
}
