import type { BlockDeviceSpec } from '../../scenario/types';
import { OP_READ, OP_WRITE, type OpCode } from './model';

/**
 * Error injection for one disk: bad sector ranges (read and write errors are
 * distinguished) and a failed controller that fails everything. Sector
 * ranges are absolute on the disk and inclusive, as the scenario file writes
 * them (`{ start: 5, end: 5 }` is the one sector 5); held end-exclusive here.
 */
export class FaultMap {
  /** A dead controller / offline SCSI device: every request fails. */
  controllerFailed = false;
  /** Bad ranges held: 0 on a healthy disk, so a completion need not call fails(). */
  readonly ranges: number;
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private readonly ops: Uint8Array;

  constructor(spec: BlockDeviceSpec) {
    const n = spec.badSectors.length;
    this.ranges = n;
    this.starts = new Float64Array(n);
    this.ends = new Float64Array(n);
    this.ops = new Uint8Array(n);
    spec.badSectors.forEach((b, i) => {
      // The loader refuses these (scenario/device-check.ts); reaching here is a bug.
      if (!(b.end >= b.start) || b.start < 0) {
        throw new Error(`machine.devices[${spec.name}].badSectors[${i}]: expected 0 ≤ start ≤ end, got ${b.start}..${b.end}`);
      }
      this.starts[i] = b.start;
      this.ends[i] = b.end + 1;
      this.ops[i] = b.op === 'read' ? 1 : b.op === 'write' ? 2 : 3;
    });
  }

  /** True if a request of `op` over [sector, sector+nr) touches a bad range for that direction. */
  fails(op: OpCode, sector: number, nr: number): boolean {
    if (this.controllerFailed) return true;
    const n = this.starts.length;
    if (n === 0 || (op !== OP_READ && op !== OP_WRITE)) return false;
    const bit = op === OP_READ ? 1 : 2;
    const end = sector + nr;
    for (let i = 0; i < n; i++) {
      if ((this.ops[i]! & bit) !== 0 && sector < this.ends[i]! && end > this.starts[i]!) return true;
    }
    return false;
  }
}
