import type { Pixels } from '../pixels.ts';

const headerSize = 348;
const dataOffset = 352;

/**
 * A single-slice NIfTI-1 volume (.nii) of the pixels, uint8 or uint16, with the in-plane pixel
 * spacing. Rows are written bottom-up so that NIfTI's +y points up the image, as viewers expect.
 */
export function niftiOfSlice(image: Pixels, spacing: [number, number] = [1, 1]): Buffer {
  const bytesPerVoxel = image.bitDepth / 8;
  const buffer = Buffer.alloc(dataOffset + image.width * image.height * bytesPerVoxel);
  buffer.writeInt32LE(headerSize, 0);
  [3, image.width, image.height, 1, 1, 1, 1, 1].forEach((dim, i) =>
    buffer.writeInt16LE(dim, 40 + i * 2),
  );
  buffer.writeInt16LE(image.bitDepth === 16 ? 512 : 2, 70);
  buffer.writeInt16LE(image.bitDepth, 72);
  [1, spacing[0], spacing[1], 1, 0, 0, 0, 0].forEach((value, i) =>
    buffer.writeFloatLE(value, 76 + i * 4),
  );
  buffer.writeFloatLE(dataOffset, 108);
  buffer.writeFloatLE(1, 112);
  buffer.write('Anomap mask', 148, 'latin1');
  buffer.writeInt16LE(0, 252);
  buffer.writeInt16LE(2, 254);
  [spacing[0], 0, 0, 0].forEach((value, i) => buffer.writeFloatLE(value, 280 + i * 4));
  [0, spacing[1], 0, 0].forEach((value, i) => buffer.writeFloatLE(value, 296 + i * 4));
  [0, 0, 1, 0].forEach((value, i) => buffer.writeFloatLE(value, 312 + i * 4));
  buffer.write('n+1\0', 344, 'latin1');
  for (let row = 0; row < image.height; row++) {
    const sourceRow = image.height - 1 - row;
    for (let column = 0; column < image.width; column++) {
      const value = image.pixels[sourceRow * image.width + column];
      const offset = dataOffset + (row * image.width + column) * bytesPerVoxel;
      if (bytesPerVoxel === 2) buffer.writeUInt16LE(value, offset);
      else buffer.writeUInt8(value, offset);
    }
  }
  return buffer;
}
