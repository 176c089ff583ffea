import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputFileError, MAX_INPUT_BYTES, readRegularFile } from '../../src-main/cli/read-input';

/**
 * The special-file and huge-size cases of `npm run fuzz` (issue 19): every
 * input file goes through readRegularFile, which must refuse what is not a
 * regular file without blocking or reading it, and a file past the size
 * limit by its size — for any size around the limit (sparse files, so no
 * disk is used).
 */
const RUNS = Math.max(20, Math.floor(Number(process.env['FUZZ_RUNS'] ?? 300) / 10));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'klab-fuzz-files-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('special files and huge sizes', () => {
  it('refuses character devices, a FIFO without a writer and a directory without reading them', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    for (const [path, kind] of [
      ['/dev/zero', 'a character device'],
      ['/dev/urandom', 'a character device'],
      ['/dev/null', 'a character device'],
      [fifo, 'a FIFO (named pipe)'],
      [dir, 'a directory'],
    ] as const) {
      expect(() => readRegularFile(path)).toThrow(new InputFileError(`${path}: expected a regular file, got ${kind}`));
    }
  });

  it('a file is read exactly when its size is within the limit, whatever the size (up to 1 TiB, sparse)', () => {
    const f = join(dir, 'sized');
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: MAX_INPUT_BYTES - 64, max: MAX_INPUT_BYTES + 64 }), fc.integer({ min: 0, max: 2 ** 40 })), (size) => {
        writeFileSync(f, '');
        truncateSync(f, size);
        if (size <= MAX_INPUT_BYTES) expect(readRegularFile(f).length).toBe(size);
        else expect(() => readRegularFile(f)).toThrow(new InputFileError(`${f}: expected at most ${MAX_INPUT_BYTES} bytes, got ${size}`));
      }),
      { seed: 20261208, numRuns: RUNS },
    );
  });
});
