import { basename } from 'node:path';
import dicomParser from 'dicom-parser';
import sharp from 'sharp';
import { Decoder as JpegLosslessDecoder } from 'jpeg-lossless-decoder-js';
import {
  ImportCancelled,
  ImportError,
  errorText,
  throwIfCancelled,
} from '../../../files/importError.ts';
import { tooLarge } from '../../../files/limits.ts';
import { inflateDataSet } from './inflateDataSet.ts';
import type { DecodedFile, DecodedSlice } from '../decoded.ts';
import { transferSyntax, type TransferSyntax } from './transferSyntaxes.ts';
import { decodeRleFrame } from './decodeRle.ts';
import { decodeJpeg2000Frame } from './decodeJpeg2000.ts';
import { decodeJpegLsFrame } from './decodeJpegLs.ts';
import { decodeJpeg12Frame } from './decodeJpeg12.ts';
import { framePixels, swapBytes16, type SampleFormat } from './framePixels.ts';
import { checkFrameCount } from './frameCount.ts';
import { frameGeometry, numbers } from './frameGeometry.ts';
import { checkJpegFrameSize, jpegPrecision } from './jpegFrameSize.ts';
import { imageSourceOf, studyIdentityOf } from './keptAttributes.ts';

type DataSet = dicomParser.DataSet;

const tag = {
  transferSyntax: 'x00020010',
  patientId: 'x00100020',
  patientName: 'x00100010',
  studyUid: 'x0020000d',
  seriesUid: 'x0020000e',
  studyDate: 'x00080020',
  modality: 'x00080060',
  studyDescription: 'x00081030',
  seriesDescription: 'x0008103e',
  instanceNumber: 'x00200013',
  samplesPerPixel: 'x00280002',
  photometric: 'x00280004',
  frames: 'x00280008',
  rows: 'x00280010',
  columns: 'x00280011',
  pixelSpacing: 'x00280030',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  pixelRepresentation: 'x00280103',
  windowCenter: 'x00281050',
  windowWidth: 'x00281051',
  rescaleIntercept: 'x00281052',
  rescaleSlope: 'x00281053',
  sliceThickness: 'x00180050',
  pixelData: 'x7fe00010',
} as const;

function parse(
  path: string,
  bytes: Buffer,
  hasPreamble: boolean,
  inflated: Buffer | null,
): DataSet {
  try {
    return dicomParser.parseDicom(bytes, {
      // Files without the Part-10 preamble are read as Implicit VR Little Endian, the default.
      ...(hasPreamble ? {} : { TransferSyntaxUID: '1.2.840.10008.1.2' }),
      // Inflated ahead, streamed and capped (inflateDataSet.ts); never inflated here.
      inflater: () => {
        if (!inflated) throw new Error('the deflated data set was not inflated');
        return inflated;
      },
    } as dicomParser.ParseDicomOptions);
  } catch (error) {
    const message = errorText(error);
    throw new ImportError(
      path,
      `not a readable DICOM file (it may be truncated or corrupt): ${message}`,
    );
  }
}

function formatDate(date: string | undefined): string | null {
  if (!date || !/^\d{8}$/.test(date)) return null;
  return `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;
}

/**
 * DICOM: rescale kept in the value scale, window from the header, one slice per frame (with
 * each frame's own position in enhanced objects), grouped by study and series.
 */
export async function decodeDicom(
  path: string,
  bytes: Buffer,
  hasPreamble: boolean,
  signal?: AbortSignal,
): Promise<DecodedFile> {
  const inflated = hasPreamble ? await inflateDataSet(path, bytes) : null;
  const dataSet = parse(path, bytes, hasPreamble, inflated);
  const syntax = transferSyntax(dataSet.string(tag.transferSyntax) ?? '1.2.840.10008.1.2');
  if (syntax.encoding === 'unsupported') {
    throw new ImportError(
      path,
      `unsupported transfer syntax ${syntax.name} (${syntax.uid}): no decoder for it is installed; convert the file to an uncompressed, JPEG Lossless or JPEG 2000 syntax first`,
    );
  }
  const pixelElement = dataSet.elements[tag.pixelData];
  if (!pixelElement) throw new ImportError(path, 'the DICOM file has no pixel data (not an image)');
  const format = sampleFormat(path, dataSet);
  const frameCount = dataSet.intString(tag.frames) ?? 1;
  const refusal =
    tooLarge(format.width, format.height, Number.isFinite(frameCount) ? frameCount : 1) ??
    checkFrameCount(dataSet, pixelElement, frameCount, format);
  if (refusal) throw new ImportError(path, refusal);

  const spacing = numbers(dataSet, tag.pixelSpacing, 2);
  const instance = dataSet.intString(tag.instanceNumber) ?? 0;
  const slices: DecodedSlice[] = [];
  for (let frame = 0; frame < frameCount; frame++) {
    throwIfCancelled(signal);
    const geometry = frameGeometry(dataSet, frame);
    slices.push({
      image: await decodeFrame(path, dataSet, pixelElement, frame, frameCount, format, syntax),
      sliceIndex: frameCount > 1 ? frame : instance,
      seriesUid: dataSet.string(tag.seriesUid) ?? null,
      dicom: imageSourceOf(dataSet, frame, frameCount),
      seriesDescription: dataSet.string(tag.seriesDescription) ?? null,
      // DICOM gives row spacing first; ours is [x, y].
      pixelSpacing: geometry.spacing
        ? [geometry.spacing[1], geometry.spacing[0]]
        : spacing
          ? [spacing[1], spacing[0]]
          : null,
      sliceThickness: geometry.thickness ?? dataSet.floatString(tag.sliceThickness) ?? null,
      windowCenter: dataSet.floatString(tag.windowCenter, 0) ?? null,
      windowWidth: dataSet.floatString(tag.windowWidth, 0) ?? null,
      orientation:
        geometry.orientation || geometry.position
          ? {
              imageOrientationPatient: geometry.orientation,
              imagePositionPatient: geometry.position,
            }
          : null,
    });
  }
  return { path, study: studyOf(path, dataSet), slices };
}

async function decodeFrame(
  path: string,
  dataSet: DataSet,
  pixelElement: dicomParser.Element,
  frame: number,
  frameCount: number,
  format: SampleFormat,
  syntax: TransferSyntax,
): Promise<DecodedSlice['image']> {
  try {
    const frameBytes = await readFrame(dataSet, pixelElement, frame, frameCount, format, syntax);
    return framePixels(frameBytes, format);
  } catch (error) {
    if (error instanceof ImportError || error instanceof ImportCancelled) throw error;
    const message = errorText(error);
    throw new ImportError(
      path,
      `cannot decode ${syntax.name} pixel data of frame ${frame + 1}: ${message}`,
    );
  }
}

function studyOf(path: string, dataSet: DataSet): DecodedFile['study'] {
  const studyUid = dataSet.string(tag.studyUid);
  return {
    uid: studyUid ? `dicom:${studyUid}` : `dicom-file:${path}`,
    patientAlias:
      dataSet.string(tag.patientId) ?? dataSet.string(tag.patientName) ?? basename(path),
    studyDate: formatDate(dataSet.string(tag.studyDate)),
    modality: dataSet.string(tag.modality) ?? null,
    description: dataSet.string(tag.studyDescription) ?? null,
    source: 'dicom',
    originPath: path,
    dicom: studyIdentityOf(dataSet),
  };
}

function sampleFormat(path: string, dataSet: DataSet): SampleFormat {
  const width = dataSet.uint16(tag.columns) ?? 0;
  const height = dataSet.uint16(tag.rows) ?? 0;
  if (width === 0 || height === 0)
    throw new ImportError(path, 'the DICOM header gives no image size (Rows/Columns)');
  const samples = dataSet.uint16(tag.samplesPerPixel) ?? 1;
  if (samples !== 1) {
    const photometric = dataSet.string(tag.photometric) ?? 'unknown';
    throw new ImportError(
      path,
      `colour DICOM images (${photometric}, ${samples} samples per pixel) are not supported; MRI is grayscale`,
    );
  }
  const bitsAllocated = dataSet.uint16(tag.bitsAllocated) ?? 16;
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw new ImportError(
      path,
      `${bitsAllocated}-bit DICOM pixel data is not supported (8 or 16 bits)`,
    );
  }
  const bitsStored = dataSet.uint16(tag.bitsStored) ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated) {
    throw new ImportError(
      path,
      `Bits Stored ${bitsStored} does not fit Bits Allocated ${bitsAllocated}`,
    );
  }
  const slope = dataSet.floatString(tag.rescaleSlope) ?? 1;
  return {
    width,
    height,
    bitsAllocated,
    bitsStored,
    signed: dataSet.uint16(tag.pixelRepresentation) === 1,
    rescaleSlope: slope === 0 ? 1 : slope,
    rescaleIntercept: dataSet.floatString(tag.rescaleIntercept) ?? 0,
  };
}

async function readFrame(
  dataSet: DataSet,
  element: dicomParser.Element,
  frame: number,
  frameCount: number,
  format: SampleFormat,
  syntax: TransferSyntax,
): Promise<Uint8Array> {
  const bytesPerSample = format.bitsAllocated / 8;
  const frameLength = format.width * format.height * bytesPerSample;
  if (!element.encapsulatedPixelData) {
    if (syntax.encoding !== 'native-little-endian' && syntax.encoding !== 'native-big-endian') {
      throw new Error(`${syntax.name} pixel data must be encapsulated`);
    }
    const start = element.dataOffset + frame * frameLength;
    const available = dataSet.byteArray.length - start;
    if (available < frameLength) {
      throw new Error(
        `pixel data is truncated: frame needs ${frameLength} bytes, the file has ${Math.max(0, available)}`,
      );
    }
    const native = new Uint8Array(
      dataSet.byteArray.buffer,
      dataSet.byteArray.byteOffset + start,
      frameLength,
    );
    return syntax.encoding === 'native-big-endian' && bytesPerSample === 2
      ? swapBytes16(native)
      : native;
  }
  const compressed = encapsulatedFrame(dataSet, element, frame, frameCount);
  const pixelCount = format.width * format.height;
  switch (syntax.encoding) {
    case 'rle':
      return decodeRleFrame(compressed, pixelCount, bytesPerSample);
    case 'jpeg-lossless': {
      // The decoder allocates what its frame header claims: check that against the DICOM header.
      checkJpegFrameSize(compressed, format);
      // A copy with its own ArrayBuffer: the fragment may be a view into the whole file.
      const copy = Uint8Array.from(compressed);
      const decoded = new JpegLosslessDecoder().decompress(copy.buffer, 0, copy.length);
      return new Uint8Array(decoded);
    }
    case 'jpeg-2000':
      return decodeJpeg2000Frame(compressed, format);
    case 'jpeg-ls':
      return decodeJpegLsFrame(compressed, format);
    case 'jpeg-baseline':
    case 'jpeg-extended':
      return decodeJpegDct(compressed, format);
    default:
      throw new Error(`${syntax.name} pixel data is not expected to be encapsulated`);
  }
}

function encapsulatedFrame(
  dataSet: DataSet,
  element: dicomParser.Element,
  frame: number,
  frameCount: number,
): Uint8Array {
  const fragments = element.fragments ?? [];
  if (fragments.length === 0) throw new Error('encapsulated pixel data has no fragments');
  if (frameCount === 1) {
    return dicomParser.readEncapsulatedPixelDataFromFragments(
      dataSet,
      element,
      0,
      fragments.length,
    );
  }
  if ((element.basicOffsetTable ?? []).length === frameCount) {
    return dicomParser.readEncapsulatedImageFrame(dataSet, element, frame);
  }
  if (fragments.length === frameCount) {
    return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, frame, 1);
  }
  throw new Error('cannot tell which fragments belong to which frame (no offset table)');
}

/**
 * JPEG Baseline and Extended (DCT, Huffman): 8-bit samples through sharp's libjpeg, 12-bit
 * samples of Extended through Cornerstone's decoder (sharp's libjpeg build has no 12-bit).
 */
async function decodeJpegDct(compressed: Uint8Array, format: SampleFormat): Promise<Uint8Array> {
  checkJpegFrameSize(compressed, format);
  const precision = jpegPrecision(compressed);
  if (precision === 12) return decodeJpeg12Frame(compressed, format);
  if (precision !== 8 || format.bitsAllocated !== 8)
    throw new Error(
      `${precision}-bit JPEG (DCT) samples in ${format.bitsAllocated}-bit pixels cannot be decoded (8 or 12 bits)`,
    );
  const { data, info } = await sharp(compressed, {
    limitInputPixels: format.width * format.height,
  })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== format.width || info.height !== format.height) {
    throw new Error(
      `JPEG frame is ${info.width} x ${info.height}, the header says ${format.width} x ${format.height}`,
    );
  }
  return new Uint8Array(data);
}
