import { basename, dirname, resolve } from 'node:path';
import { ImportError, readFileForImport } from '../../../files/importError.ts';
import { decodeFile } from '../decodeFile.ts';
import { decodeRasterPixels } from '../decodeRaster.ts';
import { maskRegions } from './maskBoxes.ts';
import type { DecodedFile } from '../decoded.ts';
import type { SliceExtras } from '../storeSlices.ts';
import type { Pixels } from '../../pixels.ts';
import type { NewLabel, Verdict } from '../../types.ts';
import { verdicts } from '../../types.ts';
import { restoreFormulaText } from '../../export/csvText.ts';

/** Columns of the brain-mid manifest.csv (one row per mid-axial slice). */
export const brainMidColumns = ['image', 'source', 'split', 'label', 'findings', 'finding_masks'];

export function isBrainMidHeader(header: string[]): boolean {
  return brainMidColumns.every((column) => header.includes(column));
}

export interface ManifestStudy {
  decoded: DecodedFile;
  extras: SliceExtras;
  label: NewLabel;
}

function list(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(';')
    .map((item) => restoreFormulaText(item.trim()))
    .filter((item) => item !== '');
}

async function readMask(path: string, image: { width: number; height: number }): Promise<Pixels> {
  const bytes = await readFileForImport(path);
  const mask = await decodeRasterPixels(path, bytes);
  if (mask.width !== image.width || mask.height !== image.height) {
    throw new ImportError(
      path,
      `mask is ${mask.width} x ${mask.height}, its image is ${image.width} x ${image.height}`,
    );
  }
  return mask;
}

export function patientAliasOf(imagePath: string): string {
  const name = basename(imagePath).replace(/\.[^.]+$/, '');
  return /IXI\d+/.exec(name)?.[0] ?? name;
}

/**
 * One manifest row: the slice, its verdict and findings, and a box per white region of each
 * finding mask, with the region's shape.
 */
export async function readBrainMidRow(
  csvPath: string,
  line: number,
  cells: Record<string, string>,
): Promise<ManifestStudy> {
  const root = dirname(csvPath);
  if (!cells.image) throw new ImportError(csvPath, `line ${line}: the image column is empty`);
  const imagePath = resolve(root, cells.image);
  const verdict = cells.label as Verdict;
  if (cells.label && !verdicts.includes(verdict)) {
    throw new ImportError(
      csvPath,
      `line ${line}: label "${cells.label}" is not one of ${verdicts.join(', ')}`,
    );
  }
  const findings = list(cells.findings);
  const masks = list(cells.finding_masks);
  if (masks.length > 0 && masks.length !== findings.length) {
    throw new ImportError(
      csvPath,
      `line ${line}: ${findings.length} findings but ${masks.length} finding masks`,
    );
  }
  const decoded = await decodeFile(imagePath);
  const first = decoded.slices[0].image;
  const boxes: SliceExtras['boxes'] = [];
  for (const [index, maskPath] of masks.entries()) {
    const mask = await readMask(resolve(root, maskPath), first);
    // Each region keeps its own shape (bounded by its box), for Review's outline.
    for (const { box, mask: shape } of maskRegions(mask))
      boxes.push({ finding: findings[index], box, mask: shape });
  }
  const brainMask = cells.brain_mask
    ? await readMask(resolve(root, cells.brain_mask), first)
    : null;
  const healthyMask = cells.healthy_mask
    ? await readMask(resolve(root, cells.healthy_mask), first)
    : null;
  decoded.study = {
    ...decoded.study,
    uid: `dataset:${basename(root)}/${cells.image}`,
    patientAlias: patientAliasOf(cells.image),
    source: restoreFormulaText(cells.source ?? '') || decoded.study.source,
    split: restoreFormulaText(cells.split ?? '') || null,
    description: `${basename(root)} ${restoreFormulaText(cells.source ?? '')}`.trim(),
  };
  return {
    decoded,
    extras: { boxes, brainMask, healthyMask },
    label: {
      verdict: cells.label ? verdict : null,
      findings,
      status: cells.label ? 'done' : 'not-reviewed',
    },
  };
}
