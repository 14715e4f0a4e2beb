/** How the pixel data of a transfer syntax is decoded here. */
export type PixelEncoding =
  | 'native-little-endian'
  | 'native-big-endian'
  | 'rle'
  | 'jpeg-baseline'
  | 'jpeg-extended'
  | 'jpeg-lossless'
  | 'jpeg-ls'
  | 'jpeg-2000';

export interface TransferSyntax {
  uid: string;
  name: string;
  encoding: PixelEncoding | 'unsupported';
}

const known: Record<string, [string, PixelEncoding | 'unsupported']> = {
  '1.2.840.10008.1.2': ['Implicit VR Little Endian', 'native-little-endian'],
  '1.2.840.10008.1.2.1': ['Explicit VR Little Endian', 'native-little-endian'],
  // dicom-parser inflates the data set; the pixels are then native.
  '1.2.840.10008.1.2.1.99': ['Deflated Explicit VR Little Endian', 'native-little-endian'],
  '1.2.840.10008.1.2.2': ['Explicit VR Big Endian', 'native-big-endian'],
  '1.2.840.10008.1.2.5': ['RLE Lossless', 'rle'],
  '1.2.840.10008.1.2.4.50': ['JPEG Baseline (8-bit)', 'jpeg-baseline'],
  '1.2.840.10008.1.2.4.57': ['JPEG Lossless', 'jpeg-lossless'],
  '1.2.840.10008.1.2.4.70': ['JPEG Lossless, first-order prediction', 'jpeg-lossless'],
  '1.2.840.10008.1.2.4.51': ['JPEG Extended (12-bit)', 'jpeg-extended'],
  '1.2.840.10008.1.2.4.80': ['JPEG-LS Lossless', 'jpeg-ls'],
  '1.2.840.10008.1.2.4.81': ['JPEG-LS Near-Lossless', 'jpeg-ls'],
  '1.2.840.10008.1.2.4.90': ['JPEG 2000 Lossless', 'jpeg-2000'],
  '1.2.840.10008.1.2.4.91': ['JPEG 2000', 'jpeg-2000'],
  '1.2.840.10008.1.2.4.201': ['HTJ2K Lossless', 'unsupported'],
  '1.2.840.10008.1.2.4.202': ['HTJ2K Lossless RPCL', 'unsupported'],
  '1.2.840.10008.1.2.4.203': ['HTJ2K', 'unsupported'],
  '1.2.840.10008.1.2.4.100': ['MPEG2', 'unsupported'],
  '1.2.840.10008.1.2.4.102': ['MPEG-4 AVC/H.264', 'unsupported'],
};

export function transferSyntax(uid: string): TransferSyntax {
  const entry = known[uid];
  return entry
    ? { uid, name: entry[0], encoding: entry[1] }
    : { uid, name: 'unknown', encoding: 'unsupported' };
}
