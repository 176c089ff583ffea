// Shared by the scripts that watch one benchmark scenario from inside its own
// process through the inspector (alloc-profile.mjs, calls-per-event.mjs): the
// arguments SCENARIO SECONDS [TOP], an inspector session with a promise-based
// post, and running dist/bench.mjs --profile in this process.
import inspector from 'node:inspector';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** SCENARIO SECONDS [TOP] from the command line; a usage line and exit 2 without a scenario. */
export function scenarioArgs(script, defaultSeconds, defaultTop) {
  const [name, seconds, top] = process.argv.slice(2);
  if (!name) {
    process.stderr.write(`usage: node scripts/${script} SCENARIO SECONDS [TOP]\n`);
    process.exit(2);
  }
  return { name, seconds: seconds ?? defaultSeconds, top: Number(top ?? defaultTop) };
}

/** A connected inspector session's post as a promise. */
export function inspectorPost() {
  const session = new inspector.Session();
  session.connect();
  return (method, params) => new Promise((done, fail) => session.post(method, params, (err, res) => (err ? fail(err) : done(res))));
}

/** Run `dist/bench.mjs --profile NAME SECONDS` in this process (the inspector then sees its code). */
export async function runProfileScenario(name, seconds) {
  const bundle = resolve(import.meta.dirname, '../dist/bench.mjs');
  process.argv = [process.argv[0], bundle, '--profile', name, seconds];
  await import(pathToFileURL(bundle).href);
}
