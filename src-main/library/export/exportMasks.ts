import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Library } from '../library.ts';
import type { Pixels } from '../pixels.ts';
import { encodeGrayPng } from '../store.ts';
import { niftiOfSlice } from './writeNifti.ts';

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/**
 * One mask per finding of an image (boxes filled, mask annotations merged; 255 = finding),
 * written as an 8-bit PNG and a NIfTI. Returns the files written.
 */
export async function exportMasks(
  library: Library,
  imageId: number,
  outDir: string,
): Promise<string[]> {
  const image = library.getImage(imageId);
  const byFinding = new Map<string, Pixels>();
  const maskOf = (finding: string): Pixels => {
    const existing = byFinding.get(finding);
    if (existing) return existing;
    const mask: Pixels = {
      width: image.width,
      height: image.height,
      bitDepth: 8,
      pixels: new Uint8Array(image.width * image.height),
    };
    byFinding.set(finding, mask);
    return mask;
  };
  for (const annotation of library.listAnnotations(imageId)) {
    const mask = maskOf(annotation.finding ?? 'unspecified');
    if (annotation.box) {
      const { x, y, width, height } = annotation.box;
      for (let row = y; row < y + height; row++)
        mask.pixels.fill(255, row * image.width + x, row * image.width + x + width);
    } else if (annotation.maskHash) {
      const drawn = await library.store.get(annotation.maskHash);
      drawn.pixels.forEach((value, index) => {
        if (value > 0) mask.pixels[index] = 255;
      });
    }
  }
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  for (const [finding, mask] of byFinding) {
    const base = join(outDir, `image-${imageId}-${safeName(finding)}`);
    writeFileSync(`${base}.png`, await encodeGrayPng(mask));
    writeFileSync(`${base}.nii`, niftiOfSlice(mask, image.pixelSpacing ?? [1, 1]));
    files.push(`${base}.png`, `${base}.nii`);
  }
  return files;
}
