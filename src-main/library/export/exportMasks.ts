import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Library } from '../library.ts';
import type { Pixels } from '../pixels.ts';
import type { Annotation } from '../types.ts';
import { encodeGrayPng } from '../store.ts';
import { niftiOfSlice } from './writeNifti.ts';

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** An empty 8-bit mask on an image's grid. */
export function emptyMask(image: { width: number; height: number }): Pixels {
  return {
    width: image.width,
    height: image.height,
    bitDepth: 8,
    pixels: new Uint8Array(image.width * image.height),
  };
}

/** Paints an annotation (a filled box, or a drawn mask) into `mask` as 255; false if it is empty. */
export async function paintAnnotation(
  library: Library,
  annotation: Annotation,
  mask: Pixels,
): Promise<boolean> {
  if (annotation.box) {
    const { x, y, width, height } = annotation.box;
    for (let row = y; row < y + height; row++)
      mask.pixels.fill(255, row * mask.width + x, row * mask.width + x + width);
    return true;
  }
  if (!annotation.maskHash) return false;
  const drawn = await library.store.get(annotation.maskHash);
  drawn.pixels.forEach((value, index) => {
    if (value > 0) mask.pixels[index] = 255;
  });
  return true;
}

/**
 * One mask per finding of an image, on the image's grid: boxes filled, mask annotations merged
 * (255 = finding). Annotations without a finding go under 'unspecified'.
 */
async function findingMasksOf(library: Library, imageId: number): Promise<Map<string, Pixels>> {
  const image = library.getImage(imageId);
  const byFinding = new Map<string, Pixels>();
  for (const annotation of library.listAnnotations(imageId)) {
    const finding = annotation.finding ?? 'unspecified';
    const mask = byFinding.get(finding) ?? emptyMask(image);
    byFinding.set(finding, mask);
    await paintAnnotation(library, annotation, mask);
  }
  return byFinding;
}

/**
 * One mask per finding of an image, written as an 8-bit PNG and a NIfTI. Returns the files
 * written.
 */
export async function exportMasks(
  library: Library,
  imageId: number,
  outDir: string,
): Promise<string[]> {
  const image = library.getImage(imageId);
  const byFinding = await findingMasksOf(library, imageId);
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
