// Issue 9: every networking folder documents what it leaves out first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../../..');

describe('networking READMEs', () => {
  for (const folder of ['src-sim/hw/net', 'src-sim/kernel/net', 'src-sim/workload/net']) {
    it(`${folder}/README.md: after its title, the first section is "Scope and limitations"`, () => {
      const text = readFileSync(join(root, folder, 'README.md'), 'utf8');
      const headings = text.split('\n').filter((l) => /^#{1,6} /.test(l));
      expect(headings[0]).toMatch(/^# /);
      expect(headings[1]).toBe('## Scope and limitations');
      // Nothing but the title before it.
      expect(text.slice(0, text.indexOf('## Scope and limitations')).trim().split('\n')).toHaveLength(1);
    });
  }
});
