/**
 * Which slices of a reconstruct job's studies are mapped. The models know the mid-axial slab of
 * a head only (engine/volume/modelDomain.ts): each study's series is judged as one volume, and
 * by default only its in-domain slices are mapped; the others are left out with their reason
 * ("outside the mid-axial slab the models know: ..."), unless the job asks for all slices.
 * Blank slices are always left out.
 */
import { CancelledError } from '../../engine/types.ts';
import type { ReconstructResult } from '../../contract/index.ts';
import type { ImageInfo, Library } from '../../library/index.ts';

type Engine = typeof import('../../engine/index.ts');
type Skipped = ReconstructResult['skipped'][number];

export async function slicesToMap(
  engine: Engine,
  library: Library,
  images: readonly ImageInfo[],
  allSlices: boolean,
  signal?: AbortSignal,
): Promise<{ mapped: ImageInfo[]; skipped: Skipped[] }> {
  const volumes = new Map<string, ImageInfo[]>();
  for (const image of images) {
    const key = `${image.studyId}\u0000${image.seriesUid ?? ''}`;
    const volume = volumes.get(key);
    if (volume) volume.push(image);
    else volumes.set(key, [image]);
  }
  const keep = new Set<number>();
  const skipped: Skipped[] = [];
  for (const slices of volumes.values()) {
    if (signal?.aborted) throw new CancelledError('reconstruction');
    const read = await Promise.all(slices.map((image) => library.getImagePixels(image.id)));
    const verdicts = engine.modelDomain(
      slices.map((image, i) => ({
        pixels: read[i].pixels,
        width: image.width,
        height: image.height,
        pixelSpacing: image.pixelSpacing,
        positionMm: image.slicePositionMm,
      })),
    );
    slices.forEach((image, i) => {
      const verdict = verdicts[i];
      if (verdict.inDomain || (allSlices && verdict.kind !== 'blank')) keep.add(image.id);
      else
        skipped.push({
          studyId: image.studyId,
          imageId: image.id,
          kind: verdict.kind,
          reason: verdict.reason,
        });
    });
  }
  return { mapped: images.filter((image) => keep.has(image.id)), skipped };
}
