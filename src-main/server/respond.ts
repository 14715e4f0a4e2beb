/**
 * Writing answers: JSON results, ApiErrors with their HTTP status, bytes with safe headers.
 */
import type { ServerResponse } from 'node:http';
import { ApiError } from '../contract/index.ts';
import type { ApiErrorCode } from '../contract/index.ts';

const STATUS: Record<ApiErrorCode, number> = {
  'bad-request': 400,
  'unknown-method': 404,
  'not-found': 404,
  conflict: 409,
  unauthorized: 401,
  'too-large': 413,
  internal: 500,
};

/** Headers on every answer: no sniffing, no referrer, never framed, never cached by proxies. */
export function baseHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}

export function sendBytes(
  response: ServerResponse,
  headers: Record<string, string>,
  status: number,
  contentType: string,
  body: Buffer | Uint8Array | string,
): void {
  response.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

export function sendJson(
  response: ServerResponse,
  headers: Record<string, string>,
  status: number,
  value: unknown,
): void {
  sendBytes(response, headers, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

export function sendError(
  response: ServerResponse,
  headers: Record<string, string>,
  error: ApiError,
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(response, headers, STATUS[error.code], { error: error.toBody() });
}

export function statusOf(error: ApiError): number {
  return STATUS[error.code];
}

export { ApiError };
