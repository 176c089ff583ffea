import type { ErrorReply } from '../ipc/contract';

/** A request the service refuses, with the reply code the client sees. */
export class LabError extends Error {
  constructor(
    readonly code: ErrorReply['code'],
    message: string,
  ) {
    super(message);
    this.name = 'LabError';
  }
}

export function notFound(what: string): LabError {
  return new LabError('not-found', what);
}

export function refused(why: string): LabError {
  return new LabError('refused', why);
}
