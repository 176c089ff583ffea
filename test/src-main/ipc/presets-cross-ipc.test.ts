import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestSchemas } from '../../../src-main/ipc/schemas';
import { loadScenario } from '../../../src-sim/scenario/load';

const dir = path.resolve(__dirname, '../../../resources/scenarios');
// Every preset: the gallery starts them through run/start.
const presets = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

// run/start checks the resolved scenario field by field; a field its schema lacks
// would be stripped (a per-packet preset silently running as NAPI, a bound task losing
// its mempolicy) or refused.
describe('every preset crosses the run/start request schema unchanged', () => {
  it.each(presets)('%s', (f) => {
    const file = path.join(dir, f);
    const s = loadScenario(readFileSync(file, 'utf8'), file);
    const r = requestSchemas['run/start'].safeParse({ scenario: s });
    expect(r.success ? 'ok' : JSON.stringify(r.error.issues[0])).toBe('ok');
    expect(JSON.parse(JSON.stringify(r.data!.scenario))).toEqual(JSON.parse(JSON.stringify(s)));
  });
});
