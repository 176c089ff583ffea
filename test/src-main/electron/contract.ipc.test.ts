import { afterAll, beforeAll, describe, vi } from 'vitest';
import { LabClient, LabRequestError, type Transport } from '../../../src-main/ipc/client';
import type { EventName } from '../../../src-main/ipc/contract';
import { contractSuite } from '../fixtures/contract-suite';
import { makeLab } from '../fixtures/lab';

/**
 * Electron's IPC without Electron: a fake ipcMain/ipcRenderer pair that
 * structured-clones every message as Electron does, one fake window per
 * client. The real IpcBridge (main side) and the real preload (renderer side)
 * run on it, so the contract suite exercises the whole desktop path.
 */
const APP_URL = 'file:///app/dist/renderer/index.html';

interface FakeWindow {
  id: number;
  contents: { id: number; send(channel: string, msg: unknown): void; isDestroyed(): boolean };
  closed: (() => void)[];
  rendererListeners: Map<string, ((e: unknown, msg: unknown) => void)[]>;
  frameUrl: string;
}

const g = globalThis as unknown as {
  fakeIpc: { handlers: Map<string, (e: unknown, payload: unknown) => unknown>; windows: Map<number, FakeWindow>; current: FakeWindow | null; exposed: unknown };
};
g.fakeIpc = { handlers: new Map(), windows: new Map(), current: null, exposed: null };

// The mock module is built once; the window a preload belongs to is the one
// current when it was imported (its `on` calls) or when its `call` runs (the
// exposed api is wrapped to make its window current for the synchronous invoke).
vi.mock('electron', () => {
  const ipc = (globalThis as unknown as typeof g).fakeIpc;
  return {
    ipcMain: {
      handle: (ch: string, fn: (e: unknown, p: unknown) => unknown) => ipc.handlers.set(ch, fn),
      removeHandler: (ch: string) => ipc.handlers.delete(ch),
    },
    BrowserWindow: {
      fromWebContents: (c: { id: number }) => {
        const w = ipc.windows.get(c.id);
        return w ? { webContents: w.contents, on: (_: string, cb: () => void) => w.closed.push(cb) } : null;
      },
    },
    contextBridge: {
      exposeInMainWorld: (_key: string, api: { call(ch: string, p: unknown): Promise<unknown>; on(e: string, l: (d: unknown) => void): () => void }) => {
        const owner = ipc.current;
        ipc.exposed = {
          call: (ch: string, p: unknown) => {
            ipc.current = owner;
            return api.call(ch, p);
          },
          on: api.on,
        };
      },
    },
    ipcRenderer: {
      invoke: async (ch: string, payload: unknown) => {
        const win = ipc.current;
        const fn = ipc.handlers.get(ch);
        if (!fn || !win) throw new Error(`No handler registered for '${ch}'`);
        return structuredClone(await fn({ sender: win.contents, senderFrame: { url: win.frameUrl } }, structuredClone(payload)));
      },
      on: (ch: string, cb: (e: unknown, msg: unknown) => void) => {
        const win = ipc.current!;
        const list = win.rendererListeners.get(ch) ?? [];
        list.push(cb);
        win.rendererListeners.set(ch, list);
      },
    },
  };
});

interface PreloadApi {
  call(channel: string, payload: unknown): Promise<unknown>;
  on(event: string, l: (d: unknown) => void): () => void;
}

describe('the contract, over Electron IPC (IpcBridge + preload on a fake ipc)', () => {
  const f = makeLab();
  let bridge: { attach(w: unknown): void; dispose(): void };
  let nextId = 1;
  beforeAll(async () => {
    const { IpcBridge } = await import('../../../src-main/electron/ipc-bridge');
    bridge = new IpcBridge(f.lab, APP_URL);
  });
  afterAll(async () => {
    for (const w of g.fakeIpc.windows.values()) for (const cb of w.closed) cb();
    bridge.dispose();
    await f.dispose();
  });

  const client = async (): Promise<LabClient> => {
    const id = nextId++;
    const w: FakeWindow = {
      id,
      closed: [],
      rendererListeners: new Map(),
      frameUrl: APP_URL,
      contents: {
        id,
        isDestroyed: () => false,
        send: (ch, msg) => {
          for (const l of w.rendererListeners.get(ch) ?? []) l(null, structuredClone(msg));
        },
      },
    };
    g.fakeIpc.windows.set(id, w);
    bridge.attach({ webContents: w.contents, on: (_: string, cb: () => void) => w.closed.push(cb) });
    // A fresh preload per window, as each renderer process loads its own.
    g.fakeIpc.current = w;
    vi.resetModules();
    await import('../../../src-main/electron/preload');
    const api = g.fakeIpc.exposed as PreloadApi;
    const transport: Transport = {
      invoke: (channel, payload) =>
        api.call(channel, payload).catch((e: Error & { code?: string }) => {
          // The preload rejects with Error + code; the suite checks the contract's ErrorReply.
          throw new LabRequestError({ code: (e.code ?? 'internal') as LabRequestError['reply']['code'], message: e.message });
        }),
      on: (event: EventName, l) => api.on(event, l),
    };
    return new LabClient(transport);
  };

  contractSuite({ client, dir: () => f.dir });
});
