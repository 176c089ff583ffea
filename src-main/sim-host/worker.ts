/**
 * Worker-thread entry (bundled to dist/sim-worker.mjs). Receives one 'start'
 * message with a resolved scenario, then control messages; runs the
 * simulation in chunks through RunDriver.
 */
import { parentPort } from 'node:worker_threads';
import type { HostToWorker, WorkerToHost } from './protocol';
import { RunDriver } from './run-driver';

const port = parentPort;
if (!port) throw new Error('sim-worker must run in a worker thread');

let driver: RunDriver | null = null;
const post = (msg: WorkerToHost, transfer?: ArrayBuffer[]): void => {
  port.postMessage(msg, transfer);
  // After its last message the thread ends on its own (the port no longer
  // keeps its event loop alive): the host never has to terminate() a
  // finished worker, which on Node 20 could abort the whole process when it
  // caught V8 mid-compile (node_platform.cc "(data.first) != nullptr").
  if (msg.type === 'end' || msg.type === 'failed') port.close();
};

port.on('message', (msg: HostToWorker) => {
  if (msg.type === 'start') {
    if (driver) return post({ type: 'failed', error: 'sim-worker: a run was already started in this worker' });
    driver = new RunDriver(msg.scenario, msg.options, post);
    driver.start();
    return;
  }
  driver?.handle(msg);
});
post({ type: 'ready' });
