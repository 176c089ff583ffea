import { expect, test } from 'vitest';
import { parseServeArgs, SERVE_USAGE } from '../../../src-main/serve/command';

test('serve arguments: --port and --session, with or without "="', () => {
  expect(parseServeArgs([])).toEqual({ port: 0, session: null, rendererDir: null });
  expect(parseServeArgs(['--port', '8080', '--session=lab.klab'])).toEqual({ port: 8080, session: 'lab.klab', rendererDir: null });
});

test('bad serve arguments name the argument, what was expected, and the usage', () => {
  expect(() => parseServeArgs(['--port', 'http'])).toThrow(`--port: expected a port number 0-65535, got "http"\n${SERVE_USAGE}`);
  expect(() => parseServeArgs(['--port', '70000'])).toThrow('--port: expected a port number 0-65535, got "70000"');
  expect(() => parseServeArgs(['--session'])).toThrow(`--session needs a value\n${SERVE_USAGE}`);
  expect(() => parseServeArgs(['--host', '0.0.0.0'])).toThrow(`unknown argument "--host"\n${SERVE_USAGE}`);
});
