import { ApiError } from '../contract/index.ts';

/**
 * decodeURIComponent that answers a malformed escape as the caller's mistake (400): one rule
 * for every door that decodes a path segment (browser mode's HTTP server, Electron's app://).
 */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError('bad-request', 'the path has a malformed percent-encoding');
  }
}
