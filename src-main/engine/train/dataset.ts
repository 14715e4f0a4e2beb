import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import sharp from 'sharp';
import {
  preprocessSlice,
  resampleMaskToSlice,
  type SliceTransform,
} from '../anomaly/preprocess.ts';

/** One row of a dataset manifest in the brain-mid format (paths resolved against its folder). */
export interface DatasetCase {
  image: string;
  source: string;
  split: string;
  label: 'normal' | 'pathological';
  findings: string[];
  findingMasks: string[];
  brainMask: string | null;
  healthyMask: string | null;
}

const REQUIRED_COLUMNS = ['image', 'source', 'split', 'label'];

/** Reads a brain-mid style manifest.csv; a malformed row is an error naming the file and line. */
export async function readDatasetManifest(csvPath: string): Promise<DatasetCase[]> {
  const text = await readFile(csvPath, 'utf8').catch((error: Error) => {
    throw new Error(`${csvPath}: cannot read the dataset manifest (${error.message})`);
  });
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new Error(`${csvPath}: the manifest is empty`);
  const header = lines[0].split(',').map((h) => h.trim());
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new Error(`${csvPath}: missing column(s) ${missing.join(', ')}`);
  const root = dirname(resolve(csvPath));
  const at = (path: string) => resolve(root, path);
  const list = (value: string | undefined) =>
    (value ?? '')
      .split(';')
      .map((v) => v.trim())
      .filter(Boolean);
  return lines.slice(1).map((line, index) => {
    const cells = line.split(',');
    if (cells.length !== header.length)
      throw new Error(
        `${csvPath}:${index + 2}: expected ${header.length} columns, found ${cells.length}`,
      );
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i].trim()]));
    if (row.label !== 'normal' && row.label !== 'pathological')
      throw new Error(
        `${csvPath}:${index + 2}: label must be normal or pathological, found "${row.label}"`,
      );
    return {
      image: at(row.image),
      source: row.source,
      split: row.split,
      label: row.label,
      findings: list(row.findings),
      findingMasks: list(row.finding_masks).map(at),
      brainMask: row.brain_mask ? at(row.brain_mask) : null,
      healthyMask: row.healthy_mask ? at(row.healthy_mask) : null,
    };
  });
}

/** Decoded grayscale pixels of an image file, 8 or 16 bit, one channel. */
export async function readGrayscale(path: string) {
  try {
    const image = sharp(path, { limitInputPixels: 64_000_000 });
    const meta = await image.metadata();
    const sixteenBit = meta.depth === 'ushort';
    const { data, info } = sixteenBit
      ? await image
          .toColourspace('grey16')
          .raw({ depth: 'ushort' })
          .toBuffer({ resolveWithObject: true })
      : await image.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    const pixels = sixteenBit
      ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (info.channels !== 1)
      throw new Error(`expected 1 channel after conversion, got ${info.channels}`);
    return { pixels, width: info.width, height: info.height };
  } catch (error) {
    throw new Error(`${path}: cannot read the image (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** A case ready for the engine: the S x S slice and its masks on the same grid. */
export interface PreparedCase {
  case: DatasetCase;
  pixels: Float32Array;
  transform: SliceTransform;
  /** Union of the finding boxes (pathological cases), else null. */
  findingMask: Uint8Array | null;
  perFinding: { name: string; mask: Uint8Array }[];
  healthyMask: Uint8Array | null;
  brainMask: Uint8Array | null;
}

export async function prepareCase(item: DatasetCase, size: number): Promise<PreparedCase> {
  const image = await readGrayscale(item.image);
  const { pixels, transform } = preprocessSlice(image.pixels, image.width, image.height, size);
  const loadMask = async (path: string) => {
    const mask = await readGrayscale(path);
    if (mask.width !== image.width || mask.height !== image.height)
      throw new Error(
        `${path}: mask is ${mask.width}x${mask.height}, image is ${image.width}x${image.height}`,
      );
    const binary = Uint8Array.from(mask.pixels, (v) => (v > 0 ? 1 : 0));
    return resampleMaskToSlice(binary, image.width, image.height, transform);
  };
  const perFinding = await Promise.all(
    item.findingMasks.map(async (path, i) => ({
      name: item.findings[i] ?? 'finding',
      mask: await loadMask(path),
    })),
  );
  let findingMask: Uint8Array | null = null;
  if (perFinding.length) {
    findingMask = new Uint8Array(size * size);
    for (const { mask } of perFinding)
      for (let i = 0; i < mask.length; i++) findingMask[i] |= mask[i];
  }
  return {
    case: item,
    pixels,
    transform,
    findingMask,
    perFinding,
    healthyMask: item.healthyMask ? await loadMask(item.healthyMask) : null,
    brainMask: item.brainMask ? await loadMask(item.brainMask) : null,
  };
}

/** Prepares many cases with a bounded number of files open at once. */
export async function prepareCases(items: DatasetCase[], size: number): Promise<PreparedCase[]> {
  const out: PreparedCase[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await prepareCase(items[i], size);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return out;
}
