import type { Task } from '../task';
import type { AccessPattern } from './access-pattern';
import type { HugeAdvice } from './thp';

// Per-page state bits (Uint8Array). The LRU list itself is on the frame.
export const PG_REFERENCED = 1;
export const PG_DIRTY = 2;
export const PG_WRITEBACK = 4;
/** Anon page whose content is in swap. */
export const PG_SWAPPED = 8;
/** The page was active before eviction (PG_workingset; kept in the shadow entry). */
export const PG_WORKINGSET = 16;
/** A shadow entry (eviction age) is stored for this non-resident page. */
export const PG_SHADOW = 32;
/** NUMA balancing made the PTE PROT_NONE; the next touch is a hint fault (cleared on eviction). */
export const PG_NUMA_HINT = 64;

/**
 * Zero-filled memory for the per-page arrays of small MemObjects, carved in
 * order from shared 32 MiB buffers and never reused (so every piece starts
 * all zeros). A run creates a few hundred objects of well under a MiB each
 * (mm-scale: 152 working sets of 0.6 MiB of arrays, 48 files of 0.9 MiB):
 * one host allocation per 32 MiB instead of one per object, and buffers
 * large enough for the host to back with transparent huge pages where malloc
 * advises them (scripts/bench.mjs). A buffer is kept while any object carved
 * from it lives; objects above MAX_PIECE get a buffer of their own.
 */
export class PageArrayArena {
  static readonly CHUNK = 32 * 1024 * 1024;
  static readonly MAX_PIECE = 4 * 1024 * 1024;
  private buf: ArrayBuffer | null = null;
  private used = 0;
  /** Byte offset of the piece the last take() returned. */
  lastOffset = 0;

  /** A buffer holding `bytes` zero bytes from `lastOffset` on (bytes ≤ MAX_PIECE). */
  take(bytes: number): ArrayBuffer {
    // 8-byte aligned pieces: each starts with a Uint32Array.
    const size = (bytes + 7) & ~7;
    if (this.buf === null || this.used + size > PageArrayArena.CHUNK) {
      this.buf = new ArrayBuffer(PageArrayArena.CHUNK);
      this.used = 0;
    }
    this.lastOffset = this.used;
    this.used += size;
    return this.buf;
  }
}

/**
 * A range of virtual pages: one task's anonymous region or one file's page
 * cache. Per-page arrays, indexed by page offset.
 *
 * Every per-page array starts as all zeros and is only written for pages
 * that are used: a zero-filled typed array is backed by untouched (lazily
 * zeroed) OS pages, so declaring a 100 GiB file or a 1 TiB region costs
 * neither boot time nor resident memory until its pages are touched. Hence
 * the frame is stored as frame + 1 (0 = not resident) and the fault index
 * (perm, pos) as offsets from the identity permutation.
 */
export class MemObject {
  /** Frame holding the page + 1; 0 when not resident (read through frameOf). */
  private readonly slot: Uint32Array;
  /** Some page was ever mapped (else every per-page array is still all zeros). */
  private everMapped = false;
  readonly state: Uint8Array;
  /** Eviction ages, allocated at the first eviction (see `shadow`). */
  private shadowAges: Uint32Array | null = null;
  /**
   * memcg index + 1 a non-resident page was charged to when it left memory
   * (written at eviction, read for its swap slot, zswap entry and refault);
   * 0 = never evicted. A resident page's memcg is its frame's lruvec
   * (`ft.lv`), so a fault writes nothing here: one 2-byte store of
   * fresh memory less per first-touch page.
   */
  readonly evictedMemcg: Uint16Array;
  resident = 0;
  /** Anon pages whose content is in swap. */
  swapped = 0;
  /** Resident pages per NUMA node (set by the NUMA subsystem on multi-node machines; null otherwise). */
  nodePages: Int32Array | null = null;
  /** madvise(MADV_HUGEPAGE / MADV_NOHUGEPAGE) on the region. */
  advice: HugeAdvice = null;
  /** Per 2 MiB extent: HUGE_MAPPED while mapped by one huge page (THP), | HUGE_NUMA_HINT while that PMD is PROT_NONE (thp.ts); null until the first. */
  huge: Uint8Array | null = null;
  hugeMapped = 0;
  /** Pages that cannot be migrated (kernel memory: compaction and memory offlining must leave them). */
  unmovable = false;
  /** Touch pattern (anon working sets) for derived references; null = explicit accesses only. */
  pattern: AccessPattern | null = null;
  /** Touches per second while the owner runs the pattern. */
  rate = 0;
  /**
   * Non-resident pages per bucket, for drawing the page a fault lands on.
   * Bucket b's slice of perm is laid out as
   *   [lo_b, lo_b + nv_b)              non-resident pages touched before (swapped, evicted)
   *   [lo_b + nv_b, lo_b + nonres_b)   never-touched pages
   *   [lo_b + nonres_b, lo_b+1)        resident pages
   * and pos[page] is where a page sits in perm. Never-touched pages are
   * interchangeable, so a fault can take one without a random probe.
   */
  /**
   * perm[i] − i and pos[page] − page (zero = identity). Both stay null, and
   * the index the identity, until the first swap that moves a page: faults
   * on never-touched pages take the last slot of their part, which is the
   * page's own slot (a swap with itself), so a region that is only ever
   * faulted in never allocates, reads or writes these arrays.
   */
  private permOff: Int32Array | null = null;
  private posOff: Int32Array | null = null;
  /** A pattern is attached (the non-resident index is kept). */
  private indexed = false;
  /**
   * The last pickNonResident() answer: its page, slot and bucket, so that
   * markResident() of that page needs no lookup. Any swap that moves a page
   * forgets it (-1).
   */
  private pickedPage = -1;
  private pickedSlot = 0;
  private pickedBucket = 0;
  /** The last pick came from the never-touched part (state, frame, evicted memcg and shadow all still zero). */
  private pickedFresh = false;
  nonres: Int32Array | null = null;
  nv: Int32Array | null = null;

  constructor(
    readonly id: number,
    readonly file: boolean,
    readonly pages: number,
    /** The task that owns an anon region (for rss and OOM); null for files. */
    readonly owner: Task | null,
    /** Where small objects' per-page arrays are carved from (null: a buffer of their own). */
    arena: PageArrayArena | null = null,
  ) {
    // One zero-filled buffer for the three per-page arrays (one host allocation instead of
    // three; 4-byte slots first, then the 2-byte evicted memcg, then 1-byte state).
    const bytes = pages * 7;
    let buf: ArrayBuffer;
    let at = 0;
    if (arena !== null && bytes <= PageArrayArena.MAX_PIECE) {
      buf = arena.take(bytes);
      at = arena.lastOffset;
    } else buf = new ArrayBuffer(bytes);
    this.slot = new Uint32Array(buf, at, pages);
    this.evictedMemcg = new Uint16Array(buf, at + pages * 4, pages);
    this.state = new Uint8Array(buf, at + pages * 6, pages);
  }

  /**
   * Eviction age (lruvec nonresident_age at eviction) per page, valid with
   * PG_SHADOW. Only evictions write it and only refaults (PG_SHADOW) read
   * it, so it is allocated at first use: most objects never see reclaim.
   */
  get shadow(): Uint32Array {
    return (this.shadowAges ??= new Uint32Array(this.pages));
  }

  /** Frame holding the page, -1 when not resident. */
  frameOf(page: number): number {
    return this.slot[page]! - 1;
  }

  isResident(page: number): boolean {
    return this.slot[page] !== 0;
  }

  /** First and last non-resident page of [index, index + pages), or null when all are resident (a read's cache-miss span). */
  missingSpan(index: number, pages: number): { first: number; last: number } | null {
    let first = -1;
    let last = -1;
    for (let i = index; i < index + pages; i++) {
      if (this.slot[i] === 0) {
        if (first < 0) first = i;
        last = i;
      }
    }
    return first < 0 ? null : { first, last };
  }

  setFrame(page: number, frame: number): void {
    this.slot[page] = frame + 1;
    this.everMapped = true;
  }

  clearFrame(page: number): void {
    this.slot[page] = 0;
  }

  /** Attach a touch pattern; sets up the non-resident index. */
  setPattern(pattern: AccessPattern, rate: number): void {
    this.pattern = pattern;
    this.rate = rate;
    const n = this.pages;
    const nonres = new Int32Array(pattern.buckets);
    for (let b = 0; b < pattern.buckets; b++) nonres[b] = pattern.lo[b + 1]! - pattern.lo[b]!;
    this.permOff = null;
    this.posOff = null;
    this.indexed = true;
    this.pickedPage = -1;
    this.nonres = nonres;
    this.nv = new Int32Array(pattern.buckets);
    // state is non-zero only for pages that were mapped at some time
    if (!this.everMapped) return;
    for (let i = 0; i < n; i++) {
      if (this.slot[i] !== 0) this.markResident(i);
      else if (this.state[i] !== 0) this.moveToTouched(i);
    }
  }

  /** The page at slot i of the fault index (bucket parts as described at `nonres`). */
  permAt(i: number): number {
    const perm = this.permOff;
    return perm === null ? i : perm[i]! + i;
  }

  /** Where `page` sits in the fault index. */
  posOf(page: number): number {
    const pos = this.posOff;
    return pos === null ? page : pos[page]! + page;
  }

  private swap(a: number, b: number): void {
    if (a === b) return;
    this.pickedPage = -1;
    if (this.permOff === null) {
      this.permOff = new Int32Array(this.pages);
      this.posOff = new Int32Array(this.pages);
    }
    const perm = this.permOff;
    const pos = this.posOff!;
    const pa = perm[a]! + a;
    const pb = perm[b]! + b;
    perm[a] = pb - a;
    pos[pb] = a - pb;
    perm[b] = pa - b;
    pos[pa] = b - pa;
  }

  /** A non-resident never-touched slot holds a touched page: move it into the touched part. */
  private moveToTouched(page: number): void {
    const pat = this.pattern!;
    const b = pat.bucket(page);
    this.swap(this.posOf(page), pat.lo[b]! + this.nv![b]!++);
  }

  /** Keep the non-resident index in step (no-op without a pattern). */
  markResident(page: number): void {
    if (!this.indexed) return;
    let b: number;
    let p: number;
    if (page === this.pickedPage) {
      b = this.pickedBucket;
      p = this.pickedSlot;
      this.pickedPage = -1;
    } else {
      b = this.pattern!.bucket(page);
      p = this.posOf(page);
    }
    const lo = this.pattern!.lo[b]!;
    const nv = this.nv!;
    if (p < lo + nv[b]!) {
      // Leave the touched part (its last slot moves into the hole), then the non-resident part.
      this.swap(p, lo + --nv[b]!);
      this.swap(lo + nv[b]!, lo + --this.nonres![b]!);
    } else {
      this.swap(p, lo + --this.nonres![b]!);
    }
  }

  /**
   * markResident(lo), markResident(lo + 1), …, markResident(lo + n − 1) in
   * that order (a huge page's subpages mapped by one fault), with the same
   * resulting index. The usual case is worked out in one pass: the n pages
   * sit in their own slots (the identity) as the top n slots of one
   * bucket's never-touched part — where a THP fault on the last
   * never-touched page lands — and the n markResident calls then swap slot
   * lo + k with slot lo + n − 1 − k for k < n/2, i.e. reverse the run:
   * slot lo + k holds page lo + n − 1 − k, so perm and pos offsets are both
   * n − 1 − 2k there. Anything else takes the n calls.
   */
  markResidentRun(lo: number, n: number): void {
    if (!this.indexed) return;
    const pat = this.pattern!;
    const b = pat.bucket(lo);
    const blo = pat.lo[b]!;
    const nonres = this.nonres!;
    const top = blo + nonres[b]!;
    let fast = n > 1 && lo + n === top && lo >= blo + this.nv![b]!;
    const perm = this.permOff;
    if (fast && perm !== null) {
      for (let s = lo; s < top; s++) {
        if (perm[s] !== 0) {
          fast = false;
          break;
        }
      }
    }
    if (!fast) {
      for (let p = lo; p < lo + n; p++) this.markResident(p);
      return;
    }
    if (this.permOff === null) {
      this.permOff = new Int32Array(this.pages);
      this.posOff = new Int32Array(this.pages);
    }
    const permOff = this.permOff;
    const posOff = this.posOff!;
    for (let k = 0; k < n; k++) {
      const d = n - 1 - 2 * k;
      permOff[lo + k] = d;
      posOff[lo + k] = d;
    }
    nonres[b] = nonres[b]! - n;
    this.pickedPage = -1;
  }

  /** A resident page was evicted or unmapped: it joins the touched, non-resident part. */
  markNonResident(page: number): void {
    if (!this.indexed) return;
    const pat = this.pattern!;
    const b = pat.bucket(page);
    const lo = pat.lo[b]!;
    this.swap(this.posOf(page), lo + this.nonres![b]!++);
    this.swap(lo + this.nonres![b]! - 1, lo + this.nv![b]!++);
  }

  /**
   * The page a fault in bucket b lands on, uniform over its non-resident
   * pages, from a uniform u in [0, 1). Never-touched pages are taken from
   * the end of their part (they are interchangeable).
   */
  pickNonResident(b: number, u: number): number {
    const lo = this.pattern!.lo[b]!;
    const nonres = this.nonres![b]!;
    const j = Math.floor(u * nonres);
    const touched = j < this.nv![b]!;
    const slot = touched ? lo + j : lo + nonres - 1;
    const page = this.permAt(slot);
    this.pickedPage = page;
    this.pickedSlot = slot;
    this.pickedBucket = b;
    this.pickedFresh = !touched;
    return page;
  }

  /**
   * `page` is the last pick and was never touched: its per-page state is
   * known to be all zeros without reading it. Reading a never-written page
   * of a typed array maps the host's zero page and the write that follows
   * faults again, so the first-touch fault path skips those reads.
   */
  pickedNeverTouched(page: number): boolean {
    return this.pickedFresh && page === this.pickedPage;
  }

  /**
   * markResident() of the page pickedNeverTouched() just confirmed: it is
   * the last slot of its bucket's never-touched part, i.e. the first slot
   * past the shrunk non-resident part, so it stays where it is (the swap
   * markResident would do is a swap with itself).
   */
  takePickedFresh(): void {
    this.nonres![this.pickedBucket]!--;
    this.pickedPage = -1;
  }

  /**
   * The slot the next pickNonResident(b, u) takes when bucket b's touched
   * part is empty (nv[b] = 0: every pick is a never-touched page, whatever
   * u): the last slot of its non-resident part. The k-th of n such picks in
   * a row (each followed by takePickedFresh) takes slot freshTop(b) − k.
   */
  freshTop(b: number): number {
    return this.pattern!.lo[b]! + this.nonres![b]! - 1;
  }

  /**
   * Map the pages of slots top, top − 1, …, top − n + 1 (freshTop(b) and
   * the n − 1 below it) into frames first, first + 1, …: `slot` of each
   * page and `obj`/`idx` of each frame (the frame table's), as setFrame
   * page by page.
   */
  setFrameRun(top: number, n: number, first: number, obj: Int32Array, idx: Int32Array): void {
    const slot = this.slot;
    const perm = this.permOff;
    const id = this.id;
    for (let i = 0; i < n; i++) {
      const s = top - i;
      const page = perm === null ? s : perm[s]! + s;
      slot[page] = first + i + 1;
      obj[first + i] = id;
      idx[first + i] = page;
    }
    this.everMapped = true;
  }

  /** takePickedFresh() of n picks in a row from bucket b (its touched part empty). */
  takeFreshRun(b: number, n: number): void {
    this.nonres![b]! -= n;
    this.pickedPage = -1;
  }

  /** Touch rate of one page (per second) under the pattern; 0 without one. */
  pageRate(page: number): number {
    const pat = this.pattern;
    if (pat === null || this.rate === 0) return 0;
    return pat.pageRate(pat.bucket(page), this.rate);
  }
}
