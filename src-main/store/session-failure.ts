import { StoredDataError } from './blob';

/**
 * SQLite errors that describe the session file or its disk, not a bug: a
 * damaged page met while reading, a full disk, a read-only file. Reported as
 * bad input (exit 2) naming the file; what was committed before stays.
 */
export function sessionFailure(e: unknown): string | null {
  if (e instanceof StoredDataError) return `damaged session: ${e.message}`;
  if (!(e instanceof Error) || e.name !== 'SqliteError') return null;
  const code = String((e as Error & { code?: unknown }).code ?? '');
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return `damaged session: ${e.message}`;
  // The store's SQL is fixed: a table or column it cannot find means the file's schema pages are damaged.
  if (code === 'SQLITE_ERROR' && /^no such (table|column)/.test(e.message)) return `damaged session: ${e.message}`;
  if (/^SQLITE_FULL/.test(code)) return `the disk is full: ${e.message} (runs committed before are kept)`;
  if (/^SQLITE_(READONLY|CANTOPEN|PERM|IOERR)/.test(code)) return `cannot write the session: ${e.message} (runs committed before are kept)`;
  return null;
}
