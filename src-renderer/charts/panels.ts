/**
 * Ready-made comparison panels for the headline topics. Each picks
 * series from a run's catalogue by virtual-file name and field, so it works
 * for any cgroup tree. Counters are shown as per-second rates.
 */
import type { SeriesMeta } from '../../src-main/ipc/contract.ts';

export interface PanelDef {
  id: string;
  title: string;
  unit: string;
  /** Which series: the file's basename (memory.current) and a field test. */
  pick: { file: RegExp; field: RegExp }[];
  transform: 'value' | 'rate';
  scale?: number;
}

export interface PanelGroup {
  id: 'memcg' | 'io' | 'sched' | 'numa' | 'thp' | 'net';
  title: string;
  panels: PanelDef[];
}

export const PANEL_GROUPS: PanelGroup[] = [
  {
    id: 'memcg',
    title: 'Memory cgroup',
    panels: [
      { id: 'memcg-usage', title: 'memory.current vs memory.high / memory.max', unit: 'bytes', transform: 'value', pick: [{ file: /memory\.(current|high|max)$/, field: /^$/ }] },
      { id: 'memcg-events', title: 'memory.events (high, max, oom, oom_kill) per second', unit: '/s', transform: 'rate', pick: [{ file: /memory\.events$/, field: /^(high|max|oom|oom_kill)$/ }] },
      { id: 'memcg-refault', title: 'Refaults (workingset_refault_*) per second', unit: 'pages/s', transform: 'rate', pick: [{ file: /memory\.stat$/, field: /^workingset_refault/ }] },
      // memory.lab_wss exists only while a wss-scanner task runs (a simulator file, src-sim/kernel/mm/README.md).
      { id: 'memcg-wss', title: 'Working-set estimate (memory.lab_wss wss_bytes) vs memory.current', unit: 'bytes', transform: 'value', pick: [{ file: /memory\.lab_wss$/, field: /^wss_bytes$/ }, { file: /memory\.current$/, field: /^$/ }] },
      { id: 'memcg-psi', title: 'PSI memory (some/full avg10)', unit: '%', transform: 'value', pick: [{ file: /(memory\.pressure|pressure\/memory)$/, field: /^(some|full)\.avg10$/ }] },
    ],
  },
  {
    id: 'io',
    title: 'I/O throttling',
    panels: [
      { id: 'io-bw', title: 'Bandwidth per cgroup (io.stat rbytes/wbytes)', unit: 'B/s', transform: 'rate', pick: [{ file: /io\.stat$/, field: /\.(rbytes|wbytes)$/ }] },
      { id: 'io-iops', title: 'IOPS per cgroup (io.stat rios/wios)', unit: 'IO/s', transform: 'rate', pick: [{ file: /io\.stat$/, field: /\.(rios|wios)$/ }] },
      { id: 'io-limit', title: 'io.max limits', unit: 'B/s or IO/s', transform: 'value', pick: [{ file: /io\.max$/, field: /\.(rbps|wbps|riops|wiops)$/ }] },
      { id: 'io-latency', title: 'Latency percentiles', unit: 'µs', transform: 'value', pick: [{ file: /(io\.latency|latency)$/, field: /(p50|p90|p99|avg_lat)/ }] },
      { id: 'io-psi', title: 'PSI io (some/full avg10)', unit: '%', transform: 'value', pick: [{ file: /(io\.pressure|pressure\/io)$/, field: /^(some|full)\.avg10$/ }] },
    ],
  },
  {
    id: 'sched',
    title: 'Scheduler',
    panels: [
      { id: 'sched-share', title: 'CPU use per cgroup (cpu.stat usage_usec), CPUs', unit: 'CPUs', transform: 'rate', scale: 1e-6, pick: [{ file: /cpu\.stat$/, field: /^usage_usec$/ }] },
      { id: 'sched-delay', title: 'Run delay (/proc/PID/schedstat) per second', unit: 'ns/s', transform: 'rate', pick: [{ file: /schedstat$/, field: /run_delay|^1$/ }] },
      { id: 'sched-throttle', title: 'Throttling (cpu.stat nr_throttled, throttled_usec)', unit: '/s', transform: 'rate', pick: [{ file: /cpu\.stat$/, field: /^(nr_throttled|throttled_usec)$/ }] },
      { id: 'sched-psi', title: 'PSI cpu (some avg10)', unit: '%', transform: 'value', pick: [{ file: /(cpu\.pressure|pressure\/cpu)$/, field: /^(some|full)\.avg10$/ }] },
    ],
  },
  {
    id: 'numa',
    title: 'NUMA',
    panels: [
      { id: 'numa-anon', title: 'Anon memory per node (nodeN/meminfo AnonPages)', unit: 'kB', transform: 'value', pick: [{ file: /node\d+\/meminfo$/, field: /^AnonPages$/ }] },
      { id: 'numa-balancing', title: 'NUMA balancing (hint faults, pages migrated) per second', unit: '/s', transform: 'rate', pick: [{ file: /\/proc\/vmstat$/, field: /^(numa_hint_faults|numa_hint_faults_local|numa_pages_migrated)$/ }] },
      { id: 'numa-alloc', title: 'Allocations per node (numastat) per second', unit: 'pages/s', transform: 'rate', pick: [{ file: /node\d+\/numastat$/, field: /^(numa_hit|numa_miss|local_node|other_node)$/ }] },
      { id: 'numa-memcg', title: 'memory.numa_stat anon per node', unit: 'bytes', transform: 'value', pick: [{ file: /memory\.numa_stat$/, field: /^anon\.N\d+$/ }] },
    ],
  },
  {
    id: 'thp',
    title: 'Huge pages and compaction',
    panels: [
      { id: 'thp-anon', title: 'AnonHugePages vs AnonPages (/proc/meminfo)', unit: 'kB', transform: 'value', pick: [{ file: /^\/proc\/meminfo$/, field: /^(AnonHugePages|AnonPages)$/ }] },
      { id: 'thp-faults', title: 'Huge-page faults and fallbacks (thp_fault_*) per second', unit: '/s', transform: 'rate', pick: [{ file: /\/proc\/vmstat$/, field: /^thp_(fault_alloc|fault_fallback|split_pmd)$/ }] },
      { id: 'thp-compact', title: 'Compaction (compact_stall, _success, _fail) per second', unit: '/s', transform: 'rate', pick: [{ file: /\/proc\/vmstat$/, field: /^compact_(stall|success|fail)$/ }] },
      { id: 'thp-buddy', title: 'Free 2 MiB and 4 MiB blocks (/proc/buddyinfo orders 9, 10)', unit: 'blocks', transform: 'value', pick: [{ file: /\/proc\/buddyinfo$/, field: /\.(9|10)$/ }] },
    ],
  },
  {
    // Runs with NICs (src-sim/kernel/net): the receive-livelock story in four panels.
    id: 'net',
    title: 'Network',
    panels: [
      {
        id: 'net-delivered',
        title: 'Packets delivered per second (softnet processed; forwarded, received)',
        unit: 'packets/s',
        transform: 'rate',
        pick: [
          // net/core/net-procfs.c softnet_stat "processed": packets that reached __netif_receive_skb, per CPU.
          { file: /\/net\/softnet$/, field: /^cpu\d+\.processed$/ },
          { file: /\/net\/(forward|recv)\/[^/]+$/, field: /^packets$/ },
          { file: /\/net\/assoc\/[^/]+$/, field: /^delivered$/ },
        ],
      },
      {
        id: 'net-drops',
        title: 'Drops per second (NIC ring full, backlog full, socket, association)',
        unit: 'packets/s',
        transform: 'rate',
        pick: [
          { file: /^\/sys\/class\/net\/[^/]+\/statistics\/(rx_dropped|rx_missed_errors|tx_dropped)$/, field: /^$/ },
          { file: /\/net\/softnet$/, field: /^cpu\d+\.dropped$/ },
          { file: /\/net\/recv\/[^/]+$/, field: /^drops$/ },
          { file: /\/net\/assoc\/[^/]+$/, field: /^lost$/ },
        ],
      },
      // fs/proc/stat.c counts irq and softirq time in USER_HZ (100) ticks: ticks/s × 0.01 = CPUs.
      { id: 'net-softirq', title: 'Hard and soft interrupt CPU (/proc/stat irq, softirq), CPUs', unit: 'CPUs', transform: 'rate', scale: 0.01, pick: [{ file: /^\/proc\/stat$/, field: /^cpu\.(irq|softirq)$/ }] },
      {
        id: 'net-irqs',
        title: 'Interrupts per second (/proc/stat intr; NET_RX runs)',
        unit: '/s',
        transform: 'rate',
        pick: [
          { file: /^\/proc\/stat$/, field: /^intr$/ },
          { file: /\/net\/softnet$/, field: /^cpu\d+\.net_rx$/ },
        ],
      },
    ],
  },
];

export function pickSeries(catalogue: readonly SeriesMeta[], panel: PanelDef): SeriesMeta[] {
  return catalogue.filter((s) => panel.pick.some((p) => p.file.test(s.path) && p.field.test(s.field)));
}

export function seriesLabel(s: Pick<SeriesMeta, 'path' | 'field'>): string {
  const short = s.path.replace(/^\/sys\/fs\/cgroup/, '').replace(/^\/proc\//, 'proc/');
  return s.field ? `${short} ${s.field}` : short;
}
