export type FileFormat = 'png' | 'jpeg' | 'tiff' | 'dicom' | 'nifti' | 'gzip' | 'unknown';

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((byte, index) => bytes[at + index] === byte);
}

/** The format a file's content says it is, whatever its name says. */
export function sniffFormat(bytes: Uint8Array): FileFormat {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return 'tiff';
  }
  if (startsWith(bytes, [0x44, 0x49, 0x43, 0x4d], 128)) return 'dicom';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip';
  if (isNiftiHeader(bytes)) return 'nifti';
  return 'unknown';
}

/** NIfTI-1 (348-byte header, magic "n+1") or NIfTI-2 (540 bytes, "n+2"), either byte order. */
export function isNiftiHeader(bytes: Uint8Array): boolean {
  if (bytes.length < 348) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = view.getInt32(0, true);
  const sizeBig = view.getInt32(0, false);
  if (size === 348 || sizeBig === 348) return startsWith(bytes, [0x6e, 0x2b, 0x31, 0x00], 344);
  if ((size === 540 || sizeBig === 540) && bytes.length >= 540) {
    return startsWith(bytes, [0x6e, 0x2b, 0x32, 0x00], 4);
  }
  return false;
}

/** A short description of content that is not an image, for error messages. */
export function describeContent(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty (0 bytes)';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]))
    return 'the content is a ZIP archive, not an image';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46]))
    return 'the content is a PDF document, not an image';
  const head = bytes.subarray(0, Math.min(bytes.length, 512));
  const printable = head.every(
    (byte) => byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127) || byte >= 128,
  );
  if (printable) return 'the content is text, not an image';
  return 'the content is not a recognised image format (PNG, JPEG, TIFF, DICOM or NIfTI)';
}
