import type { Channel, EventName } from './contract';

/**
 * The contract's channel and event names as runtime values, for the Electron
 * preload (which may expose nothing else) and for transports. The mapped
 * types make the compiler reject a list that misses or invents a name.
 */
const channelSet: { [C in Channel]: true } = {
  'session/info': true,
  'session/new': true,
  'session/open': true,
  'session/saveAs': true,
  'session/close': true,
  'session/recent': true,
  'run/start': true,
  'run/cancel': true,
  'run/pause': true,
  'run/resume': true,
  'run/pace': true,
  'run/act': true,
  'run/list': true,
  'run/fork': true,
  'experiment/replicate': true,
  'experiment/cancel': true,
  'experiment/sweep': true,
  'experiment/list': true,
  'experiment/result': true,
  'query/bands': true,
  'stats/welch': true,
  'run/get': true,
  'run/subscribe': true,
  'run/unsubscribe': true,
  'query/series': true,
  'query/window': true,
  'query/file': true,
  'query/files': true,
  'query/events': true,
  'query/timeline': true,
  'export/series': true,
  'export/scenario': true,
  'export/summary': true,
  'export/trace': true,
  'export/script': true,
  'import/real': true,
  'device/calibrate': true,
};

const eventSet: { [E in EventName]: true } = {
  onRunBatch: true,
  onRunProgress: true,
  onRunEvents: true,
  onRunStatus: true,
  onSessionChanged: true,
  onExperimentProgress: true,
  onMenuCommand: true,
};

export const CHANNEL_NAMES = Object.keys(channelSet) as Channel[];
export const EVENT_NAMES = Object.keys(eventSet) as EventName[];

/** Electron IPC channel names: one invoke channel per contract key, one for all events. */
export const IPC_PREFIX = 'klab:';
export const IPC_EVENT_CHANNEL = 'klab:event';
