import { describe, expect, it } from 'vitest';
import type { EventEntry } from '../../../src-main/ipc/contract';
import { loadScenario } from '../../../src-sim/api';
import { nicStates } from '../../../src-renderer/model/nic-presence';

const s = loadScenario(
  'format: kernel-lab/scenario@1\nduration: 2s\nmachine: { cpus: 2, nics: [{ type: ixgbe }, { type: ixgbe }] }\ntimeline:\n  - { at: 1s, plug: { type: e1000e } }\n',
  'nics.yaml',
);
let seq = 0;
const uevent = (action: string, iface: string, subsystem = 'net'): EventEntry => ({ seq: seq++, t_ns: seq, kind: 'uevent', fields: { ACTION: action, SUBSYSTEM: subsystem, INTERFACE: iface } });

describe('Run view: which NICs are present, from the run’s net uevents', () => {
  const names = s.machine.nics!.map((n) => n.name);
  const plugged = s.timeline.find((a) => a.kind === 'plug_nic');
  it('the machine’s NICs start present; one only a timeline plug brings starts absent', () => {
    expect(plugged?.kind).toBe('plug_nic');
    const st = nicStates(s, []);
    expect(st.map((n) => [n.name, n.present])).toEqual([...names.map((n) => [n, true]), [plugged!.kind === 'plug_nic' ? plugged!.nic.name : '', false]]);
  });
  it('remove then add flips a NIC; uevents of other subsystems and unknown interfaces change nothing', () => {
    const [a, b] = names as [string, string];
    const after = nicStates(s, [uevent('remove', a), uevent('remove', b, 'block'), uevent('remove', 'wlan9')]);
    expect(after.filter((n) => n.name === a || n.name === b).map((n) => n.present)).toEqual([false, true]);
    expect(nicStates(s, [uevent('remove', a), uevent('add', a)]).find((n) => n.name === a)!.present).toBe(true);
  });
});
