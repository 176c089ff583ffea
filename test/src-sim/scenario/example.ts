/** The scenario of issue 2, section 4, exactly as written there. */
export const ISSUE2_YAML = `format: kernel-lab/scenario@1
name: cpu-weights
seed: 1
duration: 10s                 # units: ns us ms s m; sizes: K M G T (binary)
sample_interval: 100ms
cgroup_version: 2             # 1 switches files and semantics to cgroup v1
machine:
  cpus: 4                     # or: numa: { nodes: [{cpus: "0-1", memory: 2G}, ...], distances: [[10,21],[21,10]] }
  memory: 8G
kernel:
  sysctl: { kernel.sched_rt_runtime_us: 950000 }
  scheduler: eevdf            # or cfs (pre-6.6 behaviour)
cgroups:
  /batch: { cpu.weight: 100 }                 # values are written exactly as \`echo\` would write them
  /web:   { cpu.weight: 300, cpu.max: "50000 100000" }
tasks:
  - name: hog
    cgroup: /batch
    cpus: "1"                 # affinity, taskset list syntax
    nice: 0
    policy: SCHED_OTHER       # SCHED_FIFO/SCHED_RR (with rt_priority), SCHED_IDLE, SCHED_BATCH
    count: 1                  # N identical tasks
    run: { type: cpu }        # always runnable
  - name: tick
    run: { type: periodic, busy: 2ms, period: 10ms }   # sleeps between bursts
timeline:
  - at: 5s
    write: { /sys/fs/cgroup/web/cpu.max: "max 100000" }
  - at: 6s
    write: { /sys/devices/system/cpu/cpu3/online: "0" }
`;

/** The same scenario as JSON. */
export const ISSUE2_JSON = JSON.stringify(
  {
    format: 'kernel-lab/scenario@1',
    name: 'cpu-weights',
    seed: 1,
    duration: '10s',
    sample_interval: '100ms',
    cgroup_version: 2,
    machine: { cpus: 4, memory: '8G' },
    kernel: { sysctl: { 'kernel.sched_rt_runtime_us': 950000 }, scheduler: 'eevdf' },
    cgroups: { '/batch': { 'cpu.weight': 100 }, '/web': { 'cpu.weight': 300, 'cpu.max': '50000 100000' } },
    tasks: [
      { name: 'hog', cgroup: '/batch', cpus: '1', nice: 0, policy: 'SCHED_OTHER', count: 1, run: { type: 'cpu' } },
      { name: 'tick', run: { type: 'periodic', busy: '2ms', period: '10ms' } },
    ],
    timeline: [
      { at: '5s', write: { '/sys/fs/cgroup/web/cpu.max': 'max 100000' } },
      { at: '6s', write: { '/sys/devices/system/cpu/cpu3/online': '0' } },
    ],
  },
  null,
  2,
);
