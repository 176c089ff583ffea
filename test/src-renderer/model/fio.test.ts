import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFioJobFile } from '../../../src-renderer/model/fio';

const dir = resolve(import.meta.dirname, '../../fixtures/data/fio-examples');

describe('fio job-file check', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.fio'));
  it('every fio example from axboe/fio passes with at least one job', () => {
    expect(files.length).toBe(32);
    for (const f of files) {
      const r = parseFioJobFile(readFileSync(resolve(dir, f), 'utf8'));
      expect(r.issues, f).toEqual([]);
      expect(r.jobs.length, f).toBeGreaterThan(0);
    }
  });

  it('fio-rand-read.fio: rw=randread with bs 4k in its job', () => {
    const r = parseFioJobFile(readFileSync(resolve(dir, 'fio-rand-read.fio'), 'utf8'));
    const all = { ...r.global, ...r.jobs[0]!.options };
    expect(all['rw']).toBe('randread');
  });

  it('names the line of a bad rw= and of an option outside a section', () => {
    const r = parseFioJobFile('bs=4k\n[job]\nrw=sideways\niodepth=deep\n');
    expect(r.issues.map((i) => i.line)).toEqual([1, 3, 4]);
    expect(r.issues[1]!.message).toMatch(/^rw=sideways: fio knows read, write, randread/);
  });
});
