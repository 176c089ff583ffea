import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseScenario, flatMachine } from '../../../../src-sim/scenario/defaults';
import { bootMm, GiB } from './boot-mm';

const PAGES = 600;

/** The dirty pages the reference keeps (marked, not yet written back), scanned the slow way. */
function scan(dirty: Uint8Array, from: number, max: number): { index: number; pages: number } | null {
  let i = Math.max(0, from);
  while (i < PAGES && !dirty[i]) i++;
  if (i >= PAGES) return null;
  let j = i;
  while (j < PAGES && j - i < max && dirty[j]) j++;
  return { index: i, pages: j - i };
}

describe('page cache dirty ranges', () => {
  it('nextDirtyRange (scanning only the dirty window) finds what a scan of the whole file finds', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom('dirty', 'next', 'writeback'), fc.integer({ min: 0, max: PAGES + 10 }), fc.integer({ min: 1, max: 80 })),
          { maxLength: 60 },
        ),
        (ops) => {
          const rig = bootMm(baseScenario({ machine: flatMachine(1, 1 * GiB), files: [{ path: '/f', sizeBytes: PAGES * 4096, device: null }] }));
          const pc = rig.mm.pageCache;
          const file = pc.addFile('/f', PAGES * 4096, null);
          const dirty = new Uint8Array(PAGES);
          for (const [op, at, n] of ops) {
            if (op === 'dirty') {
              const index = Math.min(at, PAGES - 1);
              pc.markDirty(file, { index, pages: n }, null, 0);
              dirty.fill(1, index, Math.min(PAGES, index + n));
            } else {
              const got = pc.nextDirtyRange(file, at, n);
              expect(got).toEqual(scan(dirty, at, n));
              if (op === 'writeback' && got) {
                pc.startWriteback(file, got);
                dirty.fill(0, got.index, got.index + got.pages);
              }
            }
            expect(file.nrDirty).toBe(dirty.reduce((a, b) => a + b, 0));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
