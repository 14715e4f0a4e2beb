/**
 * Reading what a request asks for without ever throwing: any local program can send a request
 * line, and one that is not a URL (an absolute-form target with port 99999, a bare `*`) or a
 * path segment with broken percent-encoding must be answered 400, never crash browser mode.
 */
/** The request target as a URL on this server, or null when it is not one. */
export function parseTarget(target: string | undefined, origin: string): URL | null {
  // Only origin-form targets ("/path?query") are ours; absolute-form, authority-form and
  // asterisk-form targets are never sent by a browser to this server.
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, origin);
  } catch {
    return null;
  }
}

/** Path segments are decoded as every door decodes them. */
export { decodePathSegment } from '../api/index.ts';
