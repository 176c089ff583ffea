/**
 * The renderer's only window on the main process (sandboxed preload,
 * contextIsolation): `window.kernelLab.call(channel, payload)` for the
 * contract's channels and `window.kernelLab.on(event, listener)` for its
 * event streams — nothing else of ipcRenderer or Node is exposed.
 * https://www.electronjs.org/docs/latest/tutorial/context-isolation
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL_NAMES, EVENT_NAMES, IPC_EVENT_CHANNEL, IPC_PREFIX } from '../ipc/channels';
import type { EventName, ServerMessage } from '../ipc/contract';

const channels = new Set<string>(CHANNEL_NAMES);
const events = new Set<string>(EVENT_NAMES);
const listeners = new Map<string, Set<(data: unknown) => void>>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_e, msg: { event: EventName; data: unknown }) => {
  for (const l of listeners.get(msg.event) ?? []) l(msg.data);
});

type Reply = Extract<ServerMessage, { ok: boolean }> extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

contextBridge.exposeInMainWorld('kernelLab', {
  /** Resolves with the result, rejects with an Error whose message is the service's; `code` says why. */
  call: async (channel: string, payload: unknown): Promise<unknown> => {
    // Refused here, with the service's own wording and code: nothing outside the contract reaches ipcMain.
    if (!channels.has(channel)) throw Object.assign(new Error(`unknown channel ${JSON.stringify(channel)}`), { code: 'unknown-channel' });
    const reply = (await ipcRenderer.invoke(`${IPC_PREFIX}${channel}`, payload)) as Reply;
    if (reply.ok) return reply.result;
    throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  },
  on: (event: string, listener: (data: unknown) => void): (() => void) => {
    if (!events.has(event)) throw new Error(`unknown event "${event}"`);
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  },
});
