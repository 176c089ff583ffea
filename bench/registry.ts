import { queueThroughput } from './queue-throughput';
import type { BenchResult } from './result';

export const benches: { name: string; run: () => Promise<BenchResult> }[] = [
  { name: 'queue-throughput', run: queueThroughput },
];
