import { randomBytes, timingSafeEqual } from 'node:crypto';

/** 192 random bits, URL-safe: printed with the URL, required by every request. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const TOKEN_COOKIE = 'klab_token';

/** The token a request carries: ?token= in the URL, or the cookie set when the page was first loaded. */
export function requestToken(url: URL, cookieHeader: string | undefined): string | null {
  const q = url.searchParams.get('token');
  if (q) return q;
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === TOKEN_COOKIE) return part.slice(eq + 1).trim();
  }
  return null;
}
