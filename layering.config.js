// The layering of docs/architecture.md, written as data. The lint rule in
// tools/eslint/layering-rule.js checks every import against it; a violation
// fails `npm test`.
//
// Each entry: files it applies to (first matching `root` wins, most specific
// first) → which source roots (relative imports) and which packages (bare
// imports) those files may import. "node:" stands for every Node builtin.

const NODE = 'node:';
// saxes: the hwloc XML reader (a maintained streaming parser for untrusted input, issue 15).
const SIM_LIBS = ['zod', 'yaml', 'pure-rand', 'hdr-histogram-js', 'saxes'];

export const layers = [
  // Only src-main/electron talks to Electron.
  { root: 'src-main/electron', roots: ['src-main', 'src-sim'], packages: [NODE, 'electron', 'ws', ...SIM_LIBS] },
  // Only src-main/store talks to SQLite.
  { root: 'src-main/store', roots: ['src-main', 'src-sim'], packages: [NODE, 'better-sqlite3', ...SIM_LIBS] },
  // Experiments use a maintained statistics package and the BullMQ job engine (issue 12).
  {
    root: 'src-main/experiments',
    roots: ['src-main', 'src-sim'],
    packages: [NODE, 'bullmq', '@stdlib/stats-ttest2', '@stdlib/stats-base-dists-t-quantile', ...SIM_LIBS],
  },
  { root: 'src-main', roots: ['src-main', 'src-sim'], packages: [NODE, 'ws', ...SIM_LIBS] },
  // The simulator is pure: no Node, no DOM, no Electron, nothing of the hosts.
  { root: 'src-sim', roots: ['src-sim'], packages: SIM_LIBS },
  // The renderer sees the simulator's public API and the IPC contract's types.
  {
    root: 'src-renderer',
    roots: ['src-renderer', 'src-sim/api', 'src-main/ipc/contract.ts'],
    typeOnlyRoots: ['src-main/ipc/contract.ts'],
    packages: ['vue', 'pinia', 'echarts', 'vue-echarts', 'zod', 'yaml', '@vitejs/plugin-vue', 'vite'],
  },
];
