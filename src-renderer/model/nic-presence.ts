/**
 * Which NICs of a running machine are present, from what the user declared
 * (machine.nics, timeline plugs) and the run's log: the kernel announces each
 * interface's arrival and removal with a net uevent (ACTION=add/remove,
 * INTERFACE=<name>; lib/kobject_uevent.c, net/core/net-sysfs.c), whatever
 * caused it (a live action, a timeline write to /sys/bus/pci/.../remove, a
 * rescan).
 */
import type { EventEntry } from '../../src-main/ipc/contract.ts';
import type { NicSpec, Scenario } from './types';

export interface NicState {
  name: string;
  spec: NicSpec;
  present: boolean;
}

/** The NICs the Run view can plug or unplug: the machine's, then those only a timeline plug brings. */
export function knownNics(s: Pick<Scenario, 'machine' | 'timeline'>): NicSpec[] {
  const out = [...(s.machine.nics ?? [])];
  for (const a of s.timeline) if (a.kind === 'plug_nic' && !out.some((n) => n.name === a.nic.name)) out.push(a.nic);
  return out;
}

/** Present at boot: declared in machine.nics; a NIC only a timeline plug brings starts absent. Each net uevent then flips it. */
export function nicStates(s: Pick<Scenario, 'machine' | 'timeline'>, events: readonly EventEntry[]): NicState[] {
  const atBoot = new Set((s.machine.nics ?? []).map((n) => n.name));
  const present = new Map(knownNics(s).map((n) => [n.name, atBoot.has(n.name)]));
  for (const e of events) {
    if (e.kind !== 'uevent' || e.fields['SUBSYSTEM'] !== 'net') continue;
    const name = String(e.fields['INTERFACE']);
    if (!present.has(name)) continue;
    if (e.fields['ACTION'] === 'add') present.set(name, true);
    else if (e.fields['ACTION'] === 'remove') present.set(name, false);
  }
  return knownNics(s).map((spec) => ({ name: spec.name, spec, present: present.get(spec.name)! }));
}
