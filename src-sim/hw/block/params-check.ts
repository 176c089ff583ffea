import { Rng } from '../../engine/rng';
import { closest } from '../../scenario/suggest';
import type { BlockDeviceSpec } from '../../scenario/types';
import { createDeviceModel } from './create';
import { boolParam, DeviceParamError } from './model';

/** Parameters every type takes (read by the block layer, not the model). */
const COMMON_PARAMS = ['controller_failed'] as const;

export interface DeviceParamIssue {
  /** The parameter at fault. */
  param: string;
  /** Point at the key (an unknown name) rather than the value. */
  part: 'key' | 'value';
  message: string;
}

/**
 * Check a device's `params` the way the model will read them when the disk
 * is added: build the model once on a spare random stream, note every key
 * it reads, and report a value it refuses and every key no model of this
 * type reads (a misspelt `rpms` would otherwise leave the disk at its
 * defaults without a word). Pure and cheap: models allocate only per-slot
 * state (≤ 65535 entries).
 */
export function deviceParamIssues(spec: BlockDeviceSpec, nrCpus: number): DeviceParamIssue[] {
  const read = new Set<string>(COMMON_PARAMS);
  const params = spec.params;
  const tracked = new Proxy(params, {
    get(target, key, receiver) {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  const issues: DeviceParamIssue[] = [];
  try {
    const probe = { ...spec, params: tracked };
    boolParam(probe, 'controller_failed', false);
    createDeviceModel(probe, new Rng(0), Math.max(1, nrCpus));
  } catch (e) {
    if (!(e instanceof DeviceParamError)) throw e;
    issues.push({ param: e.param, part: 'value', message: `expected ${e.expected}, got ${JSON.stringify(e.got)}` });
    // The model stopped at the first bad value: keys after it were not read, so say nothing about them.
    return issues;
  }
  const known = [...read].filter((k) => k !== 'then' && k !== 'toJSON').sort();
  for (const key of Object.keys(params)) {
    if (read.has(key)) continue;
    const hint = closest(key, known);
    issues.push({
      param: key,
      part: 'key',
      message: `unknown parameter ${JSON.stringify(key)} for a ${spec.type} device (${hint ? `did you mean ${JSON.stringify(hint)}? ` : ''}known: ${known.join(', ')})`,
    });
  }
  return issues;
}
