import { existsSync } from 'node:fs';
import { SessionError } from '../store/session-file';
import { Session } from '../store/session';
import { badInput } from './errors';

/** Open an existing session for a read command, read-only; a missing or foreign file is bad input. */
export function openExisting(file: string): Session {
  if (!existsSync(file)) throw badInput(`${file}: no such session file`);
  try {
    return Session.open(file, { create: false, readOnly: true });
  } catch (e) {
    if (e instanceof SessionError) throw badInput(e.message);
    throw e;
  }
}

/** Open an existing session for a command that stores into it (fork, import-real); a missing or foreign file is bad input. */
export function openExistingForWrite(file: string): Session {
  if (!existsSync(file)) throw badInput(`${file}: no such session file`);
  try {
    return Session.open(file, { create: false });
  } catch (e) {
    if (e instanceof SessionError) throw badInput(e.message);
    throw e;
  }
}

/** Open or create a session for writing. */
export function openForWrite(file: string): Session {
  try {
    return Session.open(file);
  } catch (e) {
    if (e instanceof SessionError) throw badInput(e.message);
    throw e;
  }
}

/** The run --run names, or the latest. */
export function pickRun(session: Session, file: string, id: number | undefined): number {
  const runs = session.listRuns();
  if (!runs.length) throw badInput(`${file}: the session has no runs`);
  if (id === undefined) return runs[runs.length - 1]!.id;
  if (!runs.some((r) => r.id === id)) throw badInput(`${file}: no run ${id} (runs: ${runs.map((r) => r.id).join(', ')})`);
  return id;
}
