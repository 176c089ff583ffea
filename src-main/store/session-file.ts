import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** "KLAB": PRAGMA application_id of every session file (sqlite.org/fileformat.html, offset 68). */
export const APPLICATION_ID = 0x4b4c4142;

export type SessionErrorCode = 'NOT_A_SESSION' | 'NEWER_VERSION' | 'DAMAGED' | 'NOT_FOUND' | 'READ_ONLY' | 'NOT_A_FILE';

/** Why a file cannot be opened as a session. The file has not been modified. */
export class SessionError extends Error {
  constructor(
    readonly code: SessionErrorCode,
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'SessionError';
  }
}

const MAGIC = 'SQLite format 3\u0000';

export interface SessionHeader {
  applicationId: number;
  userVersion: number;
}

/**
 * Read the SQLite header of `file` without opening it as a database, so a
 * foreign file is refused before SQLite could touch it. Offsets from the
 * SQLite file format: magic at 0, user_version at 60, application_id at 68.
 */
export function readSessionHeader(file: string): SessionHeader {
  const size = statSync(file).size;
  if (size < 100) throw new SessionError('NOT_A_SESSION', file, `not a Kernel Lab session (${size} bytes, no SQLite header)`);
  const buf = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (buf.toString('latin1', 0, 16) !== MAGIC) {
    throw new SessionError('NOT_A_SESSION', file, 'not a Kernel Lab session (not an SQLite database)');
  }
  return { userVersion: buf.readUInt32BE(60), applicationId: buf.readUInt32BE(68) };
}

/** Refuse a header that is not ours or is newer than `latest`. */
export function checkHeader(file: string, h: SessionHeader, latest: number): void {
  if (h.applicationId !== APPLICATION_ID) {
    throw new SessionError(
      'NOT_A_SESSION',
      file,
      `not a Kernel Lab session (SQLite application_id 0x${h.applicationId.toString(16).padStart(8, '0')}, expected 0x${APPLICATION_ID.toString(16)})`,
    );
  }
  if (h.userVersion > latest) {
    throw new SessionError(
      'NEWER_VERSION',
      file,
      `session format version ${h.userVersion} is newer than this Kernel Lab supports (${latest}); open it with a newer Kernel Lab`,
    );
  }
}
