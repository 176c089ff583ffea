import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../../src-sim/scenario/schema';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

describe('resources/schema/scenario.schema.json', () => {
  it('is what the zod schema exports now (regenerate with: node scripts/gen-schema.mjs)', () => {
    const committed = readFileSync(path.join(repoRoot, 'resources/schema/scenario.schema.json'), 'utf8');
    expect(committed).toBe(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  });

  it('describes the file format: strict objects, duration required, unit patterns for editors', () => {
    const s = scenarioJsonSchema() as { required: string[]; additionalProperties: boolean; properties: Record<string, { pattern?: string }> };
    expect(s.required).toEqual(['duration']);
    expect(s.additionalProperties).toBe(false);
    const duration = new RegExp(s.properties.duration!.pattern!);
    expect(['10s', '2ms', '1.5 us'].every((d) => duration.test(d))).toBe(true);
    expect(duration.test('2 parsecs')).toBe(false);
  });
});
