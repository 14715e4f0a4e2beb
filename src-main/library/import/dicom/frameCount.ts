import type dicomParser from 'dicom-parser';
import { importLimits } from '../../../files/limits.ts';
import type { SampleFormat } from './framePixels.ts';

/**
 * Checks Number of Frames against the bytes the file actually has, before any frame is
 * decoded or any slice allocated: a 20 MB file claiming 20 million frames is refused here.
 * Returns the reason for a refusal, or null.
 */
export function checkFrameCount(
  dataSet: dicomParser.DataSet,
  element: dicomParser.Element,
  frameCount: number,
  format: SampleFormat,
): string | null {
  if (!Number.isInteger(frameCount) || frameCount < 1)
    return `Number of Frames is ${frameCount}, not a positive whole number`;
  if (frameCount > importLimits.maxFrames)
    return `the header claims ${frameCount} frames, over the limit of ${importLimits.maxFrames}`;
  if (element.encapsulatedPixelData) {
    // Every compressed frame takes at least one fragment of its own.
    const fragments = element.fragments?.length ?? 0;
    if (frameCount > fragments)
      return `the header claims ${frameCount} frames, the pixel data holds ${fragments} fragments`;
    return null;
  }
  const frameBytes = format.width * format.height * (format.bitsAllocated / 8);
  const neededBytes = frameCount * frameBytes;
  const availableBytes = Math.max(0, dataSet.byteArray.length - element.dataOffset);
  if (neededBytes > availableBytes)
    return `pixel data is truncated: ${frameCount} frames of ${format.width} x ${format.height} need ${neededBytes} bytes, the file has ${availableBytes}`;
  return null;
}
