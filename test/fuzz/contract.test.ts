import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src-main/ipc/handlers';
import { CHANNELS } from '../../src-main/ipc/schemas';
import { makeLab, type LabFixture } from '../src-main/fixtures/lab';
import { PROBE_RATE, probeScenario } from '../src-main/fixtures/probe';

/**
 * Property: any message a browser-mode client can send (every channel of the
 * contract, with valid payloads whose fields are replaced by hostile values,
 * or arbitrary JSON) gets a reply — a result, or a refusal with its reason —
 * never an 'internal' error and never an exception out of the dispatcher.
 * Payloads cross JSON as over the WebSocket. Fixed seeds; FUZZ_RUNS cases.
 */
const RUNS = Math.max(100, Number(process.env['FUZZ_RUNS'] ?? 300));
const SEED = 20261207;

let f: LabFixture;
let d: Dispatcher;
let runId = '';

beforeAll(async () => {
  f = makeLab();
  const conn = f.lab.connect(() => undefined);
  d = new Dispatcher(f.lab, conn);
  const c = f.client();
  await c.call('session/new', { path: 'fuzz.klab' });
  const run = await c.call('run/start', { scenario: probeScenario({ durationNs: 2e8 }) });
  runId = run.id;
  for (let i = 0; i < 500; i++) {
    const got = await c.call('run/get', { runId });
    if (got.status === 'complete') break;
    await new Promise((r) => setTimeout(r, 20));
  }
});
afterAll(() => f.dispose());

/** A valid payload per channel family, so mutations reach past the schema into the handlers. */
function seedPayload(channel: string): Record<string, unknown> {
  const window = { runId, seriesIds: [0], t0Ns: 0, t1Ns: 2e8, points: 100, method: 'minmax' };
  if (channel === 'query/window') return window;
  if (channel === 'run/start') return { scenario: probeScenario({ durationNs: 1e7 }) };
  if (channel === 'run/act') return { runId, action: { kind: 'write', path: PROBE_RATE, value: '5' } };
  if (channel.startsWith('session/')) return { path: 'other.klab' };
  if (channel === 'query/file') return { runId, path: '/proc/lab_probe', atNs: 1e8 };
  return { runId };
}

const HOSTILE: unknown[] = [
  -1, 0, 1.5, 1e300, -1e300, 2 ** 53, '', 'x'.repeat(5000), null, true, [], {}, [[[[]]]], '../../../etc/passwd', '/etc/passwd', '\u0000', 'NaN', 'Infinity',
  { __proto__: { polluted: 1 } }, { constructor: { prototype: { polluted: 1 } } }, Array.from({ length: 2000 }, (_, i) => i),
];

describe('fuzzed contract messages (the browser-mode protocol)', () => {
  it('every channel answers valid payloads with hostile fields with a result or a refusal, never an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CHANNELS),
        fc.array(fc.record({ key: fc.nat(5), value: fc.oneof(fc.constantFrom(...HOSTILE), fc.jsonValue({ maxDepth: 3 })) }), { minLength: 1, maxLength: 3 }),
        async (channel, edits) => {
          const p = seedPayload(channel);
          for (const e of edits) {
            const keys = [...Object.keys(p), 'extra'];
            p[keys[e.key % keys.length]!] = e.value;
          }
          const reply = await d.dispatch(channel, JSON.parse(JSON.stringify(p)) as unknown);
          if (!reply.ok) expect(reply.error.code, `${channel} ${JSON.stringify(p).slice(0, 300)}: ${reply.error.message}`).not.toBe('internal');
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('arbitrary JSON as channel and payload is refused as such', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...CHANNELS.filter((c) => c !== 'run/start')), fc.jsonValue({ maxDepth: 2 })), fc.jsonValue({ maxDepth: 4 }), async (channel, payload) => {
        const reply = await d.dispatch(channel, payload);
        if (!reply.ok) expect(reply.error.code, `${JSON.stringify(channel)} ${JSON.stringify(payload).slice(0, 300)}: ${reply.error.message}`).not.toBe('internal');
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });
});
