/**
 * Reads a JSON request body, refusing one larger than the contract's limit before it is held
 * in memory.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError, MAX_BODY_BYTES } from '../contract/index.ts';

export function readJsonBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit)
    return Promise.reject(new ApiError('too-large', `the request body is over ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        reject(new ApiError('too-large', `the request body is over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (refused) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new ApiError('bad-request', 'the request body is not JSON'));
      }
    });
    request.on('error', (error) =>
      reject(new ApiError('bad-request', `reading the request failed: ${error.message}`)),
    );
  });
}
