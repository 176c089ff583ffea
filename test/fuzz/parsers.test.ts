import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importTopology, TopologyImportError } from '../../src-sim/api/topology';
import { XmlSyntaxError } from '../../src-sim/api/topology/xml';
import { ScenarioError } from '../../src-sim/scenario/errors';
import { loadScenario } from '../../src-sim/scenario/load';
import { FioParseError } from '../../src-sim/workload/fio/job';
import { parseFioJobFile } from '../../src-sim/workload/fio/parse';

/**
 * Property: a parser given mutated real input (every preset scenario, the fio
 * examples, the hwloc XML and lscpu samples) either accepts it or refuses it
 * with its own located error — never another exception (a crash, a stack
 * overflow, a RangeError). Fixed seeds, so a failure reproduces. `npm test`
 * runs FUZZ_RUNS (default 300) cases per property; `npm run fuzz` 100 000.
 */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 300);
const SEED = 20261205;

const root = join(import.meta.dirname, '../..');
const files = (dir: string, ext: RegExp): { name: string; text: string }[] =>
  readdirSync(join(root, dir))
    .filter((n) => ext.test(n) && statSync(join(root, dir, n)).isFile())
    .sort()
    .map((n) => ({ name: n, text: readFileSync(join(root, dir, n), 'utf8') }));

const presets = files('resources/scenarios', /\.ya?ml$/);
const fioJobs = files('test/fixtures/data/fio-examples', /\.fio$/);
const hwloc = files('test/fixtures/data/hwloc-xml', /\.xml$/).filter((f) => f.text.length < 200_000);
const lscpu = [...files('test/fixtures/data/lscpu', /^lscpu-/), ...files('test/fixtures/data/lscpu/generated-lscpu-2.38.1', /^lscpu-/)];

/** Tokens a hostile or careless edit brings in: types, units, ranges, YAML syntax, anchors, huge and odd numbers. */
const TOKENS = [
  '-1', '0', '1e300', 'Infinity', 'NaN', '0x10', '99999999999999999999', '1P', '8E', '1T', '-', ':', ': ', '\n', '  ', '{', '}', '[', ']', ',',
  '"', "'", '&a ', '*a', '<<: *a', '!!binary ', '---', '#', '\t', '\u0000', '\uFEFF', 'null', '~', 'true', 'count: 100000', 'cpus: 20000',
  'queue_depth: -1', '/../../etc', 'sample_interval: 1ns', '&#x110000;', '<a>', '</b>', '<!DOCTYPE x [', '=', '[job]', 'bs=', 'size=1e300',
];

type Edit = { at: number; del: number; ins: string };
const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  del: fc.nat(8),
  ins: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 })),
});

function mutate(text: string, edits: Edit[]): string {
  let t = text;
  for (const e of edits) {
    const at = Math.floor(e.at * t.length);
    t = t.slice(0, at) + e.ins + t.slice(at + e.del);
  }
  return t;
}

/** Runs `f`; returns what it threw when that is one of `allowed`, and fails the property on anything else. */
function acceptOrRefuse(f: () => unknown, allowed: (e: unknown) => boolean): void {
  try {
    f();
  } catch (e) {
    if (!allowed(e)) throw e;
  }
}

const located = (e: unknown): boolean => e instanceof ScenarioError && e.issues.length > 0 && e.issues.every((i) => i.message.length > 0 && !/\n\s+at /.test(i.message));

describe('fuzzed scenario files (mutated presets, YAML and JSON)', () => {
  it('load or give located ScenarioErrors (file format only)', () => {
    fc.assert(
      fc.property(fc.nat(presets.length - 1), fc.array(edit, { minLength: 1, maxLength: 4 }), (i, edits) => {
        const text = mutate(presets[i]!.text, edits);
        acceptOrRefuse(() => loadScenario(text, presets[i]!.name, { kernelChecks: false }), located);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('load or give located ScenarioErrors with the scratch-kernel checks', () => {
    fc.assert(
      fc.property(fc.nat(presets.length - 1), fc.array(edit, { minLength: 1, maxLength: 2 }), (i, edits) => {
        const text = mutate(presets[i]!.text, edits);
        acceptOrRefuse(() => loadScenario(text, presets[i]!.name), located);
      }),
      { seed: SEED + 1, numRuns: Math.max(20, Math.floor(RUNS / 10)) },
    );
  });

  it('as JSON: mutated JSON renderings of the presets', () => {
    const json = presets.map((p) => {
      const s = loadScenario(p.text, p.name, { kernelChecks: false });
      return JSON.stringify({ duration: `${s.durationNs}ns`, machine: { cpus: s.machine.cpus }, tasks: s.tasks.slice(0, 3).map((t) => ({ name: t.name, run: { type: 'cpu' } })) }, null, 1);
    });
    fc.assert(
      fc.property(fc.nat(json.length - 1), fc.array(edit, { minLength: 1, maxLength: 4 }), (i, edits) => {
        acceptOrRefuse(() => loadScenario(mutate(json[i]!, edits), 'f.json', { kernelChecks: false }), located);
      }),
      { seed: SEED + 2, numRuns: RUNS },
    );
  });

  it('deep nesting, huge sizes and many keys are refused with a located error', () => {
    const cases = [
      `duration: 1s\nx-d: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      `duration: 1s\nx-d: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n`,
      `{"duration": "1s", "x-d": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      'duration: 1s\nmachine: { memory: 8E }\n',
      'duration: 1s\ntasks: [{ name: w, run: { type: workingset, size: 9999P, rate: 1/s } }]\n',
      'duration: 1s\nfiles: [{ path: /f, size: 1E }]\ntasks: [{ name: r, run: { type: read, file: /f } }]\n',
      `duration: 1s\nx-a: &a [${'x,'.repeat(100)}x]\nx-b: &b [${'*a,'.repeat(100)}*a]\nx-c: [${'*b,'.repeat(100)}*b]\n`,
    ];
    for (const text of cases) {
      expect(() => loadScenario(text, text.startsWith('{') ? 'd.json' : 'd.yaml')).toThrow(ScenarioError);
    }
  });
});

describe('fuzzed fio job files (mutated fio examples)', () => {
  it('parse or give a FioParseError with a line', () => {
    fc.assert(
      fc.property(fc.nat(fioJobs.length - 1), fc.array(edit, { minLength: 1, maxLength: 4 }), (i, edits) => {
        acceptOrRefuse(
          () => parseFioJobFile(mutate(fioJobs[i]!.text, edits), fioJobs[i]!.name),
          (e) => e instanceof FioParseError && e.line >= 0,
        );
      }),
      { seed: SEED + 3, numRuns: RUNS },
    );
  });
});

/** Refused with the importer's own error, located at FILE:LINE:COL (169 of 1,016 refused files had no position). */
const topologyRefusal = (e: unknown): boolean => (e instanceof TopologyImportError || e instanceof XmlSyntaxError) && /^[^:\n]+:\d+:\d+: /.test(e.message);

describe('fuzzed topology files (hwloc XML and lscpu samples)', () => {
  it('hwloc XML imports or is refused with a located topology or XML error', () => {
    fc.assert(
      fc.property(fc.nat(hwloc.length - 1), fc.array(edit, { minLength: 1, maxLength: 3 }), (i, edits) => {
        acceptOrRefuse(() => importTopology(mutate(hwloc[i]!.text, edits), hwloc[i]!.name), topologyRefusal);
      }),
      { seed: SEED + 4, numRuns: Math.max(20, Math.floor(RUNS / 3)) },
    );
  });

  it('lscpu text and -J JSON import or are refused with a located topology error', () => {
    fc.assert(
      fc.property(fc.nat(lscpu.length - 1), fc.array(edit, { minLength: 1, maxLength: 4 }), (i, edits) => {
        acceptOrRefuse(() => importTopology(mutate(lscpu[i]!.text, edits), lscpu[i]!.name), topologyRefusal);
      }),
      { seed: SEED + 5, numRuns: RUNS },
    );
  });

  it('50 000 nested XML elements are refused with a position', () => {
    expect(() => importTopology(`<topology>${'<object type="Group">'.repeat(50_000)}`, 'deep.xml')).toThrow(/deep\.xml:1:\d+: .*elements nested at most 256 deep/);
  });
});
