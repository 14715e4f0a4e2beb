/**
 * Every transfer syntax the importer reads, written by an encoder that is not ours (dcmtk, the
 * OFFIS DICOM toolkit scanners' software is tested against) from one native 12-bit MR slice,
 * and one 8-bit slice for JPEG Baseline. dcmtk is a Debian package (apt-get install dcmtk);
 * without it these tests fail, saying so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import { Library } from '../../../src-main/library/library.ts';
import { importPaths } from '../../../src-main/library/import/importPaths.ts';
import { dicomBytes } from '../fixtures/dicom.ts';
import { dcmtk, nativeSamples } from '../fixtures/dcmtk.ts';
import { tempDir } from '../fixtures/rasters.ts';

let library: Library | undefined;
afterEach(() => library?.close());

const width = 32;
const height = 24;
const twelveBit = Uint16Array.from(
  { length: width * height },
  (_, i) => ((i % width) * 120 + Math.floor(i / width) * 41 + ((i * 7919) % 89)) & 0xfff,
);
const eightBit = Uint8Array.from(twelveBit, (v) => v >> 4);

/** [tool, arguments, transfer syntax written, largest error allowed against the reference]. */
const variants: [string, string[], string, number][] = [
  ['dcmconv', ['+ti'], '1.2.840.10008.1.2', 0],
  ['dcmconv', ['+te'], '1.2.840.10008.1.2.1', 0],
  ['dcmconv', ['+tb'], '1.2.840.10008.1.2.2', 0],
  ['dcmconv', ['+td'], '1.2.840.10008.1.2.1.99', 0],
  ['dcmcrle', [], '1.2.840.10008.1.2.5', 0],
  ['dcmcjpeg', ['+el'], '1.2.840.10008.1.2.4.57', 0],
  ['dcmcjpeg', ['+e1'], '1.2.840.10008.1.2.4.70', 0],
  ['dcmcjpeg', ['+ee'], '1.2.840.10008.1.2.4.51', 1],
  ['dcmcjpls', ['+el'], '1.2.840.10008.1.2.4.80', 0],
  ['dcmcjpls', ['+en', '+md', '2'], '1.2.840.10008.1.2.4.81', 0],
];

async function importedValues(path: string): Promise<number[]> {
  const dir = tempDir();
  library = Library.open(join(dir, 'library'));
  const summary = await importPaths(library, [path]);
  expect(summary.failed, path).toEqual([]);
  const [listed] = library.listStudies({ offset: 0, limit: 1 }).studies;
  const image = library.getStudy(listed.id).images[0];
  const pixels = await library.getImagePixels(image.id);
  return Array.from(pixels.pixels, (v) =>
    Math.round(v * pixels.valueSlope + pixels.valueIntercept),
  );
}

describe('DICOM files written by dcmtk, in every transfer syntax read here', () => {
  for (const [tool, args, syntax, allowed] of variants) {
    it(`reads ${syntax} from ${tool} ${args.join(' ')} as dcmtk decodes it`, async () => {
      const dir = tempDir();
      const native = join(dir, 'native.dcm');
      const encoded = join(dir, 'encoded.dcm');
      const reference = join(dir, 'reference.dcm');
      writeFileSync(native, dicomBytes({ width, height, bitsStored: 12, pixels: twelveBit }));
      dcmtk(tool, [...args, native, encoded]);
      expect(dicomParser.parseDicom(readFileSync(encoded)).string('x00020010')).toBe(syntax);
      // dcmtk's own decoding is the reference: exact for lossless syntaxes, and for lossy ones
      // the same decoded values (to within `allowed`, for IDCT rounding).
      const decoder = tool === 'dcmcjpls' ? 'dcmdjpls' : tool === 'dcmcjpeg' ? 'dcmdjpeg' : null;
      if (decoder) dcmtk(decoder, [encoded, reference]);
      else if (tool === 'dcmcrle') dcmtk('dcmdrle', [encoded, reference]);
      else dcmtk('dcmconv', ['+te', encoded, reference]);
      const expected = nativeSamples(reference);
      const ours = await importedValues(encoded);
      const worst = Math.max(...ours.map((v, i) => Math.abs(v - expected[i])));
      expect(worst).toBeLessThanOrEqual(allowed);
      if (syntax !== '1.2.840.10008.1.2.4.51' && syntax !== '1.2.840.10008.1.2.4.81')
        expect(ours).toEqual(Array.from(twelveBit));
    });
  }

  it('reads 8-bit JPEG Baseline from dcmcjpeg +eb as dcmtk decodes it, to within 1', async () => {
    const dir = tempDir();
    const native = join(dir, 'native8.dcm');
    const encoded = join(dir, 'baseline.dcm');
    const reference = join(dir, 'reference.dcm');
    writeFileSync(native, dicomBytes({ width, height, bitsAllocated: 8, pixels: eightBit }));
    dcmtk('dcmcjpeg', ['+eb', native, encoded]);
    dcmtk('dcmdjpeg', [encoded, reference]);
    const dataSet = dicomParser.parseDicom(readFileSync(reference));
    const element = dataSet.elements.x7fe00010;
    const expected = Array.from(
      dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length),
    );
    const ours = await importedValues(encoded);
    expect(Math.max(...ours.map((v, i) => Math.abs(v - expected[i])))).toBeLessThanOrEqual(1);
  });
});
