import { randomBytes } from 'node:crypto';
import { DicomwebError } from './endpoint.ts';

/** The boundary of a multipart Content-Type header, or null. */
export function boundaryOf(contentType: string): string | null {
  if (!/^\s*multipart\/related\b/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : null;
}

/**
 * The parts of a multipart/related body (RFC 2046): the bytes between each delimiter line's
 * end and the CRLF before the next delimiter, headers dropped. Answers each part's bytes as a
 * view into the body.
 */
export function multipartParts(body: Buffer, contentType: string, what: string): Buffer[] {
  const boundary = boundaryOf(contentType);
  if (!boundary)
    throw new DicomwebError(
      `${what}: the server answered ${contentType || 'without a Content-Type'}, not multipart/related`,
    );
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new DicomwebError(`${what}: the multipart answer has no parts`);
  for (;;) {
    let start = at + delimiter.length;
    // The closing delimiter ends with "--".
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break;
    const headersEnd = body.indexOf('\r\n\r\n', start, 'latin1');
    if (headersEnd < 0) throw new DicomwebError(`${what}: a multipart part has no header end`);
    start = headersEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start);
    if (next < 0) throw new DicomwebError(`${what}: the multipart answer is truncated`);
    parts.push(body.subarray(start, next));
    at = next + 2;
  }
  return parts;
}

/** A multipart/related body of DICOM Part-10 files, and its Content-Type. */
export function multipartBody(files: Buffer[]): { body: Buffer; contentType: string } {
  const boundary = `anomap-${randomBytes(16).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const file of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`, 'latin1'));
    chunks.push(file, Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return {
    body: Buffer.concat(chunks),
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
  };
}
