// The environment the processes that run simulations are started with.
//
// glibc's malloc advises transparent huge pages for its large mappings when
// GLIBC_TUNABLES has glibc.malloc.hugetlb=1 (glibc >= 2.35; older glibc and
// other libcs ignore it). The simulator's big tables are typed arrays that V8
// allocates with calloc: a 64 GiB machine's frame table alone is ~380 MiB,
// written once and then read at random by reclaim. On hosts whose THP mode is
// `madvise` they would otherwise sit on 4 KiB pages: a host fault per 4 KiB on
// the first write and a TLB miss on most random accesses (bench/PROFILES.md,
// "fidelity" section: mm-scale median 0.91x the CPU time with it). Results are
// unchanged; only the host's page size under the arrays differs. A tunable
// must be set before the process starts, so `npm start` (browser-mode server
// or Electron, both of which host the simulator's workers) and `npm run bench`
// pass it to the process they spawn. A value the user already set wins.
export function withHugePageMalloc(env) {
  const tunables = env.GLIBC_TUNABLES ?? '';
  if (/glibc\.malloc\.hugetlb=/.test(tunables)) return { ...env };
  return { ...env, GLIBC_TUNABLES: tunables ? `${tunables}:glibc.malloc.hugetlb=1` : 'glibc.malloc.hugetlb=1' };
}
