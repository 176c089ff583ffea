import { existsSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function mimeOf(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { kind: 'file'; file: string }
  | { kind: 'forbidden'; reason: string }
  | { kind: 'missing' };

/**
 * Map a URL path onto a file inside `root`, refusing anything that would leave
 * it: encoded or literal "..", backslashes, NUL, absolute paths, and symlinks
 * pointing outside. A path without an extension falls back to index.html
 * (client-side routes of the single-page renderer).
 */
export function lookupStatic(root: string, urlPath: string): StaticLookup {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'forbidden', reason: 'malformed percent-encoding' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'forbidden', reason: 'illegal character in path' };
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..')) return { kind: 'forbidden', reason: 'path traversal' };
  const realRoot = realpathSync(root);
  const candidate = resolve(realRoot, `.${decoded.startsWith('/') ? decoded : `/${decoded}`}`);
  if (!within(realRoot, candidate)) return { kind: 'forbidden', reason: 'path traversal' };
  let file = candidate;
  if (!existsSync(file) || statSync(file).isDirectory()) {
    const index = existsSync(file) ? resolve(file, 'index.html') : null;
    if (index && existsSync(index)) file = index;
    else if (extname(decoded) === '') file = resolve(realRoot, 'index.html');
    else return { kind: 'missing' };
    if (!existsSync(file)) return { kind: 'missing' };
  }
  const real = realpathSync(file);
  if (!within(realRoot, real)) return { kind: 'forbidden', reason: 'symlink out of the renderer folder' };
  return { kind: 'file', file: real };
}

function within(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
