// `npm run bench`: runs dist/bench.mjs (built by scripts/build.mjs first) in a
// process started with the same host environment as `npm start` gives the
// simulator (scripts/host-env.mjs: glibc's malloc advising transparent huge
// pages for the big typed arrays), so the figures are those of the app's
// runs. `node dist/bench.mjs …` run by hand keeps the environment it is
// given, so A/B runs of two builds compare like with like.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withHugePageMalloc } from './host-env.mjs';

const bench = fileURLToPath(new URL('../dist/bench.mjs', import.meta.url));
const r = spawnSync(process.execPath, ['--expose-gc', bench, ...process.argv.slice(2)], { stdio: 'inherit', env: withHugePageMalloc(process.env) });
process.exit(r.status ?? 1);
