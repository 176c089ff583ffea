import type { Rng } from '../../engine/rng';
import type { BlockDeviceSpec } from '../../scenario/types';
import { FlashModel } from './flash';
import { HddModel } from './hdd';
import type { DeviceModel } from './model';
import { LatencyBandwidthModel } from './simple';

/** The service model for a declared device; `rng` is the device's own sub-stream. */
export function createDeviceModel(spec: BlockDeviceSpec, rng: Rng, nrCpus: number): DeviceModel {
  switch (spec.type) {
    case 'hdd':
      return new HddModel(spec, rng);
    case 'ssd':
    case 'nvme':
      return new FlashModel(spec, spec.type, nrCpus, rng);
    case 'usb':
    case 'virtio':
      return new LatencyBandwidthModel(spec, spec.type, rng);
  }
}
