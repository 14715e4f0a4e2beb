/**
 * Reading what a request asks for without ever throwing: any local program can send a request
 * line, and one that is not a URL (an absolute-form target with port 99999, a bare `*`) or a
 * path segment with broken percent-encoding must be answered 400, never crash browser mode.
 */
import { ApiError } from '../contract/index.ts';

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

/** decodeURIComponent that answers a malformed escape as the caller's mistake (400). */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError('bad-request', 'the path has a malformed percent-encoding');
  }
}
