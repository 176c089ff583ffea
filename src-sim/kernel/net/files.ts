/**
 * The network files: /proc/net/{dev,softnet_stat,snmp}, /proc/interrupts,
 * /proc/softirqs, /proc/irq/N/smp_affinity_list, /proc/sys/net/core/*,
 * /sys/class/net/<if>/..., and the lab's debugfs views.
 */
import { formatCpuList, parseCpuList } from '../../scenario/cpulist';
import { fail, KernelError } from '../../vfs/errors';
import { parseS64 } from '../sched/cpulist';
import type { NetDevice, RxQueue } from './netdev';
import type { NetStack } from './stack';

const hex8 = (v: number): string => (Math.floor(v) >>> 0).toString(16).padStart(8, '0');

export function registerNetFiles(net: NetStack): void {
  const vfs = net.k.vfs;
  const nr = net.cpus.length;

  // net/core/net-procfs.c: dev_seq_show / dev_seq_printf_stats
  vfs.register('/proc/net/dev', {
    read: () => {
      let out =
        'Inter-|   Receive                                                |  Transmit\n' +
        ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
      const row = (name: string, v: number[]): string =>
        `${name.padStart(6)}: ${v[0]!.toString().padStart(7)} ${v[1]!.toString().padStart(7)} ${fmt4(v[2]!)} ${fmt4(v[3]!)} ${fmt4(0)} ${'0'.padStart(5)} ${'0'.padStart(10)} ${'0'.padStart(9)} ` +
        `${v[4]!.toString().padStart(8)} ${v[5]!.toString().padStart(7)} ${fmt4(v[6]!)} ${fmt4(v[7]!)} ${fmt4(0)} ${'0'.padStart(5)} ${'0'.padStart(7)} ${'0'.padStart(10)}\n`;
      out += row('lo', [0, 0, 0, 0, 0, 0, 0, 0]);
      for (const d of net.devices) {
        if (!d.present) continue;
        const s = d.stats;
        syncRings(net, d);
        out += row(d.name, [s.rxBytes, s.rxPackets, s.rxErrors, s.rxDropped + missed(d), s.txBytes, s.txPackets, s.txErrors, s.txDropped]);
      }
      return out;
    },
  });

  // net/core/net-procfs.c: softnet_seq_show (13 columns since 5.10)
  vfs.register('/proc/net/softnet_stat', {
    read: () =>
      net.cpus
        .map((c) => [c.processed, c.dropped, c.timeSqueeze, 0, 0, 0, 0, 0, 0, c.receivedRps, 0, c.backlogLen, c.cpu].map(hex8).join(' ') + '\n')
        .join(''),
  });

  // net/ipv4/proc.c: snmp_seq_show_ipstats … the Udp lines
  vfs.register('/proc/net/snmp', {
    read: () => {
      const u = net.udp;
      return (
        'Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors\n' +
        `Udp: ${u.inDatagrams} ${u.noPorts} ${u.inErrors} 0 ${u.rcvbufErrors} 0 0 0 0\n`
      );
    },
  });

  // fs/proc/softirqs.c
  vfs.register('/proc/softirqs', {
    read: () => {
      let out = ' '.repeat(8);
      for (let c = 0; c < nr; c++) out += `    CPU${String(c).padEnd(8)}`;
      out = out.trimEnd() + '\n';
      for (const name of ['HI', 'TIMER', 'NET_TX', 'NET_RX', 'BLOCK', 'IRQ_POLL', 'TASKLET', 'SCHED', 'HRTIMER', 'RCU']) {
        out += `${name.padStart(12)}:`;
        for (const c of net.cpus) out += ` ${String(name === 'NET_RX' ? c.netRxRuns : 0).padStart(10)}`;
        out += '\n';
      }
      return out;
    },
  });

  // kernel/irq/proc.c: show_interrupts (the NIC vectors and CAL; other legacy and local interrupts are not modelled)
  vfs.register('/proc/interrupts', {
    read: () => {
      let out = ' '.repeat(11);
      for (let c = 0; c < nr; c++) out += `CPU${c}`.padEnd(11);
      out = out.trimEnd() + '\n';
      for (const d of net.devices) {
        if (!d.present) continue;
        for (const q of d.queues) {
          out += `${String(q.irq).padStart(3)}:`;
          for (let c = 0; c < nr; c++) out += ` ${String(q.irqCount[c]).padStart(10)}`;
          out += `  IR-PCI-MSI ${pciMsiHwirq(d, q)}-edge      ${q.irqName}\n`;
        }
      }
      // arch/x86/kernel/irq.c: arch_show_interrupts — the function-call IPIs RPS sends
      out += 'CAL:';
      for (const c of net.cpus) out += ` ${String(c.ipis).padStart(10)}`;
      return out + '   Function call interrupts\n';
    },
  });

  const sysctl = (name: string, get: () => number, set: (v: number) => void, min: number, why: string): void => {
    vfs.register(`/proc/sys/net/core/${name}`, {
      read: () => `${get()}\n`,
      write: (d) => {
        const v = parseS64(d);
        if (v < min || v > 2147483647) fail('EINVAL', `${name} must be ${min}..2147483647 (${why}), got ${v}`);
        set(v);
      },
    });
  };
  const sc = net.sysctl;
  // net/core/sysctl_net_core.c. The lab refuses budgets ≤ 0 (README: a zero budget never polls).
  sysctl('netdev_budget', () => sc.netdevBudget, (v) => (sc.netdevBudget = v), 1, 'packets per net_rx_action');
  sysctl('netdev_budget_usecs', () => sc.netdevBudgetUsecs, (v) => (sc.netdevBudgetUsecs = v), 1, 'µs per net_rx_action');
  sysctl('netdev_max_backlog', () => sc.netdevMaxBacklog, (v) => (sc.netdevMaxBacklog = v), 1, 'packets per CPU backlog');
  sysctl('dev_weight', () => sc.devWeight, (v) => (sc.devWeight = v), 1, 'backlog NAPI weight');
  sysctl('rmem_default', () => sc.rmemDefault, (v) => (sc.rmemDefault = Math.max(v, 2304)), 1, 'bytes');
  sysctl('rmem_max', () => sc.rmemMax, (v) => (sc.rmemMax = Math.max(v, 2304)), 1, 'bytes');

  // The lab's per-CPU summary in a chartable form (one nested keyed line per CPU).
  vfs.register('/sys/kernel/debug/kernel-lab/net/softnet', {
    read: () =>
      net.cpus
        .map((c) => `cpu${c.cpu} processed=${c.processed} dropped=${c.dropped} time_squeeze=${c.timeSqueeze} hardirqs=${c.hardirqs} net_rx=${c.netRxRuns} backlog=${c.backlogLen}\n`)
        .join(''),
    observable: true,
  });

  for (const d of net.devices) registerDeviceFiles(net, d);
}

function fmt4(v: number): string {
  return v.toString().padStart(4);
}

function missed(d: NetDevice): number {
  let m = 0;
  for (const q of d.queues) m += q.ring.missed;
  return m;
}

/** Bring the rings up to now so reads show drops that already happened. */
function syncRings(net: NetStack, d: NetDevice): void {
  for (const q of d.queues) q.ring.sync(net.k.now);
}

/** drivers/pci/msi: hwirq of an MSI-X vector = (bus << 11 | devfn << 3 …) — the usual shape: bus·2^19 + vector. */
function pciMsiHwirq(d: NetDevice, q: RxQueue): number {
  return d.spec.pciBus * 524288 + q.index;
}

export function registerDeviceFiles(net: NetStack, d: NetDevice): void {
  const vfs = net.k.vfs;
  const base = `/sys/class/net/${d.name}`;
  const stat = (name: string, get: () => number): void =>
    vfs.register(`${base}/statistics/${name}`, { read: () => `${get()}\n`, observable: true });
  const s = d.stats;
  const sync = (): void => syncRings(net, d);
  stat('rx_packets', () => s.rxPackets);
  stat('rx_bytes', () => s.rxBytes);
  stat('rx_dropped', () => s.rxDropped);
  stat('rx_missed_errors', () => {
    sync();
    return missed(d);
  });
  stat('rx_errors', () => s.rxErrors);
  stat('tx_packets', () => s.txPackets);
  stat('tx_bytes', () => s.txBytes);
  stat('tx_dropped', () => s.txDropped);
  stat('tx_errors', () => s.txErrors);
  vfs.register(`${base}/speed`, { read: () => `${d.spec.speedMbps}\n` });
  vfs.register(`${base}/mtu`, { read: () => '1500\n' });
  vfs.register(`${base}/operstate`, { read: () => (d.present ? 'up\n' : 'down\n') });
  vfs.register(`${base}/carrier`, { read: () => '1\n' });
  vfs.register(`${base}/ifindex`, { read: () => `${d.ifindex}\n` });
  vfs.register(`${base}/type`, { read: () => '1\n' });
  vfs.register(`${base}/address`, { read: () => `52:54:00:${hexByte(d.spec.pciBus)}:${hexByte(d.ifindex)}:01\n` });
  const nr = net.cpus.length;
  for (const q of d.queues) {
    // net/core/net-sysfs.c: store_rps_map — a hex CPU mask; CPUs beyond nr_cpu_ids: EINVAL
    vfs.register(`${base}/queues/rx-${q.index}/rps_cpus`, {
      read: () => `${cpuMask(q.rpsCpus, nr)}\n`,
      write: (v) => {
        const cpus = parseMask(v);
        const bad = cpus.filter((c) => c >= nr);
        if (bad.length) fail('EINVAL', `CPU ${formatCpuList(bad)} does not exist (this machine has CPUs 0-${nr - 1})`);
        q.rpsCpus = cpus;
      },
    });
    // kernel/irq/proc.c: write_irq_affinity — an empty or offline-only list: EINVAL
    vfs.register(`/proc/irq/${q.irq}/smp_affinity_list`, {
      read: () => `${q.cpu}\n`,
      write: (v) => {
        let cpus: number[];
        try {
          cpus = parseCpuList(v, nr);
        } catch (e) {
          if (e instanceof KernelError) fail('EINVAL', `expected a CPU list of CPUs 0-${nr - 1}, got ${JSON.stringify(v)}`);
          throw e;
        }
        const online = cpus.filter((c) => net.sched.rqs[c]?.online);
        if (online.length === 0) fail('EINVAL', `no online CPU in ${JSON.stringify(v)}`);
        // the vector targets the first CPU of the mask (x86 vector allocation picks one)
        q.cpu = online[0]!;
      },
    });
  }
  registerEthtool(net, d);
}

/** ethtool as a control file: the -C/-G/-K settings the model has, read and written like the command line. */
function registerEthtool(net: NetStack, d: NetDevice): void {
  net.k.vfs.register(`/sys/kernel/debug/kernel-lab/net/${d.name}/ethtool`, {
    read: () =>
      `rx-usecs: ${d.spec.rxUsecs}\nrx-frames: ${d.spec.rxFrames}\nrx-ring: ${d.spec.ring}\nrx-ring-max: ${d.model.maxRing}\n` +
      `generic-receive-offload: ${d.gro ? 'on' : 'off'}\ntcp-segmentation-offload: ${d.tso ? 'on' : 'off'}\ngeneric-segmentation-offload: ${d.gso ? 'on' : 'off'}\n`,
    write: (v) => {
      const tok = v.trim().split(/\s+/);
      const opt = tok.shift();
      const pairs: [string, string][] = [];
      for (let i = 0; i + 1 < tok.length; i += 2) pairs.push([tok[i]!, tok[i + 1]!]);
      if (tok.length % 2 !== 0 || pairs.length === 0) fail('EINVAL', 'expected "-C rx-usecs N [rx-frames N]", "-G rx N" or "-K gro|tso|gso on|off"');
      const num = (x: string): number => {
        if (!/^\d+$/.test(x)) fail('EINVAL', `expected a number, got ${JSON.stringify(x)}`);
        return Number(x);
      };
      for (const [key, val] of pairs) {
        if (opt === '-C' && key === 'rx-usecs') d.spec.rxUsecs = num(val);
        else if (opt === '-C' && key === 'rx-frames') d.spec.rxFrames = num(val);
        else if (opt === '-G' && key === 'rx') {
          const n = num(val);
          if (n > d.model.maxRing || n < d.model.minRing) fail('EINVAL', `ring size ${n} is outside ${d.model.minRing}..${d.model.maxRing} for ${d.model.driver}`);
          d.spec.ring = n;
          for (const q of d.queues) {
            q.ring.sync(net.k.now);
            q.ring.size = n;
            if (q.ring.occ > n) {
              q.ring.missed += q.ring.occ - n;
              q.ring.occ = n;
            }
          }
        } else if (opt === '-K' && (key === 'gro' || key === 'generic-receive-offload')) {
          if (val !== 'on' && val !== 'off') fail('EINVAL', `expected on or off, got ${JSON.stringify(val)}`);
          d.gro = val === 'on';
        } else if (opt === '-K' && (key === 'tso' || key === 'tcp-segmentation-offload' || key === 'gso' || key === 'generic-segmentation-offload')) {
          if (val !== 'on' && val !== 'off') fail('EINVAL', `expected on or off, got ${JSON.stringify(val)}`);
          if (key.startsWith('t')) d.tso = val === 'on';
          else d.gso = val === 'on';
        } else fail('EOPNOTSUPP', `${opt} ${key} is not modelled (-C rx-usecs/rx-frames, -G rx, -K gro/tso/gso are)`);
      }
      for (const q of d.queues) if (q.irqEnabled) net.armIrq(q, net.k.now, true);
    },
  });
}

function hexByte(v: number): string {
  return (v & 0xff).toString(16).padStart(2, '0');
}

/** A CPU mask as the kernel prints it (bitmap_print_to_pagebuf: 32-bit groups, comma-separated). */
function cpuMask(cpus: number[], nr: number): string {
  const groups = Math.max(1, Math.ceil(nr / 32));
  const words = new Array<number>(groups).fill(0);
  for (const c of cpus) words[Math.floor(c / 32)]! |= 1 << c % 32;
  const width = Math.min(8, Math.ceil(nr / 4));
  return words
    .reverse()
    .map((w, i) => (w >>> 0).toString(16).padStart(i === 0 ? Math.max(1, width - 8 * (groups - 1)) : 8, '0'))
    .join(',');
}

/** Parse a hex mask ("f", "00000003", "1,00000000"). */
function parseMask(v: string): number[] {
  const t = v.trim();
  if (!/^[0-9a-fA-F]+(,[0-9a-fA-F]+)*$/.test(t)) fail('EINVAL', `expected a hex CPU mask like 3 or 0000000f, got ${JSON.stringify(v)}`);
  const words = t.split(',').reverse();
  const out: number[] = [];
  words.forEach((w, i) => {
    const digits = w.replace(/^0+/, '') || '0';
    for (let b = 0; b < digits.length * 4; b++) {
      const nib = parseInt(digits[digits.length - 1 - Math.floor(b / 4)]!, 16);
      if ((nib >> b % 4) & 1) out.push(i * 32 + b);
    }
  });
  return [...new Set(out)].sort((a, b) => a - b);
}
