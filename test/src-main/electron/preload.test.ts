import { beforeAll, expect, test, vi } from 'vitest';
import { CHANNEL_NAMES, EVENT_NAMES } from '../../../src-main/ipc/channels';
import { requestSchemas } from '../../../src-main/ipc/schemas';

// The preload runs in Electron's sandbox; here 'electron' is replaced by a recorder of what it exposes.
const exposed = new Map<string, unknown>();
const invoked: [string, unknown][] = [];
let eventHandler: ((e: unknown, msg: unknown) => void) | null = null;
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (channel: string, payload: unknown) => {
      invoked.push([channel, payload]);
      return channel === 'klab:run/get' ? { ok: false, error: { code: 'not-found', message: 'run/get: no run 9' } } : { ok: true, result: 'fine' };
    },
    on: (_channel: string, h: (e: unknown, msg: unknown) => void) => (eventHandler = h),
  },
}));

interface Api {
  call(channel: string, payload: unknown): Promise<unknown>;
  on(event: string, l: (d: unknown) => void): () => void;
}
let api: Api;
beforeAll(async () => {
  await import('../../../src-main/electron/preload');
  api = exposed.get('kernelLab') as Api;
});

test('the preload exposes one object with call and on, nothing else', () => {
  expect([...exposed.keys()]).toEqual(['kernelLab']);
  expect(Object.keys(api).sort()).toEqual(['call', 'on']);
});

test('only the contract channels and events pass; replies become results or errors with a code', async () => {
  await expect(api.call('session/info', {})).resolves.toBe('fine');
  expect(invoked.at(-1)).toEqual(['klab:session/info', {}]);
  await expect(api.call('fs/readFile', { path: '/etc/passwd' })).rejects.toThrow('unknown channel "fs/readFile"');
  expect(invoked.map(([c]) => c)).not.toContain('klab:fs/readFile');
  await expect(api.call('run/get', { runId: '9' })).rejects.toMatchObject({ message: 'run/get: no run 9', code: 'not-found' });
  expect(() => api.on('onAnything', () => {})).toThrow('unknown event "onAnything"');
  const got: unknown[] = [];
  const off = api.on('onRunStatus', (d) => got.push(d));
  eventHandler!(null, { event: 'onRunStatus', data: { run: 1 } });
  off();
  eventHandler!(null, { event: 'onRunStatus', data: { run: 2 } });
  expect(got).toEqual([{ run: 1 }]);
});

test('the runtime channel list is exactly the validated channels', () => {
  expect([...CHANNEL_NAMES].sort()).toEqual(Object.keys(requestSchemas).sort());
  expect(EVENT_NAMES).toContain('onRunBatch');
});
