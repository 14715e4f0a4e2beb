import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Library } from '../../../src-main/library/library.ts';
import { importPaths } from '../../../src-main/library/import/importPaths.ts';
import { concat, dicomBytes, encodeElement, item } from '../fixtures/dicom.ts';
import { tempDir } from '../fixtures/rasters.ts';

let library: Library | undefined;
afterEach(() => library?.close());

function openLibrary(): { library: Library; dir: string } {
  const dir = tempDir();
  library = Library.open(join(dir, 'library'));
  return { library, dir };
}

async function firstPixel(lib: Library, imageId: number): Promise<number> {
  return (await lib.getImagePixels(imageId)).pixels[0];
}

const uniform = (value: number, count = 16) => new Uint16Array(count).fill(value);

/** A sequence of items, each a data set of explicit VR little endian elements. */
function sequence(tag: [number, number], items: Uint8Array[]): ReturnType<typeof encodeElement> {
  return encodeElement(
    { tag, vr: 'SQ', value: concat(items.map((bytes) => item(0xe000, bytes))) },
    true,
    true,
  );
}

const ds = (tag: [number, number], values: number[]) =>
  encodeElement({ tag, vr: 'DS', value: values.join('\\') }, true, true);

describe('DICOM signature', () => {
  it('reads a Part-10 file whose preamble starts with a TIFF magic number as DICOM', async () => {
    const { library, dir } = openLibrary();
    const bytes = Buffer.from(dicomBytes({ width: 4, height: 4, pixels: uniform(321) }));
    bytes.set([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0], 0); // a dual-personality TIFF/DICOM preamble
    writeFileSync(join(dir, 'scan.tif'), bytes);
    const summary = await importPaths(library, [join(dir, 'scan.tif')]);
    expect(summary).toMatchObject({ imported: 1, failed: [] });
    const [listed] = library.listStudies({ offset: 0, limit: 1 }).studies;
    const study = library.getStudy(listed.id);
    expect(await firstPixel(library, study.images[0].id)).toBe(321);
  });

  it('reads a bare implicit VR data set whatever the file is called', async () => {
    const { library, dir } = openLibrary();
    const bare = dicomBytes({
      transferSyntax: '1.2.840.10008.1.2',
      width: 4,
      height: 4,
      pixels: uniform(77),
      withPreamble: false,
    });
    writeFileSync(join(dir, 'slice.png'), bare);
    const summary = await importPaths(library, [join(dir, 'slice.png')]);
    expect(summary).toMatchObject({ imported: 1, failed: [] });
  });
});

describe('DICOM series geometry', () => {
  it('orders the slices of a series by position along the normal, not by file name or Instance Number', async () => {
    const { library, dir } = openLibrary();
    const cos = 0.8660254;
    const orientation: [number, number, number, number, number, number] = [1, 0, 0, 0, cos, 0.5];
    const normal = [0, -0.5, cos];
    // File name order a, b, c; instance order 1, 2, 3; spatial order c, a, b.
    const layout = [
      { name: 'a.dcm', instance: 1, distance: 4, value: 200 },
      { name: 'b.dcm', instance: 2, distance: 8, value: 300 },
      { name: 'c.dcm', instance: 3, distance: -2, value: 100 },
    ];
    for (const { name, instance, distance, value } of layout) {
      const inPlane = [3, 2 * cos, 2 * 0.5]; // the same in-plane offset for every slice
      const position = normal.map((n, i) => +(n * distance + inPlane[i]).toFixed(4)) as [
        number,
        number,
        number,
      ];
      writeFileSync(
        join(dir, name),
        dicomBytes({
          width: 4,
          height: 4,
          instanceNumber: instance,
          position,
          orientation,
          pixels: uniform(value),
        }),
      );
    }
    const summary = await importPaths(
      library,
      layout.map(({ name }) => join(dir, name)),
    );
    expect(summary).toMatchObject({ imported: 3, studies: 1, failed: [] });
    const [listed] = library.listStudies({ offset: 0, limit: 1 }).studies;
    const images = library.getStudy(listed.id).images;
    expect(images.map((image) => image.sliceIndex)).toEqual([0, 1, 2]);
    const values = await Promise.all(images.map((image) => firstPixel(library, image.id)));
    expect(values).toEqual([100, 200, 300]);
    // Positions are rounded to 0.1 um; the fixture's were rounded to 4 decimals on the way in.
    const positions = images.map((image) => image.slicePositionMm!);
    [-2, 4, 8].forEach((expected, i) => expect(positions[i]).toBeCloseTo(expected, 3));
    expect(images.map((image) => image.sliceSpacingMm)).toEqual([5, 5, 5]); // median of 6 and 4
  });

  it('gives the same stack for a series whatever order its files are read in', async () => {
    // Six axial slices 1.5 mm apart, files named and numbered against their order in space.
    const z = [0, 1.5, 3, 4.5, 6, 7.5];
    const written = [3, 0, 5, 1, 4, 2];
    const stacks: { values: number[]; positions: (number | null)[] }[] = [];
    for (const readOrder of [written, [...written].reverse()]) {
      const { library, dir } = openLibrary();
      const paths = readOrder.map((slice, file) => {
        const path = join(dir, `file${(file * 7) % 6}-${slice}.dcm`);
        writeFileSync(
          path,
          dicomBytes({
            width: 4,
            height: 4,
            instanceNumber: 10 - slice,
            position: [-50, -60, z[slice]],
            orientation: [1, 0, 0, 0, 1, 0],
            pixels: uniform(100 + slice),
          }),
        );
        return path;
      });
      expect(await importPaths(library, paths)).toMatchObject({ imported: 6, failed: [] });
      const [listed] = library.listStudies({ offset: 0, limit: 1 }).studies;
      const images = library.getStudy(listed.id).images;
      expect(images.map((image) => image.sliceIndex)).toEqual([0, 1, 2, 3, 4, 5]);
      stacks.push({
        values: await Promise.all(images.map((image) => firstPixel(library, image.id))),
        positions: images.map((image) => image.slicePositionMm),
      });
    }
    expect(stacks[0]).toEqual({ values: [100, 101, 102, 103, 104, 105], positions: z });
    expect(stacks[1]).toEqual(stacks[0]);
  });

  it('makes one slice per frame of an enhanced MR object, each with its own position, in spatial order', async () => {
    const { library, dir } = openLibrary();
    const zOfFrame = [10, 0, 5];
    const perFrame = sequence(
      [0x5200, 0x9230],
      zOfFrame.map((z) => sequence([0x0020, 0x9113], [ds([0x0020, 0x0032], [-20, -30, z])])),
    );
    const shared = sequence(
      [0x5200, 0x9229],
      [
        concat([
          sequence([0x0020, 0x9116], [ds([0x0020, 0x0037], [1, 0, 0, 0, 1, 0])]),
          sequence(
            [0x0028, 0x9110],
            [concat([ds([0x0018, 0x0050], [2.5]), ds([0x0028, 0x0030], [0.7, 0.6])])],
          ),
        ]),
      ],
    );
    const pixels = Uint16Array.from({ length: 3 * 16 }, (_, i) => Math.floor(i / 16) + 1);
    writeFileSync(
      join(dir, 'enhanced.dcm'),
      dicomBytes({
        width: 4,
        height: 4,
        frames: 3,
        pixels,
        extra: [
          { tag: [0x5200, 0x9229], vr: 'SQ', value: shared.subarray(12) },
          { tag: [0x5200, 0x9230], vr: 'SQ', value: perFrame.subarray(12) },
        ],
      }),
    );
    const summary = await importPaths(library, [join(dir, 'enhanced.dcm')]);
    expect(summary).toMatchObject({ imported: 1, images: 3, failed: [] });
    const [listed] = library.listStudies({ offset: 0, limit: 1 }).studies;
    const images = library.getStudy(listed.id).images;
    const values = await Promise.all(images.map((image) => firstPixel(library, image.id)));
    expect(values).toEqual([2, 3, 1]); // frames 2, 3, 1 lie at z = 0, 5, 10
    expect(images.map((image) => image.orientation?.imagePositionPatient)).toEqual([
      [-20, -30, 0],
      [-20, -30, 5],
      [-20, -30, 10],
    ]);
    expect(images.map((image) => image.slicePositionMm)).toEqual([0, 5, 10]);
    expect(images[0].sliceSpacingMm).toBe(5);
    expect(images[0].sliceThickness).toBe(2.5);
    expect(images[0].pixelSpacing).toEqual([0.6, 0.7]);
  });
});

describe('DICOM studies are written as they complete', () => {
  it('keeps a finished study when the import is cancelled during the next one', async () => {
    const { library, dir } = openLibrary();
    const files = [
      ['a1.dcm', '1.2.3.100', 1],
      ['a2.dcm', '1.2.3.100', 2],
      ['b1.dcm', '1.2.3.200', 1],
      ['b2.dcm', '1.2.3.200', 2],
    ] as const;
    for (const [name, studyUid, instance] of files)
      writeFileSync(
        join(dir, name),
        dicomBytes({
          width: 4,
          height: 4,
          studyUid,
          instanceNumber: instance,
          pixels: uniform(instance * 10 + name.charCodeAt(0)),
        }),
      );
    const controller = new AbortController();
    const summary = await importPaths(
      library,
      files.map(([name]) => join(dir, name)),
      {
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.phase === 'import' && progress.done === 3) controller.abort();
        },
      },
    );
    expect(summary.cancelled).toBe(true);
    const { studies } = library.listStudies({ offset: 0, limit: 10 });
    expect(studies).toHaveLength(1);
    expect(library.getStudy(studies[0].id).images).toHaveLength(2);
  });
});
