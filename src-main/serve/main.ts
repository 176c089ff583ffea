// Stand-alone browser mode (bundled to dist/serve.mjs by scripts/start.mjs):
// the same as `kernel-lab serve`.
import { serveCommand } from './command';

process.exitCode = await serveCommand(process.argv.slice(2));
