import { randomUUID } from 'node:crypto';

/** One data element: a tag as 0xGGGGEEEE, its VR, and its value. */
export interface DicomElement {
  tag: number;
  vr: 'AE' | 'CS' | 'DA' | 'DS' | 'IS' | 'LO' | 'LT' | 'PN' | 'SH' | 'TM' | 'UI' | 'US' | 'OW';
  value: string | number | Uint16Array;
}

export const explicitVrLittleEndian = '1.2.840.10008.1.2.1';
/** Our implementation class UID (under the UUID-derived root, fixed for Anomap). */
const implementationUid = '2.25.178262651740178955231512092591387311147';
const longLengthVrs = new Set(['OW']);

/** A UID under the UUID-derived root "2.25." (digits and dots, at most 64 characters). */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
}

/** Text values are padded to even length: with NUL for UIDs, with a space otherwise. */
function textBytes(vr: DicomElement['vr'], text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  if (bytes.length % 2 === 0) return bytes;
  return Buffer.concat([bytes, Buffer.from(vr === 'UI' ? [0] : [0x20])]);
}

function valueBytes(element: DicomElement): Buffer {
  const { vr, value } = element;
  if (vr === 'US') {
    const bytes = Buffer.alloc(2);
    bytes.writeUInt16LE(Number(value));
    return bytes;
  }
  if (vr === 'OW') {
    if (!(value instanceof Uint16Array)) throw new Error('an OW element needs a Uint16Array');
    const bytes = Buffer.alloc(value.length * 2);
    value.forEach((sample, i) => bytes.writeUInt16LE(sample, i * 2));
    return bytes;
  }
  return textBytes(vr, String(value));
}

function encodeElement(element: DicomElement): Buffer {
  const value = valueBytes(element);
  const long = longLengthVrs.has(element.vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(element.tag >>> 16, 0);
  head.writeUInt16LE(element.tag & 0xffff, 2);
  head.write(element.vr, 4, 'latin1');
  if (long) head.writeUInt32LE(value.length, 8);
  else if (value.length > 0xffff) throw new Error(`DICOM element ${element.tag} is too long`);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

function encodeSorted(elements: DicomElement[]): Buffer {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  return Buffer.concat(sorted.map(encodeElement));
}

/**
 * A DICOM Part-10 file in Explicit VR Little Endian: the 128-byte preamble, "DICM", the file
 * meta group (its length, version, SOP class and instance, transfer syntax, implementation),
 * then the data set's elements in tag order. The data set must carry SOPClassUID (0008,0016)
 * and SOPInstanceUID (0008,0018).
 */
export function encodeDicomFile(dataSet: DicomElement[]): Buffer {
  const find = (tag: number) => dataSet.find((element) => element.tag === tag)?.value;
  const sopClass = find(0x00080016);
  const sopInstance = find(0x00080018);
  if (typeof sopClass !== 'string' || typeof sopInstance !== 'string')
    throw new Error('a DICOM data set needs SOPClassUID and SOPInstanceUID');
  const meta = encodeSorted([
    { tag: 0x00020002, vr: 'UI', value: sopClass },
    { tag: 0x00020003, vr: 'UI', value: sopInstance },
    { tag: 0x00020010, vr: 'UI', value: explicitVrLittleEndian },
    { tag: 0x00020012, vr: 'UI', value: implementationUid },
    { tag: 0x00020013, vr: 'SH', value: 'ANOMAP' },
  ]);
  const version = Buffer.from([0x02, 0x00, 0x01, 0x00, 0x4f, 0x42, 0, 0, 2, 0, 0, 0, 0x00, 0x01]);
  const groupLength = Buffer.alloc(12);
  groupLength.writeUInt16LE(0x0002, 0);
  groupLength.writeUInt16LE(0x0000, 2);
  groupLength.write('UL', 4, 'latin1');
  groupLength.writeUInt16LE(4, 6);
  groupLength.writeUInt32LE(version.length + meta.length, 8);
  return Buffer.concat([
    Buffer.alloc(128),
    Buffer.from('DICM', 'latin1'),
    groupLength,
    version,
    meta,
    encodeSorted(dataSet),
  ]);
}

/** A DS value: at most 16 characters. */
export function decimalString(value: number): string {
  for (let digits = 10; digits > 0; digits--) {
    const text = String(Number(value.toPrecision(digits)));
    if (text.length <= 16) return text;
  }
  return '0';
}
