import { basename, extname } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { ImportError, errorText } from '../../files/importError.ts';
import { tooLarge } from '../../files/limits.ts';
import { identityScale, type DecodedFile } from './decoded.ts';
import { hashPixels, type Pixels } from '../pixels.ts';

/**
 * PNG, JPEG and TIFF through sharp. 16-bit files stay 16-bit (lossless); colour files are
 * converted to grayscale luminance, since every model and view here works on one channel.
 */
export async function decodeRaster(path: string, bytes: Buffer): Promise<DecodedFile> {
  const pixels = await decodeRasterPixels(path, bytes);
  return {
    path,
    study: {
      uid: `image:${hashPixels(pixels)}`,
      patientAlias: basename(path, extname(path)),
      source: 'file',
      originPath: path,
    },
    slices: [{ image: { ...pixels, ...identityScale }, sliceIndex: 0 }],
  };
}

export async function decodeRasterPixels(path: string, bytes: Buffer): Promise<Pixels> {
  let meta: Metadata;
  try {
    // No pixel limit for the header: the size check below gives the clearer message.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImportError(path, `the image header is corrupt or truncated: ${errorText(error)}`);
  }
  if (!meta.width || !meta.height) throw new ImportError(path, 'the image header has no size');
  const bomb = tooLarge(meta.width, meta.height);
  if (bomb) throw new ImportError(path, bomb);
  if ((meta.pages ?? 1) > 1) {
    // Multi-page TIFFs: the first page is imported; say so rather than guess a volume order.
    if (meta.format !== 'tiff') throw new ImportError(path, 'animated images are not supported');
  }
  const sixteenBit = meta.depth === 'ushort' || meta.depth === 'short';
  const options = { limitInputPixels: meta.width * meta.height, failOn: 'warning' as const };
  try {
    if (sixteenBit) {
      const { data, info } = await sharp(bytes, options)
        .removeAlpha()
        .toColourspace('grey16')
        .raw({ depth: 'ushort' })
        .toBuffer({ resolveWithObject: true });
      const pixels = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2).slice();
      return { width: info.width, height: info.height, bitDepth: 16, pixels };
    }
    const { data, info } = await sharp(bytes, options)
      .removeAlpha()
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, bitDepth: 8, pixels: new Uint8Array(data) };
  } catch (error) {
    throw new ImportError(path, `the image data is corrupt or truncated: ${errorText(error)}`);
  }
}
