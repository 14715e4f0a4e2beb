import { ImportCancelled } from '../../../files/importError.ts';
import { DicomwebError, authorization, type DicomwebEndpoint } from './endpoint.ts';

export interface DicomwebRequest {
  /** Path below the service root, e.g. "/studies?limit=100". */
  path: string;
  method?: 'GET' | 'POST';
  accept: string;
  body?: Buffer;
  contentType?: string;
  /** Largest body read; a longer answer is refused before it fills memory. */
  maxBytes: number;
  signal?: AbortSignal;
}

export interface DicomwebResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

const reasons: Record<number, string> = {
  400: 'the server did not understand the request',
  401: 'the server refused the credentials (wrong user, password or token, or none given)',
  403: 'the server denied access with these credentials',
  404: 'not found on the server (is the URL the DICOMweb root, e.g. .../dicom-web?)',
  406: 'the server cannot answer in the format asked for',
  409: 'the server refused to store (conflict)',
  413: 'the server refused the upload as too large',
  415: 'the server does not accept this media type',
};

function unreachable(url: string, error: unknown): DicomwebError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is the server running, and on this port?)',
    ENOTFOUND: 'no such host',
    EHOSTUNREACH: 'host unreachable',
    ECONNRESET: 'the connection was reset',
    UND_ERR_SOCKET: 'the connection was closed',
  };
  const why = (code && words[code]) ?? cause?.message ?? (error as Error).message;
  return new DicomwebError(`cannot reach the DICOMweb server at ${url}: ${why}`);
}

/** The first few hundred characters of a failed answer, as text a terminal may show. */
function snippet(body: Buffer): string {
  const text = body.subarray(0, 300).toString('utf8').replace(/\s+/g, ' ').trim();
  return text ? `: ${text}` : '';
}

/** Reads a body up to maxBytes, refusing more (by Content-Length first, then as it streams). */
async function boundedBody(response: Response, maxBytes: number, what: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new DicomwebError(
      `${what}: the answer is ${declared} bytes, over the limit of ${maxBytes}`,
    );
  }
  const chunks: Buffer[] = [];
  let total = 0;
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new DicomwebError(`${what}: the answer is over the limit of ${maxBytes} bytes`);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, total);
}

/**
 * One DICOMweb request with a timeout, a bound on what is read, no redirects followed (they
 * could carry the credentials elsewhere) and errors in plain words. A non-2xx status is an
 * error, with the server's first words.
 */
export async function dicomwebRequest(
  endpoint: DicomwebEndpoint,
  request: DicomwebRequest,
): Promise<DicomwebResponse> {
  const url = `${endpoint.url}${request.path}`;
  const method = request.method ?? 'GET';
  const what = `${method} ${url}`;
  const timeoutSeconds = endpoint.timeoutSeconds ?? 60;
  const timeout = AbortSignal.timeout(timeoutSeconds * 1000);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const headers: Record<string, string> = { accept: request.accept };
  const auth = authorization(endpoint.auth);
  if (auth) headers.authorization = auth;
  if (request.contentType) headers['content-type'] = request.contentType;
  try {
    const response = await fetch(url, {
      method,
      headers,
      // A view, not a copy: the body may be many megabytes of DICOM.
      body: request.body
        ? new Uint8Array(
            request.body.buffer as ArrayBuffer,
            request.body.byteOffset,
            request.body.byteLength,
          )
        : undefined,
      redirect: 'manual',
      signal,
    });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new DicomwebError(
        `${what}: the server redirects (HTTP ${response.status}) to ${response.headers.get('location') ?? 'elsewhere'}; give that URL instead`,
        response.status,
      );
    }
    const body = await boundedBody(response, request.maxBytes, what);
    if (!response.ok) {
      const reason = reasons[response.status] ?? `HTTP ${response.status} ${response.statusText}`;
      throw new DicomwebError(
        `${what}: ${reason} (HTTP ${response.status})${snippet(body)}`,
        response.status,
      );
    }
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body,
    };
  } catch (error) {
    if (error instanceof DicomwebError) throw error;
    if (request.signal?.aborted) throw new ImportCancelled();
    if (timeout.aborted)
      throw new DicomwebError(`${what}: no complete answer within ${timeoutSeconds} s`);
    throw unreachable(endpoint.url, error);
  }
}
