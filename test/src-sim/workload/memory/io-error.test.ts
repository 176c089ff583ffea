import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';

const scenario = (direct: boolean): string => `
format: kernel-lab/scenario@1
name: reader-on-pulled-disk
duration: 3s
machine:
  cpus: 2
  memory: 2G
  devices:
    - { name: sda, type: ssd, size: 64G, major: 8, minor: 0 }
    - { name: sdb, type: ssd, size: 64G, major: 8, minor: 16 }
files:
  - { path: /mnt/usb/data, size: 4G, device: sdb }
  - { path: /data/local, size: 64M, device: sda }
tasks:
  - name: usb-reader
    run: { type: read, file: /mnt/usb/data, size: 4G, bs: 64k, pattern: random, direct: ${direct}, loop: true }
  - name: local-reader
    run: { type: read, file: /data/local, size: 64M, bs: 64k, pattern: sequential, direct: true, loop: true }
timeline:
  - { at: 1s, unplug: sdb }
`;

describe('a reader whose disk is pulled out', () => {
  for (const direct of [false, true]) {
    it(`gets EIO and exits instead of retrying at CPU speed (direct=${direct})`, () => {
      const sim = new Simulation(loadScenario(scenario(direct), 'pulled.yaml'));
      sim.runToEnd();
      expect(sim.now).toBe(3e9);
      const err = sim.log.filter((e) => e.kind === 'task_io_error');
      expect(err).toHaveLength(1);
      expect(err[0]).toMatchObject({ task: 'usb-reader', errno: 'EIO', op: 'read' });
      expect(err[0]!.t_ns).toBeGreaterThanOrEqual(1e9);
      expect(err[0]!.t_ns).toBeLessThan(1.1e9);
      // The reader on the other disk is not disturbed: it keeps running to the end.
      const local = [...sim.kernel.tasks.values()].find((t) => t.name === 'local-reader')!;
      expect(local.state).not.toBe('exited');
    });
  }
});
