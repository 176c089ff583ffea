// `npm run bench`: runs dist/bench.mjs (built by scripts/build.mjs first) with
// glibc's malloc advising transparent huge pages for its large mappings
// (GLIBC_TUNABLES glibc.malloc.hugetlb=1, glibc ≥ 2.35; ignored elsewhere).
// The simulator's big tables are typed arrays that V8 allocates with calloc:
// the 64 GiB frame table alone is ≈ 380 MiB written once and then read at
// random by reclaim. On hosts whose THP mode is `madvise` (this one) they
// otherwise get 4 KiB pages: a host page fault per 4 KiB on the first write
// and a TLB miss on most random frame accesses. Results are unchanged; only
// the host's page size under the arrays differs. bench/PROFILES.md has the
// interleaved A/B (mm-scale 64 GiB, 60 s). `node dist/bench.mjs …` run by
// hand keeps the environment it is given, so A/B runs of two builds compare
// like with like.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bench = fileURLToPath(new URL('../dist/bench.mjs', import.meta.url));
const tunables = process.env.GLIBC_TUNABLES ?? '';
const env = { ...process.env };
if (!/glibc\.malloc\.hugetlb=/.test(tunables)) env.GLIBC_TUNABLES = tunables ? `${tunables}:glibc.malloc.hugetlb=1` : 'glibc.malloc.hugetlb=1';
const r = spawnSync(process.execPath, ['--expose-gc', bench, ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
