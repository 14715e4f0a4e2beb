import dcmjs, { type NaturalDataset } from 'dcmjs';
import type { ImageDicomSource, ImageInfo, StudyDetail } from '../types.ts';
import { keptStudyAttributes } from '../import/dicom/keptAttributes.ts';
import type { StoredDicomIdentity } from '../dicomIdentity.ts';
import { decimalString, newUid } from './writeDicom.ts';

/**
 * DICOM Segmentation and Parametric Map of a study's anomaly maps, the two objects OHIF and
 * other DICOMweb viewers overlay on the source series. Written with dcmjs (the DICOM library
 * OHIF itself reads these objects with): it brings the data dictionary, sequences, the OB/OF
 * encodings and the 1-bit packing our small Secondary Capture writer has none of. Its
 * "derivations" need the source Part-10 data sets, which the exporter must not re-read (issue
 * 19), and its Parametric Map derivation is a stub, so the IOD modules are filled here from
 * what the library kept at import, and dcmjs writes them.
 */

export const segmentationSopClass = '1.2.840.10008.5.1.4.1.1.66.4';
export const parametricMapSopClass = '1.2.840.10008.5.1.4.1.1.30';

/** One slice of the study: its source image, and its map as floats at the source's size. */
export interface DerivedSlice {
  image: ImageInfo;
  source: ImageDicomSource;
  map: Float32Array;
  /** 0/1 per pixel: map above the pixel operating point. */
  mask: Uint8Array;
}

export interface DerivedSeries {
  seriesUid: string;
  seriesNumber: number;
  description: string;
  comment: string;
}

/** Why a study cannot have SEG and PMAP objects, or null when it can. */
export function derivedObjectsRefusal(
  stored: StoredDicomIdentity,
  images: ImageInfo[],
): string | null {
  if (!stored.study?.studyInstanceUid)
    return 'no SEG or PMAP: the study was not imported from DICOM with its identity kept (re-import it)';
  for (const image of images) {
    const source = stored.images.get(image.id);
    if (!source?.sopInstanceUid || !source.sopClassUid || !source.frameOfReferenceUid)
      return `no SEG or PMAP: slice ${image.sliceIndex} has no source instance or frame of reference`;
    if (!numbers(image, 'imageOrientationPatient', 6) || !numbers(image, 'imagePositionPatient', 3))
      return `no SEG or PMAP: slice ${image.sliceIndex} has no position and orientation`;
    if (!image.pixelSpacing)
      return `no SEG or PMAP: slice ${image.sliceIndex} has no pixel spacing`;
  }
  return null;
}

const code = (value: string, scheme: string, meaning: string) => [
  { CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning },
];

function ds(value: number): string {
  return decimalString(value);
}

/** A list of numbers the library kept in an image's orientation (JSON), or null. */
function numbers(image: ImageInfo, key: string, count: number): number[] | null {
  const value = image.orientation?.[key];
  return Array.isArray(value) &&
    value.length === count &&
    value.every((item) => typeof item === 'number' && Number.isFinite(item))
    ? (value as number[])
    : null;
}

/** Patient, study, equipment and frame-of-reference attributes common to both objects. */
function commonModules(
  study: StudyDetail,
  stored: StoredDicomIdentity,
  slices: DerivedSlice[],
  series: DerivedSeries,
): NaturalDataset {
  const kept = stored.study?.attributes ?? {};
  const dataset: NaturalDataset = {};
  for (const { tag, keyword } of keptStudyAttributes) {
    if (keyword === 'SpecificCharacterSet' && !kept[tag]) continue;
    dataset[keyword] = kept[tag] ?? '';
  }
  const now = new Date().toISOString();
  const date = now.slice(0, 10).replace(/-/g, '');
  const time = now.slice(11, 19).replace(/:/g, '');
  const first = slices[0];
  Object.assign(dataset, {
    StudyInstanceUID: stored.study?.studyInstanceUid,
    SeriesInstanceUID: series.seriesUid,
    SeriesNumber: series.seriesNumber,
    SeriesDescription: series.description,
    SOPInstanceUID: newUid(),
    InstanceNumber: 1,
    ContentDate: date,
    ContentTime: time,
    SeriesDate: date,
    SeriesTime: time,
    InstanceCreationDate: date,
    InstanceCreationTime: time,
    Manufacturer: 'Anomap',
    ManufacturerModelName: 'Anomap',
    DeviceSerialNumber: '1',
    SoftwareVersions: '0.1.0',
    FrameOfReferenceUID: first.source.frameOfReferenceUid,
    ImageComments: series.comment,
    Rows: first.image.height,
    Columns: first.image.width,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: slices.length,
    ContentLabel: 'ANOMAP',
    ContentDescription: series.description,
    ContentCreatorName: '',
    BurnedInAnnotation: 'NO',
    ReferencedSeriesSequence: referencedSeries(slices),
  });
  if (!study.uid) throw new Error('a study without a uid');
  return dataset;
}

/** The source instances, grouped by series (Common Instance Reference module). */
function referencedSeries(slices: DerivedSlice[]) {
  const bySeries = new Map<
    string,
    { ReferencedSOPClassUID: string; ReferencedSOPInstanceUID: string }[]
  >();
  for (const { image, source } of slices) {
    const list = bySeries.get(image.seriesUid ?? '') ?? [];
    if (!list.some((item) => item.ReferencedSOPInstanceUID === source.sopInstanceUid))
      list.push({
        ReferencedSOPClassUID: source.sopClassUid ?? '',
        ReferencedSOPInstanceUID: source.sopInstanceUid ?? '',
      });
    bySeries.set(image.seriesUid ?? '', list);
  }
  return [...bySeries].map(([seriesUid, instances]) => ({
    SeriesInstanceUID: seriesUid,
    ReferencedInstanceSequence: instances,
  }));
}

function sourceImage(source: ImageDicomSource, derivation: ReturnType<typeof code>) {
  return [
    {
      SourceImageSequence: [
        {
          ReferencedSOPClassUID: source.sopClassUid,
          ReferencedSOPInstanceUID: source.sopInstanceUid,
          ...(source.frameNumber ? { ReferencedFrameNumber: source.frameNumber } : {}),
          PurposeOfReferenceCodeSequence: code(
            '121322',
            'DCM',
            'Source image for image processing operation',
          ),
        },
      ],
      DerivationCodeSequence: derivation,
    },
  ];
}

/** Pixel measures and orientation, shared by every frame (a slice stack has one of each). */
function sharedGeometry(slices: DerivedSlice[]) {
  const first = slices[0].image;
  const [x, y] = first.pixelSpacing ?? [1, 1];
  return {
    PixelMeasuresSequence: [
      {
        // DICOM gives row spacing (between rows, i.e. along y) first.
        PixelSpacing: [ds(y), ds(x)],
        SliceThickness: ds(first.sliceThickness ?? 1),
      },
    ],
    PlaneOrientationSequence: [
      {
        ImageOrientationPatient: (numbers(first, 'imageOrientationPatient', 6) ?? []).map(ds),
      },
    ],
  };
}

function planePosition(image: ImageInfo) {
  return [{ ImagePositionPatient: (numbers(image, 'imagePositionPatient', 3) ?? []).map(ds) }];
}

function dimensions(second: { pointer: number; group: number; label: string }) {
  const uid = newUid();
  return {
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: uid }],
    DimensionOrganizationType: '3D',
    DimensionIndexSequence: [
      {
        DimensionOrganizationUID: uid,
        DimensionIndexPointer: second.pointer,
        FunctionalGroupPointer: second.group,
        DimensionDescriptionLabel: second.label,
      },
    ],
  };
}

const imagePositionPointer = {
  pointer: 0x00200032,
  group: 0x00209113,
  label: 'ImagePositionPatient',
};

function withMeta(dataset: NaturalDataset, sopClass: string): NaturalDataset {
  dataset.SOPClassUID = sopClass;
  dataset._meta = { TransferSyntaxUID: { Value: ['1.2.840.10008.1.2.1'] } };
  dataset._vrMap = { PixelData: 'OB' };
  return dataset;
}

/**
 * A binary DICOM Segmentation of the study's slices: one segment, "anomaly" (a lesion, coded
 * in SNOMED CT as a morphologically altered structure), one frame per source slice, each frame
 * referencing its source instance and placed at its position.
 */
export function segmentationObject(
  study: StudyDetail,
  stored: StoredDicomIdentity,
  slices: DerivedSlice[],
  series: DerivedSeries,
  threshold: number,
): Buffer {
  const dataset = commonModules(study, stored, slices, series);
  const { width, height } = slices[0].image;
  const bits = new Uint8Array(width * height * slices.length);
  slices.forEach((slice, i) => bits.set(slice.mask, i * width * height));
  const packed = dcmjs.data.BitArray.pack(bits);
  const segmentDimension = uidDimensions(imagePositionPointer);
  Object.assign(dataset, {
    Modality: 'SEG',
    ImageType: ['DERIVED', 'PRIMARY'],
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: 'BINARY',
    ...segmentDimension,
    SegmentSequence: [
      {
        SegmentNumber: 1,
        SegmentLabel: 'Anomaly',
        SegmentDescription: `Anomaly map above the pixel operating point ${ds(threshold)}`,
        SegmentAlgorithmType: 'AUTOMATIC',
        SegmentAlgorithmName: 'Anomap',
        SegmentedPropertyCategoryCodeSequence: code(
          '49755003',
          'SCT',
          'Morphologically Altered Structure',
        ),
        SegmentedPropertyTypeCodeSequence: code('52988006', 'SCT', 'Lesion'),
        RecommendedDisplayCIELabValue: [54534, 55956, 52640],
      },
    ],
    SharedFunctionalGroupsSequence: [sharedGeometry(slices)],
    PerFrameFunctionalGroupsSequence: slices.map((slice, i) => ({
      DerivationImageSequence: sourceImage(slice.source, code('113076', 'DCM', 'Segmentation')),
      FrameContentSequence: [{ DimensionIndexValues: [1, i + 1] }],
      PlanePositionSequence: planePosition(slice.image),
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: 1 }],
    })),
    PixelData: packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.byteLength),
  });
  return dcmjs.data.datasetToBuffer(withMeta(dataset, segmentationSopClass));
}

/** Segment number first, then position: the SEG's two dimensions. */
function uidDimensions(position: typeof imagePositionPointer) {
  const base = dimensions(position);
  const uid = base.DimensionOrganizationSequence[0].DimensionOrganizationUID;
  return {
    ...base,
    DimensionIndexSequence: [
      {
        DimensionOrganizationUID: uid,
        DimensionIndexPointer: 0x0062000b,
        FunctionalGroupPointer: 0x0062000a,
        DimensionDescriptionLabel: 'ReferencedSegmentNumber',
      },
      ...base.DimensionIndexSequence,
    ],
  };
}

/**
 * A Parametric Map of the float anomaly map (32-bit float pixels, identity real-world value
 * mapping, no units), one frame per source slice at its position.
 */
export function parametricMapObject(
  study: StudyDetail,
  stored: StoredDicomIdentity,
  slices: DerivedSlice[],
  series: DerivedSeries,
): Buffer {
  const dataset = commonModules(study, stored, slices, series);
  const { width, height } = slices[0].image;
  const floats = new Float32Array(width * height * slices.length);
  slices.forEach((slice, i) => floats.set(slice.map, i * width * height));
  let min = Infinity;
  let max = -Infinity;
  for (const value of floats) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  Object.assign(dataset, {
    Modality: study.modality || 'MR',
    ImageType: ['DERIVED', 'PRIMARY', 'VOLUME', 'NONE'],
    RecognizableVisualFeatures: 'NO',
    AcquisitionContextSequence: [],
    BitsAllocated: 32,
    LossyImageCompression: '00',
    PresentationLUTShape: 'IDENTITY',
    ...dimensions(imagePositionPointer),
    ContentQualification: 'RESEARCH',
    SharedFunctionalGroupsSequence: [
      {
        ...sharedGeometry(slices),
        FrameAnatomySequence: [
          { AnatomicRegionSequence: code('12738006', 'SCT', 'Brain'), FrameLaterality: 'U' },
        ],
        ParametricMapFrameTypeSequence: [{ FrameType: ['DERIVED', 'PRIMARY', 'VOLUME', 'NONE'] }],
        PixelValueTransformationSequence: [
          { RescaleIntercept: 0, RescaleSlope: 1, RescaleType: 'US' },
        ],
        FrameVOILUTSequence: [
          {
            WindowCenter: ds((min + max) / 2),
            WindowWidth: ds(Math.max(max - min, 1e-6)),
            // Map values are small floats: a window under 1 needs the exact linear function.
            VOILUTFunction: 'LINEAR_EXACT',
          },
        ],
        RealWorldValueMappingSequence: [
          {
            RealWorldValueIntercept: 0,
            RealWorldValueSlope: 1,
            DoubleFloatRealWorldValueFirstValueMapped: min,
            DoubleFloatRealWorldValueLastValueMapped: max,
            LUTExplanation: 'Anomap anomaly map',
            LUTLabel: 'ANOMALY',
            MeasurementUnitsCodeSequence: code('1', 'UCUM', 'no units'),
          },
        ],
      },
    ],
    PerFrameFunctionalGroupsSequence: slices.map((slice, i) => ({
      DerivationImageSequence: sourceImage(slice.source, code('110001', 'DCM', 'Image Processing')),
      FrameContentSequence: [{ DimensionIndexValues: [i + 1] }],
      PlanePositionSequence: planePosition(slice.image),
    })),
    FloatPixelData: floats.buffer,
  });
  const written = withMeta(dataset, parametricMapSopClass);
  written._vrMap = {};
  return dcmjs.data.datasetToBuffer(written);
}
