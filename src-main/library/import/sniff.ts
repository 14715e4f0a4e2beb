export type FileFormat =
  'png' | 'jpeg' | 'tiff' | 'dicom' | 'dicom-bare' | 'nifti' | 'gzip' | 'unknown';

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((byte, index) => bytes[at + index] === byte);
}

/**
 * The format a file's content says it is, whatever its name says. The DICOM signature is read
 * first: a Part-10 preamble is free to hold another format's magic number (dual-personality
 * TIFF/DICOM files do exactly that), and a bare data set may start with any bytes.
 */
export function sniffFormat(bytes: Uint8Array): FileFormat {
  if (startsWith(bytes, [0x44, 0x49, 0x43, 0x4d], 128)) return 'dicom';
  if (looksLikeBareDicom(bytes)) return 'dicom-bare';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return 'tiff';
  }
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip';
  if (isNiftiHeader(bytes)) return 'nifti';
  return 'unknown';
}

const EXPLICIT_VRS = new Set(
  'AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(
    ' ',
  ),
);
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'UV']);

/**
 * A DICOM data set without the Part-10 preamble: its first two elements parse (group 0002 or
 * 0008, ascending tags, lengths inside the file), in implicit or explicit VR little endian.
 */
export function looksLikeBareDicom(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let previous = -1;
  for (let element = 0; element < 2; element++) {
    if (at + 8 > bytes.length) return false;
    const group = view.getUint16(at, true);
    const tag = group * 0x10000 + view.getUint16(at + 2, true);
    if ((element === 0 && group !== 0x0002 && group !== 0x0008) || tag <= previous) return false;
    const vr = String.fromCharCode(bytes[at + 4], bytes[at + 5]);
    let length: number;
    if (EXPLICIT_VRS.has(vr) && LONG_VRS.has(vr)) {
      if (at + 12 > bytes.length) return false;
      length = view.getUint32(at + 8, true);
      at += 12;
    } else if (EXPLICIT_VRS.has(vr)) {
      length = view.getUint16(at + 6, true);
      at += 8;
    } else {
      length = view.getUint32(at + 4, true);
      at += 8;
    }
    if (length === 0xffffffff || at + length > bytes.length) return false;
    at += length;
    previous = tag;
  }
  return true;
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
