import { queueThroughput } from './queue-throughput';
import type { BenchResult } from './result';
import { benchMmScale } from './mm-scale';
import { benchMmScaleNuma } from './mm-scale-numa';
import { storeOpen, storeWindow, storeWrite } from './store-targets';
import { benchBlockNvme } from './block-nvme';
import { benchCpuReference } from './cpu-reference';
import { labWindow } from './lab-window';
import { benchIocgWriteback } from './iocg-writeback';
import { benchUiStart } from './ui-start';
import { benchUiCompare } from './ui-compare';
import { benchUiStream } from './ui-stream';
import { benchMixedNode } from './mixed-node-bench';
import { benchPoolSpeedup } from './pool-speedup';
import { benchSweep } from './sweep-bench';
import { benchNetRx } from './net-rx';
import { benchServeLoad } from './serve-load';
import { benchWssScan } from './wss-scan';

export const benches: { name: string; run: () => Promise<BenchResult> }[] = [
  { name: 'queue-throughput', run: queueThroughput },
  { name: 'store-write', run: storeWrite },
  { name: 'store-open', run: storeOpen },
  { name: 'store-window', run: storeWindow },
  { name: 'block-nvme', run: benchBlockNvme },
  { name: 'cpu-reference', run: benchCpuReference },
  { name: 'lab-window', run: labWindow },
  { name: 'mm-scale', run: benchMmScale },
  { name: 'mm-scale-numa', run: benchMmScaleNuma },
  { name: 'wss-scan', run: benchWssScan },
  { name: 'mixed-node', run: benchMixedNode },
  { name: 'pool-speedup', run: benchPoolSpeedup },
  { name: 'sweep', run: benchSweep },
  { name: 'iocg-writeback', run: benchIocgWriteback },
  { name: 'net-rx', run: benchNetRx },
  { name: 'serve-load', run: benchServeLoad },
  { name: 'ui-start', run: benchUiStart },
  { name: 'ui-compare', run: benchUiCompare },
  { name: 'ui-stream', run: benchUiStream },
];
