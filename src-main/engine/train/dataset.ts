import { dirname, resolve } from 'node:path';
import sharp from 'sharp';
import {
  BlankSliceError,
  preprocessSlice,
  resampleMaskToSlice,
  type SliceTransform,
} from '../anomaly/preprocess.ts';
// The library's readers of untrusted files: one rule (regular files, size caps, CSV) for both.
import { printable, readFileForImport, reasonOf } from '../../files/importError.ts';
import { importLimits } from '../../files/limits.ts';
import { readCsvTable, type CsvTable } from '../../files/csv.ts';

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

/**
 * Reads a brain-mid style manifest.csv with the library import's reader: a regular file under
 * the manifest size cap (a device, FIFO or socket is refused, never waited on), parsed as CSV
 * with the file's own line numbers. A malformed row is an error naming the file and line.
 */
export async function readDatasetManifest(csvPath: string): Promise<DatasetCase[]> {
  let table: CsvTable;
  try {
    const bytes = await readFileForImport(csvPath, { maxBytes: importLimits.maxManifestBytes });
    table = readCsvTable(bytes.toString('utf8'));
  } catch (error) {
    throw new Error(
      `${printable(csvPath)}: cannot read the dataset manifest (${reasonOf(error)})`,
      {
        cause: error,
      },
    );
  }
  const { header } = table;
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new Error(`${csvPath}: missing column(s) ${missing.join(', ')}`);
  const root = dirname(resolve(csvPath));
  const at = (path: string) => resolve(root, path);
  const list = (value: string | undefined) =>
    (value ?? '')
      .split(';')
      .map((v) => v.trim())
      .filter(Boolean);
  return table.rows.map(({ line, cells: row, cellCount }) => {
    if (cellCount !== header.length)
      throw new Error(`${csvPath}:${line}: expected ${header.length} columns, found ${cellCount}`);
    if (row.label !== 'normal' && row.label !== 'pathological')
      throw new Error(
        `${csvPath}:${line}: label must be normal or pathological, found "${printable(row.label)}"`,
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
    // Read as a bounded regular file first: sharp would open a FIFO and wait on it.
    const image = sharp(await readFileForImport(path), { limitInputPixels: 64_000_000 });
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
    throw new Error(`${printable(path)}: cannot read the image (${reasonOf(error)})`, {
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

/** A case a training left out, and why. */
export interface SkippedCase {
  image: string;
  reason: string;
}

/**
 * Prepares many cases with a bounded number of files open at once. With `onBlank`, a blank slice
 * (nothing to normalise) is left out and told to it, so one blank slice does not fail a training;
 * without, it is an error naming the image.
 */
export async function prepareCases(
  items: DatasetCase[],
  size: number,
  onBlank?: (skipped: SkippedCase) => void,
): Promise<PreparedCase[]> {
  const out: (PreparedCase | null)[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = await prepareCase(items[i], size);
      } catch (error) {
        if (!(error instanceof BlankSliceError)) throw error;
        if (!onBlank)
          throw new Error(`${printable(items[i].image)}: ${error.message}`, { cause: error });
        onBlank({ image: items[i].image, reason: error.message });
        out[i] = null;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return out.filter((prepared) => prepared !== null);
}
