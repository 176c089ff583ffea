/** A failed model invariant. Aborts the run; never swallowed. */
export class SimInvariantError extends Error {
  constructor(
    readonly subsystem: string,
    readonly timeNs: number,
    detail: string,
  ) {
    super(`invariant failed in ${subsystem} at t=${timeNs}ns: ${detail}`);
    this.name = 'SimInvariantError';
  }
}
