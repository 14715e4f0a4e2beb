import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { join } from 'node:path';
import { Library } from '../../../src-main/library/library.ts';
import { importPaths } from '../../../src-main/library/import/importPaths.ts';
import {
  gradient16,
  gradient8,
  jpegBytes,
  tempDir,
  writeJpeg,
  writePng,
  writeTiff,
} from '../fixtures/rasters.ts';
import { dicomBytes, rleEncode, syntax } from '../fixtures/dicom.ts';
import { niftiBytes } from '../fixtures/nifti.ts';
import { encodeJpegLossless } from '../fixtures/jpegLossless.ts';
import { encodeJpeg2000 } from '../fixtures/jpeg2000.ts';

let library: Library | undefined;
afterEach(() => library?.close());

function openLibrary(): { library: Library; dir: string } {
  const dir = tempDir();
  library = Library.open(join(dir, 'library'), { actor: 'tester' });
  return { library, dir };
}

function meanAbsoluteError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < expected.length; i++) sum += Math.abs(actual[i] - expected[i]);
  return sum / expected.length;
}

async function onlyImage(library: Library) {
  const { studies } = library.listStudies({ offset: 0, limit: 10 });
  expect(studies).toHaveLength(1);
  const study = library.getStudy(studies[0].id);
  return { study, pixels: await library.getImagePixels(study.images[0].id) };
}

describe('import of raster images', () => {
  it('keeps an 8-bit PNG exactly', async () => {
    const { library, dir } = openLibrary();
    const source = gradient8(40, 30, 1);
    const summary = await importPaths(library, [
      await writePng(join(dir, 'a.png'), 40, 30, source),
    ]);
    expect(summary).toMatchObject({ imported: 1, failed: [], studies: 1, images: 1 });
    const { pixels } = await onlyImage(library);
    expect(pixels.bitDepth).toBe(8);
    expect(Array.from(pixels.pixels)).toEqual(Array.from(source));
  });

  it('keeps a 16-bit PNG lossless at 16 bits', async () => {
    const { library, dir } = openLibrary();
    const source = gradient16(33, 21, 2);
    await importPaths(library, [await writePng(join(dir, 'b.png'), 33, 21, source)]);
    const { pixels } = await onlyImage(library);
    expect(pixels.bitDepth).toBe(16);
    expect(Array.from(pixels.pixels)).toEqual(Array.from(source));
  });

  it('keeps a 16-bit TIFF lossless', async () => {
    const { library, dir } = openLibrary();
    const source = gradient16(25, 19, 3);
    await importPaths(library, [await writeTiff(join(dir, 'c.tif'), 25, 19, source)]);
    const { pixels } = await onlyImage(library);
    expect(pixels.bitDepth).toBe(16);
    expect(Array.from(pixels.pixels)).toEqual(Array.from(source));
  });

  it('imports an 8-bit JPEG as grayscale close to its source', async () => {
    const { library, dir } = openLibrary();
    const source = gradient8(32, 32, 0).map((value, i) => (i % 32) * 8);
    await importPaths(library, [await writeJpeg(join(dir, 'd.jpg'), 32, 32, source)]);
    const { pixels } = await onlyImage(library);
    expect(pixels.bitDepth).toBe(8);
    const error = meanAbsoluteError(pixels.pixels, source);
    expect(error).toBeLessThan(4);
  });

  it('turns a colour PNG with alpha into one grayscale channel', async () => {
    const { library, dir } = openLibrary();
    const rgba = new Uint8Array(6 * 4 * 4).map((_, i) => (i % 4 === 3 ? 255 : 90));
    const path = join(dir, 'colour.png');
    await sharp(rgba, { raw: { width: 6, height: 4, channels: 4 } })
      .png()
      .toFile(path);
    await importPaths(library, [path]);
    const { pixels } = await onlyImage(library);
    expect([pixels.width, pixels.height, pixels.bitDepth, pixels.pixels.length]).toEqual([
      6, 4, 8, 24,
    ]);
    expect(new Set(pixels.pixels)).toEqual(new Set([90]));
  });

  it('recognises the same pixels under another name as a duplicate', async () => {
    const { library, dir } = openLibrary();
    const source = gradient8(20, 20, 5);
    const first = await writePng(join(dir, 'first.png'), 20, 20, source);
    const second = await writePng(join(dir, 'second.png'), 20, 20, source);
    const summary = await importPaths(library, [first, second]);
    expect(summary).toMatchObject({ imported: 1, duplicates: 1 });
    const again = await importPaths(library, [first]);
    expect(again).toMatchObject({ imported: 0, duplicates: 1 });
    expect(library.listStudies({ offset: 0, limit: 10 }).total).toBe(1);
  });
});

describe('import of DICOM', () => {
  const width = 12;
  const height = 10;
  const values = Uint16Array.from({ length: width * height }, (_, i) => 100 + i * 7);

  for (const [name, transferSyntax] of [
    ['Explicit VR Little Endian', syntax.explicitLittle],
    ['Implicit VR Little Endian', syntax.implicitLittle],
    ['Explicit VR Big Endian', syntax.explicitBig],
    ['Deflated Explicit VR Little Endian', syntax.deflated],
  ] as const) {
    it(`reads 16-bit ${name} pixels exactly`, async () => {
      const { library, dir } = openLibrary();
      const path = join(dir, 'slice.dcm');
      writeFileSync(path, dicomBytes({ transferSyntax, width, height, pixels: values }));
      const summary = await importPaths(library, [path]);
      expect(summary.failed).toEqual([]);
      const { pixels } = await onlyImage(library);
      expect(Array.from(pixels.pixels)).toEqual(Array.from(values));
    });
  }

  it('reads a bare DICOM data set without the Part-10 preamble', async () => {
    const { library, dir } = openLibrary();
    const path = join(dir, 'bare.dcm');
    writeFileSync(
      path,
      dicomBytes({
        transferSyntax: syntax.implicitLittle,
        width,
        height,
        pixels: values,
        withPreamble: false,
      }),
    );
    const summary = await importPaths(library, [path]);
    expect(summary.failed).toEqual([]);
    const { pixels } = await onlyImage(library);
    expect(Array.from(pixels.pixels)).toEqual(Array.from(values));
  });

  it('reads RLE Lossless pixels exactly', async () => {
    const { library, dir } = openLibrary();
    const path = join(dir, 'rle.dcm');
    writeFileSync(
      path,
      dicomBytes({ transferSyntax: syntax.rle, width, height, fragments: [rleEncode(values, 2)] }),
    );
    const summary = await importPaths(library, [path]);
    expect(summary.failed).toEqual([]);
    const { pixels } = await onlyImage(library);
    expect(Array.from(pixels.pixels)).toEqual(Array.from(values));
  });

  it('reads JPEG Lossless pixels exactly', async () => {
    const { library, dir } = openLibrary();
    const path = join(dir, 'lossless.dcm');
    const fragment = encodeJpegLossless(values, width, height, 16);
    writeFileSync(
      path,
      dicomBytes({ transferSyntax: syntax.jpegLossless, width, height, fragments: [fragment] }),
    );
    const summary = await importPaths(library, [path]);
    expect(summary.failed).toEqual([]);
    const { pixels } = await onlyImage(library);
    expect(Array.from(pixels.pixels)).toEqual(Array.from(values));
  });

  it('reads JPEG 2000 Lossless pixels exactly', async () => {
    const { library, dir } = openLibrary();
    const path = join(dir, 'j2k.dcm');
    const fragment = await encodeJpeg2000(values, width, height);
    writeFileSync(
      path,
      dicomBytes({ transferSyntax: syntax.jpeg2000, width, height, fragments: [fragment] }),
    );
    const summary = await importPaths(library, [path]);
    expect(summary.failed).toEqual([]);
    const { pixels } = await onlyImage(library);
    expect(Array.from(pixels.pixels)).toEqual(Array.from(values));
  });

  it('reads JPEG Baseline pixels close to the source', async () => {
    const { library, dir } = openLibrary();
    const source = Uint8Array.from({ length: 16 * 16 }, (_, i) => (i % 16) * 16);
    const path = join(dir, 'jpeg.dcm');
    writeFileSync(
      path,
      dicomBytes({
        transferSyntax: syntax.jpegBaseline,
        width: 16,
        height: 16,
        bitsAllocated: 8,
        fragments: [new Uint8Array(await jpegBytes(16, 16, source))],
      }),
    );
    const summary = await importPaths(library, [path]);
    expect(summary.failed).toEqual([]);
    const { pixels } = await onlyImage(library);
    expect(pixels.bitDepth).toBe(8);
    const error = meanAbsoluteError(pixels.pixels, source);
    expect(error).toBeLessThan(6);
  });

  it('keeps rescale slope/intercept and signed values as real values, and the window from the header', async () => {
    const { library, dir } = openLibrary();
    const signed = Int16Array.from({ length: width * height }, (_, i) => i * 11 - 500);
    const path = join(dir, 'signed.dcm');
    writeFileSync(
      path,
      dicomBytes({
        width,
        height,
        pixels: signed,
        signed: true,
        rescaleSlope: 2,
        rescaleIntercept: -10,
        windowCenter: 40,
        windowWidth: 400,
        pixelSpacing: [0.5, 0.7],
      }),
    );
    await importPaths(library, [path]);
    const { study, pixels } = await onlyImage(library);
    const real = Array.from(
      pixels.pixels,
      (stored) => stored * pixels.valueSlope + pixels.valueIntercept,
    );
    expect(real).toEqual(Array.from(signed, (value) => value * 2 - 10));
    const image = study.images[0];
    expect([image.windowCenter, image.windowWidth]).toEqual([40, 400]);
    expect(image.pixelSpacing).toEqual([0.7, 0.5]);
    expect(study.studyDate).toBe('2024-01-31');
    expect(study.patientAlias).toBe('PAT-001');
  });

  it('groups slices by study and series, one study per StudyInstanceUID', async () => {
    const { library, dir } = openLibrary();
    const files = [
      { study: '1.9.1', series: '1.9.1.1', instance: 1 },
      { study: '1.9.1', series: '1.9.1.1', instance: 2 },
      { study: '1.9.1', series: '1.9.1.2', instance: 1 },
      { study: '1.9.2', series: '1.9.2.1', instance: 1 },
    ];
    files.forEach((file, n) => {
      const pixels = Uint16Array.from(values, (value) => value + n * 1000);
      writeFileSync(
        join(dir, `s${n}.dcm`),
        dicomBytes({
          width,
          height,
          pixels,
          studyUid: file.study,
          seriesUid: file.series,
          instanceNumber: file.instance,
        }),
      );
    });
    const summary = await importPaths(library, [dir]);
    expect(summary).toMatchObject({ imported: 4, studies: 2, images: 4, failed: [] });
    const page = library.listStudies({ offset: 0, limit: 10 });
    const counts = page.studies.map((study) => study.imageCount).sort();
    expect(counts).toEqual([1, 3]);
    const big = library.getStudy(page.studies.find((study) => study.imageCount === 3)!.id);
    expect(new Set(big.images.map((image) => image.seriesUid))).toEqual(
      new Set(['1.9.1.1', '1.9.1.2']),
    );
  });

  it('reads every frame of a multi-frame file as a slice', async () => {
    const { library, dir } = openLibrary();
    const frames = Uint16Array.from({ length: width * height * 3 }, (_, i) => i);
    const path = join(dir, 'multi.dcm');
    writeFileSync(path, dicomBytes({ width, height, pixels: frames, frames: 3 }));
    await importPaths(library, [path]);
    const [summary] = library.listStudies({ offset: 0, limit: 1 }).studies;
    expect(summary.imageCount).toBe(3);
    const study = library.getStudy(summary.id);
    const last = await library.getImagePixels(study.images[2].id);
    expect(last.pixels[0]).toBe(width * height * 2);
  });
});

describe('import of NIfTI', () => {
  const dims: [number, number, number] = [6, 5, 4];
  const values = Int16Array.from({ length: 6 * 5 * 4 }, (_, i) => i * 3 - 20);
  const voxel = (x: number, y: number, z: number) => values[x + y * 6 + z * 30];

  it('slices a .nii axially by default, exactly, with orientation and spacing kept', async () => {
    const { library, dir } = openLibrary();
    const path = join(dir, 'head.nii');
    writeFileSync(path, niftiBytes({ dims, datatype: 'int16', values, pixdim: [0.9, 0.8, 2] }));
    const summary = await importPaths(library, [path]);
    expect(summary).toMatchObject({ imported: 1, images: 4, failed: [] });
    const [listed] = library.listStudies({ offset: 0, limit: 1 }).studies;
    const study = library.getStudy(listed.id);
    const slice = study.images.find((image) => image.sliceIndex === 2)!;
    expect([slice.width, slice.height]).toEqual([6, 5]);
    expect(slice.pixelSpacing?.map((v) => Math.round(v * 10) / 10)).toEqual([0.9, 0.8]);
    expect(slice.orientation).toMatchObject({ plane: 'axial', sliceAxis: 2, rowsFlipped: true });
    const pixels = await library.getImagePixels(slice.id);
    const real = (x: number, y: number) =>
      pixels.pixels[y * 6 + x] * pixels.valueSlope + pixels.valueIntercept;
    // Rows are flipped so anterior is up: image row 0 is voxel y = 4.
    expect(real(1, 0)).toBe(voxel(1, 4, 2));
    expect(real(3, 4)).toBe(voxel(3, 0, 2));
  });

  it('reads a volume stored with permuted and flipped axes as the same axial stack, inferior first', async () => {
    // The RAS volume above, stored as (z reversed, x reversed, y): voxel (i, j, k) of the file
    // is (x, y, z) = (5 - j, k, 3 - i) of the RAS one.
    const { library, dir } = openLibrary();
    const stored = new Int16Array(values.length);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 6; j++)
        for (let k = 0; k < 5; k++) stored[i + j * 4 + k * 24] = voxel(5 - j, k, 3 - i);
    const path = join(dir, 'permuted.nii');
    const sform: [number[], number[], number[]] = [
      [0, -0.9, 0, 4.5],
      [0, 0, 0.8, 0],
      [-2, 0, 0, 6],
    ];
    writeFileSync(path, niftiBytes({ dims: [4, 6, 5], datatype: 'int16', values: stored, sform }));
    expect(await importPaths(library, [path])).toMatchObject({ imported: 1, failed: [] });
    const permutedStudy = library.getStudy(
      library.listStudies({ offset: 0, limit: 1 }).studies[0].id,
    );
    const stack = (lib: Library, study: typeof permutedStudy) =>
      Promise.all(
        study.images.map(async (image) => [...(await lib.getImagePixels(image.id)).pixels]),
      );
    const permutedStack = await stack(library, permutedStudy);
    expect(permutedStudy.images.map((image) => image.sliceIndex)).toEqual([0, 1, 2, 3]);
    expect(permutedStudy.images.map((image) => image.slicePositionMm)).toEqual([0, 2, 4, 6]);
    expect(permutedStudy.images[0].sliceSpacingMm).toBe(2);
    // The RAS volume in a library of its own (in the same one it is a duplicate: same pixels).
    const other = openLibrary();
    const ras = join(other.dir, 'ras.nii');
    writeFileSync(ras, niftiBytes({ dims, datatype: 'int16', values, pixdim: [0.9, 0.8, 2] }));
    expect(await importPaths(other.library, [ras])).toMatchObject({ imported: 1, failed: [] });
    const rasStudy = other.library.getStudy(
      other.library.listStudies({ offset: 0, limit: 1 }).studies[0].id,
    );
    expect(rasStudy.images.map((image) => image.slicePositionMm)).toEqual([0, 2, 4, 6]);
    expect(await stack(other.library, rasStudy)).toEqual(permutedStack);
    library.close();
  });

  it('refuses an oblique volume, naming the file and the angle', async () => {
    const { library, dir } = openLibrary();
    const path = join(dir, 'oblique.nii');
    const [c, s] = [Math.cos(Math.PI / 4), Math.sin(Math.PI / 4)]; // 45 degrees about x
    const sform: [number[], number[], number[]] = [
      [1, 0, 0, 0],
      [0, c, -s, 0],
      [0, s, c, 0],
    ];
    writeFileSync(path, niftiBytes({ dims, datatype: 'int16', values, sform }));
    const summary = await importPaths(library, [path]);
    expect(summary.imported).toBe(0);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0].path).toBe(path);
    expect(summary.failed[0].reason).toMatch(/oblique: a voxel axis lies 45 degrees off/);
  });

  it('takes chosen coronal slices from a .nii.gz float volume', async () => {
    const { library, dir } = openLibrary();
    const floats = Float32Array.from(values, (value) => value / 4);
    const path = join(dir, 'head.nii.gz');
    writeFileSync(path, niftiBytes({ dims, datatype: 'float32', values: floats, gzip: true }));
    const summary = await importPaths(library, [path], {
      nifti: { plane: 'coronal', slices: [1, 3] },
    });
    expect(summary).toMatchObject({ imported: 1, images: 2, failed: [] });
    const [listed] = library.listStudies({ offset: 0, limit: 1 }).studies;
    const study = library.getStudy(listed.id);
    expect(study.images.map((image) => [image.sliceIndex, image.width, image.height])).toEqual([
      [1, 6, 4],
      [3, 6, 4],
    ]);
    const pixels = await library.getImagePixels(study.images[0].id);
    // Quantised to 16 bits over the volume's range: error below one step.
    const step = pixels.valueSlope;
    const real = pixels.pixels[0] * step + pixels.valueIntercept;
    expect(Math.abs(real - voxel(0, 1, 3) / 4)).toBeLessThanOrEqual(step);
  });
});
