/** The connection to the lab service, shared by every store. */
import { defineStore } from 'pinia';
import { markRaw, ref } from 'vue';
import type { Channel, EventName, Events, Req, Res } from '../../src-main/ipc/contract.ts';
import type { ConnectionState, Transport } from '../api/transport';

export const useService = defineStore('service', () => {
  const transport = ref<Transport | null>(null);
  const connectError = ref<string | null>(null);
  const connection = ref<ConnectionState>({ status: 'connecting', attempt: 0, detail: null });
  const reconnectHooks: (() => void | Promise<void>)[] = [];

  function attach(t: Transport): void {
    transport.value = markRaw(t);
    connection.value = { status: 'connected', attempt: 0, detail: null };
    t.onConnection?.((s) => {
      const was = connection.value.status;
      connection.value = s;
      if (s.status === 'connected' && was === 'reconnecting') for (const h of reconnectHooks) void h();
    });
  }

  /** Work to redo once a lost connection is back (re-subscribe, refresh lists). */
  function onReconnect(fn: () => void | Promise<void>): void {
    reconnectHooks.push(fn);
  }

  function call<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>> {
    if (!transport.value) return Promise.reject(new Error('not connected to the lab service'));
    return transport.value.call(channel, req);
  }

  function on<E extends EventName>(event: E, fn: (d: Events[E]) => void): () => void {
    if (!transport.value) return () => undefined;
    return transport.value.on(event, fn);
  }

  return { transport, connectError, connection, attach, call, on, onReconnect };
});
