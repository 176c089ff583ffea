import { describe, expect, it } from 'vitest';
import { Recorder } from '../../../src-sim/engine/recorder';
import { Vfs } from '../../../src-sim/vfs/vfs';

// The recorder remembers each path's fields of the last tick to skip its
// key lookups; these check that series ids, start indices, gaps and NaNs are
// the same as a fresh lookup per field would give, when a file's fields
// change between ticks.
describe('Recorder series across ticks', () => {
  it('keeps ids stable when fields appear, vanish, reorder and the file goes away', () => {
    const vfs = new Vfs();
    let text = 'a 1\nb 2\n';
    vfs.register('/x/stat', { read: () => text, observable: true });
    vfs.register('/y/stat', { read: () => 'a 10\n', observable: true });
    const r = new Recorder(vfs, 1, ['/x/stat', '/y/stat']);
    r.sample(); // k=0: x.a x.b y.a
    text = 'a 3\nc 4\nb 5\n';
    r.sample(); // k=1: c new between a and b
    text = 'b 6\na 7\n';
    r.sample(); // k=2: reordered, c missing
    vfs.unregister('/x/stat');
    r.sample(); // k=3: x gone
    vfs.register('/x/stat', { read: () => 'c 8\n', observable: true });
    r.sample(); // k=4: x back with c only
    const names = r.series.map((s) => `${s.path}:${s.field}@${s.startIndex}`);
    expect(names).toEqual(['/x/stat:a@0', '/x/stat:b@0', '/y/stat:a@0', '/x/stat:c@1']);
    const values = new Map(r.take(true).map((b) => [b.seriesId, [...b.values]]));
    expect(values.get(0)).toEqual([1, 3, 7, NaN, NaN]);
    expect(values.get(1)).toEqual([2, 5, 6, NaN, NaN]);
    expect(values.get(2)).toEqual([10, 10, 10, 10, 10]);
    // c: missing at k=2 (NaN, the file was read), missing with its file at k=3, back at k=4.
    expect(values.get(3)).toEqual([4, NaN, NaN, 8]);
  });
});
