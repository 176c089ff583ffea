import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recorder } from '../../../src-sim/engine/recorder';
import { avgValue, formatAvg } from '../../../src-sim/kernel/psi/psi';
import { loadScenario } from '../../../src-sim/scenario/load';
import { Simulation } from '../../../src-sim/simulation';
import { parseFields, type FieldSink } from '../../../src-sim/vfs/fields';
import { Vfs } from '../../../src-sim/vfs/vfs';

// A file with a numeric path (VirtualFile.sample) must give the recorder the
// same series as its text parsed back: the same fields in the same order with
// bit-identical values. Checked for every such file of a few scenarios at
// several times, and end to end through two recorders.
const root = path.resolve(import.meta.dirname, '../../..');
const scenario = (file: string, seed?: number): Simulation => {
  const s = loadScenario(readFileSync(path.join(root, file), 'utf8'), file);
  return new Simulation(seed === undefined ? s : { ...s, seed });
};

/** [field, value] pairs of the numeric path, in order. */
function numeric(sample: (o: FieldSink) => void): [string, number][] {
  const out: [string, number][] = [];
  sample({
    field: (name, value) => {
      // The recorder's sink rules (fields.ts textValue): what parseFields would read back.
      if (Number.isFinite(value)) out.push([name, value + 0]);
    },
  });
  return out;
}

/** Every file of `vfs` with a numeric path: its fields both ways, values compared bit for bit (Object.is). */
function compareAll(vfs: Vfs): number {
  let files = 0;
  for (const p of vfs.list()) {
    const f = vfs.get(p)!;
    if (f.sample === undefined) continue;
    files++;
    const want = [...parseFields(vfs.read(p))];
    const got = numeric(f.sample);
    expect(got.map(([k]) => k), p).toEqual(want.map(([k]) => k));
    for (let i = 0; i < want.length; i++) expect(Object.is(got[i]![1], want[i]![1]), `${p} ${want[i]![0]}: ${got[i]![1]} vs ${want[i]![1]}`).toBe(true);
  }
  return files;
}

describe('the recorder numeric path (VirtualFile.sample)', () => {
  it.each([
    ['test/fixtures/bench-scenarios/bench-mixed-node.yaml', 1],
    ['test/fixtures/bench-scenarios/bench-mixed-node.yaml', 7],
    ['resources/scenarios/mem-zswap-vs-swap.yaml', undefined],
    ['resources/scenarios/hugetlb-tlb-reach.yaml', undefined],
    ['resources/scenarios/net-napi-interrupts.yaml', undefined],
  ])('%s (seed %s): every sampled file gives the fields its text parses to', (file, seed) => {
    const sim = scenario(file, seed);
    let checked = 0;
    for (const t of [0, 0.15e9, 0.4e9, 0.8e9]) {
      if (t > 0) sim.advance(t);
      checked += compareAll(sim.kernel.vfs);
    }
    // /proc/stat, /proc/pressure/* and /proc/meminfo at least, at each of the 4 times.
    expect(checked).toBeGreaterThanOrEqual(4 * 5);
  });

  it('records the same series and values as the text path', () => {
    const sim = scenario('test/fixtures/bench-scenarios/bench-mixed-node.yaml');
    const vfs = sim.kernel.vfs;
    const paths = vfs.list().filter((p) => vfs.get(p)!.sample !== undefined);
    // The same files read through to the simulation without their numeric path: the recorder renders and parses them.
    const textOnly = new Vfs();
    for (const p of paths) textOnly.register(p, { read: () => vfs.read(p), observable: true });
    const fast = new Recorder(vfs, 1, paths);
    const text = new Recorder(textOnly, 1, paths);
    for (let i = 1; i <= 5; i++) {
      sim.advance(i * 0.1e9);
      fast.sample();
      text.sample();
    }
    expect(fast.series).toEqual(text.series);
    const a = fast.take(true);
    const b = text.take(true);
    expect(a.length).toBe(b.length);
    a.forEach((x, i) => {
      expect(x.seriesId).toBe(b[i]!.seriesId);
      expect(Buffer.from(x.values.buffer).equals(Buffer.from(b[i]!.values.buffer))).toBe(true);
    });
    expect(fast.series.length).toBeGreaterThan(100);
  });

  it("avgValue is the number parseFields reads from formatAvg's text", () => {
    // Fixed-point averages (FIXED_1 = 2048) up to 100 %, every value near the edges and a stride through the rest.
    for (let a = 0; a <= 100 * 2048 + 2047; a += a < 5000 || a > 200_000 ? 1 : 37) {
      expect(avgValue(a)).toBe(Number(formatAvg(a)));
    }
  });
});
