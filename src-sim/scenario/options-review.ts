/**
 * Issue 14: every option the scenario file accepts, and what the model does
 * with it. Keys are property paths in resources/schema/scenario.schema.json
 * (`[]` = any list element; a run type's fields
 * are under `tasks[].run{TYPE}`). test/src-sim/scenario/options-used.test.ts fails when
 * a schema key has no entry here, when an entry names a key the schema no
 * longer has, or when a "used" module's source no longer mentions the field.
 *
 * - used:     the resolved field (`field`, as in types.ts) is read by `in`.
 * - outside-model: no simulated effect by design, read outside src-sim (`in`) for `why`.
 * - metadata: describes the file, not the simulated machine (no model input).
 * - refused:  accepted by the parser but refused at validation as not modelled.
 */
export type OptionReview =
  | { status: 'used'; field: string; in: readonly string[] }
  | { status: 'outside-model'; field: string; in: readonly string[]; why: string }
  | { status: 'metadata'; why: string }
  | { status: 'refused'; error: string };

const used = (field: string, ...modules: string[]): OptionReview => ({ status: 'used', field, in: modules });

const blockDevice = (prefix: string): Record<string, OptionReview> => ({
  [`${prefix}.name`]: used('name', 'src-sim/kernel/block/disk.ts'),
  [`${prefix}.type`]: used('type', 'src-sim/hw/block/model.ts'),
  [`${prefix}.size`]: used('sizeBytes', 'src-sim/kernel/block/disk.ts'),
  [`${prefix}.major`]: used('major', 'src-sim/kernel/block/disk.ts'),
  [`${prefix}.minor`]: used('minor', 'src-sim/kernel/block/block-layer.ts'),
  [`${prefix}.model`]: used('model', 'src-sim/kernel/block/sysfs.ts', 'src-sim/kernel/hotplug/disk-names.ts'),
  [`${prefix}.serial`]: used('serial', 'src-sim/kernel/hotplug/disk-names.ts'),
  [`${prefix}.partitions`]: used('partitions', 'src-sim/kernel/block/disk.ts'),
  [`${prefix}.params`]: used('params', 'src-sim/hw/block/model.ts'),
  [`${prefix}.bad_sectors[].start`]: used('start', 'src-sim/hw/block/faults.ts'),
  [`${prefix}.bad_sectors[].end`]: used('end', 'src-sim/hw/block/faults.ts'),
  [`${prefix}.bad_sectors[].op`]: used('op', 'src-sim/hw/block/faults.ts'),
});

const fileIo = (type: 'read' | 'write'): Record<string, OptionReview> => ({
  [`tasks[].run{${type}}.file`]: used('file', 'src-sim/workload/memory/file-io.ts'),
  [`tasks[].run{${type}}.size`]: used('sizeBytes', 'src-sim/workload/memory/file-io.ts'),
  [`tasks[].run{${type}}.bs`]: used('bs', 'src-sim/workload/memory/file-io.ts'),
  [`tasks[].run{${type}}.pattern`]: used('pattern', 'src-sim/workload/memory/file-io.ts'),
  [`tasks[].run{${type}}.direct`]: used('direct', 'src-sim/workload/memory/file-io.ts'),
  [`tasks[].run{${type}}.loop`]: used('loop', 'src-sim/workload/memory/file-io.ts'),
  [`tasks[].run{${type}}.mmap`]: used('mmap', 'src-sim/workload/memory/file-io.ts'),
});

const nic = (prefix: string): Record<string, OptionReview> => ({
  [`${prefix}.name`]: used('name', 'src-sim/kernel/net/netdev.ts'),
  [`${prefix}.type`]: used('type', 'src-sim/hw/net/nic-types.ts'),
  [`${prefix}.speed`]: used('speedMbps', 'src-sim/kernel/net/netdev.ts'),
  [`${prefix}.queues`]: used('queues', 'src-sim/kernel/net/netdev.ts'),
  [`${prefix}.ring`]: used('ring', 'src-sim/kernel/net/netdev.ts'),
  [`${prefix}.irq_cpus`]: used('irqCpus', 'src-sim/kernel/net/netdev.ts'),
  [`${prefix}.rx_usecs`]: used('rxUsecs', 'src-sim/kernel/net/stack.ts'),
  [`${prefix}.rx_frames`]: used('rxFrames', 'src-sim/kernel/net/stack.ts'),
  [`${prefix}.gro`]: used('gro', 'src-sim/kernel/net/stack.ts'),
  [`${prefix}.tso`]: used('tso', 'src-sim/workload/net/send.ts'),
  [`${prefix}.gso`]: used('gso', 'src-sim/workload/net/send.ts'),
  [`${prefix}.irq_cost`]: used('irqCostNs', 'src-sim/kernel/net/net-cpu.ts'),
  [`${prefix}.rx_cost`]: used('rxCostNs', 'src-sim/kernel/net/net-cpu.ts'),
  [`${prefix}.pci_bus`]: used('pciBus', 'src-sim/kernel/net/netdev.ts'),
});

export const OPTIONS_REVIEW: Readonly<Record<string, OptionReview>> = {
  format: { status: 'metadata', why: 'file format tag, checked by the loader' },
  name: { status: 'metadata', why: 'the run name in results and the UI' },
  description: { status: 'metadata', why: 'free text for the reader' },
  seed: used('seed', 'src-sim/kernel/boot.ts'),
  run: used('run', 'src-sim/kernel/boot.ts'),
  duration: used('durationNs', 'src-sim/simulation.ts'),
  sample_interval: used('sampleIntervalNs', 'src-sim/simulation.ts'),
  cgroup_version: used('cgroupVersion', 'src-sim/kernel/boot.ts'),
  'machine.cpus': used('cpus', 'src-sim/kernel/sched/core.ts'),
  'machine.memory': used('memoryBytes', 'src-sim/kernel/mm/memory-block-layout.ts'),
  'machine.numa.nodes[].cpus': used('cpus', 'src-sim/kernel/numa/topology.ts'),
  'machine.numa.nodes[].memory': used('memoryBytes', 'src-sim/kernel/numa/topology.ts'),
  'machine.numa.distances': used('distances', 'src-sim/kernel/numa/topology.ts'),
  'machine.swap.size': used('sizeBytes', 'src-sim/kernel/mm/mm.ts'),
  'machine.swap.device': used('device', 'src-sim/kernel/writeback/install.ts'),
  'machine.swap.latency': used('latencyNs', 'src-sim/kernel/mm/mm.ts'),
  'machine.swap.bandwidth': used('bandwidthBytesPerSec', 'src-sim/kernel/mm/mm.ts'),
  ...blockDevice('machine.devices[]'),
  ...nic('machine.nics[]'),
  'machine.balloon.target': used('target', 'src-sim/kernel/mm/balloon.ts'),
  'machine.balloon.deflate_on_oom': used('deflateOnOom', 'src-sim/kernel/mm/balloon.ts'),
  'machine.balloon.free_page_reporting': used('freePageReporting', 'src-sim/kernel/mm/balloon.ts'),
  'kernel.version': used('version', 'src-sim/kernel/sched/core.ts', 'src-sim/kernel/mm/zswap.ts'),
  'kernel.scheduler': used('scheduler', 'src-sim/kernel/sched/core.ts'),
  'kernel.sysctl': used('sysctl', 'src-sim/kernel/boot.ts'),
  'kernel.hz': used('hz', 'src-sim/kernel/sched/core.ts'),
  'kernel.net.rx_mode': used('rxMode', 'src-sim/kernel/net/stack.ts'),
  'kernel.net.stack_cost': used('stackCostNs', 'src-sim/kernel/net/stack.ts'),
  'kernel.zswap.enabled': used('enabled', 'src-sim/kernel/mm/zswap.ts'),
  'kernel.zswap.max_pool_percent': used('max_pool_percent', 'src-sim/kernel/mm/zswap.ts'),
  'kernel.zswap.compressor': used('compressor', 'src-sim/kernel/mm/zswap.ts'),
  'kernel.zswap.zpool': used('zpool', 'src-sim/kernel/mm/zswap.ts'),
  'kernel.zswap.accept_threshold_percent': used('accept_threshold_percent', 'src-sim/kernel/mm/zswap.ts'),
  'kernel.zswap.shrinker_enabled': used('shrinker_enabled', 'src-sim/kernel/mm/zswap-files.ts'),
  'kernel.zswap.ratio': used('ratio', 'src-sim/kernel/mm/zswap.ts'),
  cgroups: used('writes', 'src-sim/kernel/boot.ts'),
  'files[].path': used('path', 'src-sim/kernel/mm/page-cache.ts'),
  'files[].size': used('sizeBytes', 'src-sim/kernel/mm/page-cache.ts'),
  'files[].device': used('device', 'src-sim/kernel/mm/backing-store.ts'),
  'tasks[].name': used('name', 'src-sim/kernel/boot.ts'),
  'tasks[].cgroup': used('cgroup', 'src-sim/kernel/boot.ts'),
  'tasks[].cpus': used('cpus', 'src-sim/kernel/boot.ts'),
  'tasks[].nice': used('nice', 'src-sim/kernel/task-factory.ts'),
  'tasks[].policy': used('policy', 'src-sim/kernel/sched/core.ts'),
  'tasks[].rt_priority': used('rtPriority', 'src-sim/kernel/sched/core.ts'),
  'tasks[].count': used('count', 'src-sim/kernel/boot.ts'),
  'tasks[].oom_score_adj': used('oomScoreAdj', 'src-sim/kernel/mm/oom.ts'),
  'tasks[].start': used('startNs', 'src-sim/kernel/boot.ts'),
  'tasks[].slice': used('sliceNs', 'src-sim/kernel/sched/core.ts'),
  'tasks[].mempolicy.mode': used('mode', 'src-sim/kernel/numa/mempolicy.ts'),
  'tasks[].mempolicy.nodes': used('nodes', 'src-sim/kernel/numa/mempolicy.ts'),
  'tasks[].run.type': used('type', 'src-sim/kernel/kernel.ts'),
  'tasks[].run{periodic}.busy': used('busyNs', 'src-sim/workload/cpu/behaviours.ts'),
  'tasks[].run{periodic}.period': used('periodNs', 'src-sim/workload/cpu/behaviours.ts'),
  'tasks[].run{periodic}.jitter': used('jitter', 'src-sim/workload/cpu/behaviours.ts'),
  'tasks[].run{alloc}.size': used('sizeBytes', 'src-sim/workload/memory/alloc.ts'),
  'tasks[].run{alloc}.step': used('stepBytes', 'src-sim/workload/memory/alloc.ts'),
  'tasks[].run{alloc}.every': used('everyNs', 'src-sim/workload/memory/alloc.ts'),
  'tasks[].run{alloc}.touch': used('touch', 'src-sim/workload/memory/alloc.ts'),
  'tasks[].run{alloc}.then': used('then', 'src-sim/workload/memory/alloc.ts'),
  'tasks[].run{alloc}.madvise': used('madvise', 'src-sim/workload/memory/alloc.ts'),
  'tasks[].run{alloc}.pin': used('pin', 'src-sim/workload/memory/alloc.ts'),
  'tasks[].run{alloc}.hugetlb': used('hugetlb', 'src-sim/workload/memory/alloc.ts'),
  'tasks[].run{workingset}.size': used('sizeBytes', 'src-sim/workload/memory/workingset.ts'),
  'tasks[].run{workingset}.pattern': used('pattern', 'src-sim/workload/memory/workingset.ts'),
  'tasks[].run{workingset}.theta': used('theta', 'src-sim/workload/memory/workingset.ts'),
  'tasks[].run{workingset}.rate': used('ratePerSec', 'src-sim/workload/memory/workingset.ts'),
  'tasks[].run{workingset}.work': used('workNs', 'src-sim/workload/memory/workingset.ts'),
  'tasks[].run{workingset}.madvise': used('madvise', 'src-sim/workload/memory/workingset.ts'),
  'tasks[].run{workingset}.hugetlb': used('hugetlb', 'src-sim/workload/memory/workingset.ts'),
  'tasks[].run{wss-scanner}.period': used('periodNs', 'src-sim/kernel/mm/wss-scanner.ts'),
  'tasks[].run{wss-scanner}.page_cost': used('pageCostNs', 'src-sim/kernel/mm/wss-scanner.ts'),
  ...fileIo('read'),
  ...fileIo('write'),
  'tasks[].run{write}.fsync': used('fsyncEveryBytes', 'src-sim/workload/memory/file-io.ts'),
  'tasks[].run{pktgen}.nic': used('nic', 'src-sim/workload/net/pktgen.ts'),
  'tasks[].run{pktgen}.rate': used('ratePerSec', 'src-sim/workload/net/pktgen.ts'),
  'tasks[].run{pktgen}.size': used('sizeBytes', 'src-sim/workload/net/pktgen.ts'),
  'tasks[].run{pktgen}.flows': used('flows', 'src-sim/workload/net/pktgen.ts'),
  'tasks[].run{pktgen}.port': used('port', 'src-sim/workload/net/pktgen.ts'),
  'tasks[].run{pktgen}.proto': used('proto', 'src-sim/workload/net/pktgen.ts'),
  'tasks[].run{stream}.nic': used('nic', 'src-sim/workload/net/stream.ts'),
  'tasks[].run{stream}.port': used('port', 'src-sim/workload/net/stream.ts'),
  'tasks[].run{stream}.size': used('sizeBytes', 'src-sim/workload/net/stream.ts'),
  'tasks[].run{stream}.window': used('windowBytes', 'src-sim/workload/net/stream.ts'),
  'tasks[].run{stream}.rtt': used('rttNs', 'src-sim/workload/net/stream.ts'),
  'tasks[].run{assoc}.paths': used('paths', 'src-sim/workload/net/assoc.ts'),
  'tasks[].run{assoc}.port': used('port', 'src-sim/workload/net/assoc.ts'),
  'tasks[].run{assoc}.rate': used('ratePerSec', 'src-sim/workload/net/assoc.ts'),
  'tasks[].run{assoc}.size': used('sizeBytes', 'src-sim/workload/net/assoc.ts'),
  'tasks[].run{assoc}.failover': used('failoverNs', 'src-sim/workload/net/assoc.ts'),
  'tasks[].run{forward}.port': used('port', 'src-sim/workload/net/forward.ts'),
  'tasks[].run{forward}.to': used('to', 'src-sim/workload/net/forward.ts'),
  'tasks[].run{forward}.cost': used('costNs', 'src-sim/workload/net/forward.ts'),
  'tasks[].run{send}.nic': used('nic', 'src-sim/workload/net/send.ts'),
  // The simulated sender has no receiver or connection (no ACKs: workload/net/send.ts), so the
  // destination port has no simulated effect; it is the -p of the iperf3 command in the
  // real-machine reproduction script. Documented in workload/net/README.md.
  'tasks[].run{send}.port': {
    status: 'outside-model',
    field: 'port',
    in: ['src-main/lab/repro-script.ts'],
    why: 'iperf3 -p in the reproduction script; the simulated sender has no receiver, so the port changes no simulated result',
  },
  'tasks[].run{netrecv}.port': used('port', 'src-sim/workload/net/netrecv.ts'),
  'tasks[].run{netrecv}.cost': used('costNs', 'src-sim/workload/net/netrecv.ts'),
  'tasks[].run{netrecv}.batch': used('batch', 'src-sim/workload/net/netrecv.ts'),
  'tasks[].run{netrecv}.rcvbuf': used('rcvbufBytes', 'src-sim/workload/net/netrecv.ts'),
  // fio: the job's own options are reviewed in workload/fio/options.ts (test/src-sim/workload/fio/options.test.ts);
  // job, text and inline options all become the job text the fio installer parses.
  'tasks[].run{fio}.job': used('jobPath', 'src-sim/workload/fio/install.ts'),
  'tasks[].run{fio}.text': used('jobText', 'src-sim/workload/fio/install.ts'),
  'tasks[].run{fio}.options': used('jobText', 'src-sim/workload/fio/install.ts'),
  'timeline[].at': used('atNs', 'src-sim/simulation.ts'),
  'timeline[].write': used('value', 'src-sim/simulation.ts'),
  ...blockDevice('timeline[].plug'),
  ...nic('timeline[].plug'),
  // `plug:` takes a block device or a NIC (told apart by type); both share these keys.
  'timeline[].plug.name': used('name', 'src-sim/kernel/block/disk.ts', 'src-sim/kernel/net/netdev.ts'),
  'timeline[].plug.type': used('type', 'src-sim/hw/block/model.ts', 'src-sim/hw/net/nic-types.ts'),
  'timeline[].unplug': used('unplug', 'src-sim/simulation.ts'),
  record: used('record', 'src-sim/simulation.ts'),
};
