import type { Rng } from '../../engine/rng';
import { fail } from '../../vfs/errors';
import type { Vfs } from '../../vfs/vfs';
import { LRU_NONE } from './constants';
import type { Mm } from './mm';

/** mm/page_idle.c: BITMAP_CHUNK_SIZE = sizeof(u64), BITMAP_CHUNK_BITS = 64. */
export const BITMAP_CHUNK_SIZE = 8;
export const BITMAP_CHUNK_BITS = 64;

export const PAGE_IDLE_BITMAP = '/sys/kernel/mm/page_idle/bitmap';

/**
 * Idle page tracking (mm/page_idle.c, Documentation/admin-guide/mm/
 * idle_page_tracking.rst): the PG_idle flag of every page frame.
 *
 * PFNs are the frame table's indices (0 … max_pfn − 1 = ft.size − 1; the
 * model has no PFN holes and its memmap is not in the PFN space). Only
 * pages on an LRU list can be marked idle (page_idle_get_folio checks
 * folio_test_lru); free and reserved frames read as 0 and writes to them
 * are ignored, silently, as in the kernel.
 *
 * The flag is cleared by an access: explicit ones (read()/write() page-cache
 * hits through folio_mark_accessed, a new mapping of the frame) clear the
 * bit at once. Page-table accesses of a task's touch pattern are not
 * simulated one by one (see README): like the kernel's rmap walk in
 * page_idle_clear_pte_refs(), reading an idle page's bit asks whether the
 * page was referenced since it was marked or last checked, with P = 1 −
 * e^(−λΔt) from the page's touch rate λ, the same accessed-bit model
 * reclaim uses. Reclaim's own view is not disturbed (the kernel keeps it
 * with PG_young; here reclaim's last-look times are separate).
 *
 * State is two typed arrays allocated at the first write of the bitmap, so
 * a run that never uses idle page tracking pays nothing; hot paths pay one
 * null check (and a bit clear once tracking is on).
 */
export class PageIdle {
  /** One bit per PFN: PG_idle. Null until the bitmap is first written. */
  private bits: Uint32Array | null = null;
  /** Per PFN: when PG_idle was set or the page's references were last checked (s). */
  private since: Float32Array | null = null;
  private rng: Rng | null = null;

  constructor(private readonly mm: Mm) {}

  /** max_pfn: one past the highest PFN. */
  get maxPfn(): number {
    return this.mm.ft.size;
  }

  /** An access through read()/write() (folio_mark_accessed) or a new mapping of frame f clears PG_idle. */
  clear(f: number): void {
    const b = this.bits;
    if (b !== null) b[f >>> 5] = b[f >>> 5]! & ~(1 << (f & 31));
  }

  /** clear(f) for frames first … first + n − 1 (a run of new mappings). */
  clearRun(first: number, n: number): void {
    if (this.bits === null) return;
    for (let f = first; f < first + n; f++) this.clear(f);
  }

  /** folio_migrate_flags(): migration carries PG_idle (and its check time) to the new frame. */
  move(from: number, to: number): void {
    const b = this.bits;
    if (b === null) return;
    if (b[from >>> 5]! & (1 << (from & 31))) {
      b[to >>> 5] = b[to >>> 5]! | (1 << (to & 31));
      this.since![to] = this.since![from]!;
    } else {
      b[to >>> 5] = b[to >>> 5]! & ~(1 << (to & 31));
    }
  }

  /** page_idle_get_folio(): a frame that is on an LRU list now (a user page), else null in the kernel. */
  isLruPage(f: number): boolean {
    const ft = this.mm.ft;
    if (f < 0 || f >= ft.size || ft.list[f] === LRU_NONE) return false;
    // Frames past a node's never-allocated mark have unwritten fields: they are free.
    return f < ft.touchedEnd(ft.nrNodes === 1 ? 0 : ft.nodeOf(f));
  }

  /**
   * folio_test_idle() after page_idle_clear_pte_refs(): whether LRU page f
   * is still idle now. An idle page whose owner touched it since it was
   * marked (or last checked) loses PG_idle here.
   */
  private stillIdle(f: number, now: number): boolean {
    const b = this.bits!;
    if (!(b[f >>> 5]! & (1 << (f & 31)))) return false;
    const mm = this.mm;
    const o = mm.objects[mm.ft.obj[f]!];
    const rate = o && o.pattern !== null ? o.pageRate(mm.ft.idx[f]!) : 0;
    const since = this.since!;
    const x = rate * (now - since[f]!);
    // P(referenced since the last look) = 1 − e^(−λΔt); beyond λΔt = 40 it is 1 to double precision.
    if (x > 0 && (x > 40 || this.draw() < 1 - Math.exp(-x))) {
      b[f >>> 5] = b[f >>> 5]! & ~(1 << (f & 31));
      return false;
    }
    since[f] = now;
    return true;
  }

  private draw(): number {
    this.rng ??= this.mm.k.rng.fork('page_idle');
    return this.rng.next();
  }

  private ensure(): Uint32Array {
    // (Re)allocated when max_pfn grew since (memory hot-add), keeping what was marked.
    if (this.bits === null || this.since!.length < this.maxPfn) {
      const bits = new Uint32Array(Math.ceil(this.maxPfn / 32));
      const since = new Float32Array(this.maxPfn);
      if (this.bits !== null) {
        bits.set(this.bits);
        since.set(this.since!);
      }
      this.bits = bits;
      this.since = since;
    }
    return this.bits;
  }

  /**
   * Where frames that may be LRU pages end within [lo, hi) of the node
   * holding `lo`: past a node's never-allocated mark every frame is free,
   * so a scan skips the rest of that node.
   */
  private touchedUntil(lo: number, hi: number): number {
    const ft = this.mm.ft;
    const node = ft.nrNodes === 1 ? 0 : ft.nodeOf(lo);
    return Math.min(hi, ft.touchedEnd(node));
  }

  /** The first frame of the node after the one holding `p` (or `hi`). */
  private nextNodeStart(p: number, hi: number): number {
    const ft = this.mm.ft;
    if (ft.nrNodes === 1) return hi;
    return Math.min(hi, ft.base[ft.nodeOf(p) + 1]!);
  }

  /**
   * page_idle_bitmap_read() for PFNs [pfn, pfn + 64·words.length / 2): the
   * idle bits as u64 words, each a (low, high) pair of 32-bit halves in
   * `words`. `pfn` must be a multiple of 64. Returns how many u64 words
   * the kernel would count: it stops at max_pfn and a last partial word is
   * filled but not counted (the kernel advances `out` only after bit 63).
   */
  readWords(pfn: number, words: Uint32Array): number {
    words.fill(0);
    const maxPfn = this.maxPfn;
    if (pfn >= maxPfn) return 0;
    const end = Math.min(maxPfn, pfn + (words.length >>> 1) * BITMAP_CHUNK_BITS);
    if (this.bits !== null) {
      const now = this.mm.nowSec;
      const list = this.mm.ft.list;
      for (let seg = pfn; seg < end; seg = this.nextNodeStart(seg, end)) {
        const stop = this.touchedUntil(seg, end);
        for (let p = seg; p < stop; p++) {
          if (list[p] !== LRU_NONE && this.stillIdle(p, now)) {
            const i = p - pfn;
            words[i >>> 5] = words[i >>> 5]! | (1 << (i & 31));
          }
        }
      }
    }
    return Math.floor((end - pfn) / BITMAP_CHUNK_BITS);
  }

  /**
   * page_idle_bitmap_write() for PFNs from `pfn` (a multiple of 64): every
   * LRU page whose bit is 1 in `words` (u64s as 32-bit halves) gets PG_idle
   * (its pending references cleared, so it counts as idle from now). Other
   * pages are left alone. Returns the u64 words consumed, counted as the
   * kernel does; −1 when pfn ≥ max_pfn (ENXIO).
   */
  writeWords(pfn: number, words: Uint32Array): number {
    const maxPfn = this.maxPfn;
    if (pfn >= maxPfn) return -1;
    const end = Math.min(maxPfn, pfn + (words.length >>> 1) * BITMAP_CHUNK_BITS);
    const bits = this.ensure();
    const since = this.since!;
    const now = this.mm.nowSec;
    const list = this.mm.ft.list;
    for (let seg = pfn; seg < end; seg = this.nextNodeStart(seg, end)) {
      const stop = this.touchedUntil(seg, end);
      for (let p = seg; p < stop; p++) {
        const i = p - pfn;
        if (!(words[i >>> 5]! & (1 << (i & 31))) || list[p] === LRU_NONE) continue;
        bits[p >>> 5] = bits[p >>> 5]! | (1 << (p & 31));
        since[p] = now;
      }
    }
    return Math.floor((end - pfn) / BITMAP_CHUNK_BITS);
  }

  /** Register /sys/kernel/mm/page_idle/bitmap (mode 0600, a bin_attribute: pread/pwrite only). */
  register(vfs: Vfs): void {
    vfs.register(PAGE_IDLE_BITMAP, {
      pread: (offset, count) => {
        checkChunk(offset, count);
        const words = new Uint32Array(count / 4);
        const n = this.readWords(offset * 8, words);
        return new Uint8Array(words.buffer, 0, n * BITMAP_CHUNK_SIZE).slice();
      },
      pwrite: (offset, data) => {
        checkChunk(offset, data.length);
        const words = new Uint32Array(data.length / 4);
        new Uint8Array(words.buffer).set(data);
        const n = this.writeWords(offset * 8, words);
        if (n < 0) fail('ENXIO', `offset ${offset} is past max_pfn ${this.maxPfn} (${Math.ceil(this.maxPfn / 8)} bytes of bitmap)`);
        return n * BITMAP_CHUNK_SIZE;
      },
    });
  }
}

/** mm/page_idle.c: `if (pos % BITMAP_CHUNK_SIZE || count % BITMAP_CHUNK_SIZE) return -EINVAL;` */
function checkChunk(offset: number, count: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset % BITMAP_CHUNK_SIZE || count % BITMAP_CHUNK_SIZE) {
    fail('EINVAL', `offset ${offset} and size ${count} must be multiples of 8 bytes (64-bit words)`);
  }
}
