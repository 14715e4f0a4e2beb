/**
 * The per-launch token of browser mode: any local program can reach 127.0.0.1, so every
 * request must prove it came from the URL we printed.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_HEADER } from '../contract/index.ts';

export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensMatch(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Cookie names are per port: cookies are shared by every port of a host. */
export function tokenCookieName(port: number): string {
  return `anomap_token_${port}`;
}

function cookieValue(request: IncomingMessage, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

/** The token a request carries: header, `?token=` or the cookie set when the page loaded. */
export function requestToken(request: IncomingMessage, url: URL, port: number): string | null {
  const header = request.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  return url.searchParams.get('token') ?? cookieValue(request, tokenCookieName(port));
}
