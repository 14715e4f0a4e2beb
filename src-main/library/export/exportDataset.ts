import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Library } from '../library.ts';
import { encodeGrayPng } from '../store.ts';
import type { StudySummary } from '../types.ts';
import { emptyMask, paintAnnotation } from './exportMasks.ts';
import { neutraliseFormula, startsLikeFormula } from './csvText.ts';

/** The columns of a brain-mid style dataset manifest, as the engine's training and evaluation read it. */
const COLUMNS = [
  'image',
  'source',
  'split',
  'label',
  'findings',
  'finding_masks',
  'brain_mask',
  'healthy_mask',
];

export interface DatasetExportOptions {
  /**
   * The split written for a study; by default its own split. Returning null leaves the study
   * out.
   */
  splitOf?: (study: StudySummary, verdict: 'normal' | 'pathological') => string | null;
}

export interface DatasetExport {
  manifestPath: string;
  /** Rows written (one per image). */
  images: number;
  normal: number;
  pathological: number;
  /** Finding masks written (one per box or mask annotation). */
  findingMasks: number;
}

/**
 * Writes the library's labelled studies as a dataset manifest (brain-mid format) in `outDir`, so
 * training and evaluation read the radiologist's labels rather than a file made elsewhere.
 *
 * - Studies with the verdict normal or pathological are written; unlabelled and uncertain ones
 *   are not. The verdict is the reader's own once the reader has labelled the study, else the
 *   reference's (the label that came with an imported dataset); likewise the boxes.
 * - Images point into the library's store (nothing is copied); each box or mask annotation of a
 *   pathological study becomes one finding mask PNG under `outDir/masks`.
 * - In a pathological study with annotations, only the annotated images are written (the others
 *   may well be normal slices); without annotations, every image carries the study's verdict.
 * - Boxes on a study labelled normal are ignored: the verdict is the label.
 * The manifest is written to a temporary name and renamed, so a reader never sees half a file.
 */
export async function exportDataset(
  library: Library,
  outDir: string,
  options: DatasetExportOptions = {},
): Promise<DatasetExport> {
  const out = resolve(outDir);
  mkdirSync(join(out, 'masks'), { recursive: true });
  const lines = [COLUMNS.join(',')];
  const written: DatasetExport = {
    manifestPath: join(out, 'manifest.csv'),
    images: 0,
    normal: 0,
    pathological: 0,
    findingMasks: 0,
  };
  for (const verdict of ['normal', 'pathological'] as const) {
    for (const studyId of library.studiesByVerdict(verdict)) {
      const study = library.getStudy(studyId);
      const summary = study;
      const split = options.splitOf ? options.splitOf(summary, verdict) : (summary.split ?? '');
      if (split === null) continue;
      // The reader's boxes where the reader drew any, else those that came with the reference.
      const boxes = study.annotations.length > 0 ? study.annotations : study.referenceAnnotations;
      const annotated = new Set(boxes.map((a) => a.imageId));
      const images =
        verdict === 'pathological' && annotated.size > 0
          ? study.images.filter((image) => annotated.has(image.id))
          : study.images;
      for (const image of images) {
        const findings: string[] = [];
        const masks: string[] = [];
        if (verdict === 'pathological')
          for (const annotation of boxes.filter((a) => a.imageId === image.id)) {
            const mask = emptyMask(image);
            if (!(await paintAnnotation(library, annotation, mask))) continue;
            const file = join(out, 'masks', `image-${image.id}-annotation-${annotation.id}.png`);
            writeFileSync(file, await encodeGrayPng(mask));
            findings.push(cell(annotation.finding ?? 'unspecified'));
            masks.push(file);
            written.findingMasks++;
          }
        const storePath = (hash: string | null) => (hash ? library.store.pathOf(hash) : '');
        lines.push(
          [
            storePath(image.hash),
            cell(summary.source ?? ''),
            cell(split),
            verdict,
            findings.join(';'),
            masks.join(';'),
            storePath(image.brainMaskHash),
            storePath(image.healthyMaskHash),
          ]
            .map((field) => checkedPath(field, out))
            .join(','),
        );
        written.images++;
        written[verdict]++;
      }
    }
  }
  const temporary = `${written.manifestPath}.tmp`;
  writeFileSync(temporary, `${lines.join('\n')}\n`);
  renameSync(temporary, written.manifestPath);
  return written;
}

/**
 * A name inside the manifest: the reader splits on commas and lists on semicolons, and a
 * spreadsheet must not run it as a formula (our reader takes the quote off again).
 */
function cell(text: string): string {
  return neutraliseFormula(text.replace(/[,;"\r\n]+/g, ' ').trim());
}

/** Paths cannot be rewritten like names: a library folder whose path has a comma is refused. */
function checkedPath(field: string, out: string): string {
  if (/[,"\r\n]/.test(field) || startsLikeFormula(field))
    throw new Error(
      `${out}: the dataset manifest cannot hold "${field}" (a comma, quote or line break in a path, or a path a spreadsheet would run as a formula); move the library to a folder without one`,
    );
  return field;
}
