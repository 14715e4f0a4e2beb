import type dicomParser from 'dicom-parser';

type DataSet = dicomParser.DataSet;

const tag = {
  pixelSpacing: 'x00280030',
  sliceThickness: 'x00180050',
  imagePosition: 'x00200032',
  imageOrientation: 'x00200037',
  sharedGroups: 'x52009229',
  perFrameGroups: 'x52009230',
  planePosition: 'x00209113',
  planeOrientation: 'x00209116',
  pixelMeasures: 'x00289110',
} as const;

export interface FrameGeometry {
  /** Image Position Patient (mm) of the frame's first pixel. */
  position: number[] | null;
  /** Image Orientation Patient: row then column direction cosines. */
  orientation: number[] | null;
  /** Pixel Spacing as DICOM gives it: row spacing, then column spacing (mm). */
  spacing: number[] | null;
  thickness: number | null;
}

/** `count` finite decimal strings of an element, or null. */
export function numbers(dataSet: DataSet, element: string, count: number): number[] | null {
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const value = dataSet.floatString(element, i);
    if (value === undefined || !Number.isFinite(value)) return null;
    values.push(value);
  }
  return values;
}

/** The first item of a sequence inside a functional group, if there is one. */
function item(group: DataSet | undefined, sequence: string): DataSet | undefined {
  return group?.elements[sequence]?.items?.[0]?.dataSet;
}

/**
 * Where one frame lies. Enhanced MR (and other enhanced objects) keep it per frame in the
 * Per-Frame Functional Groups, with what all frames share in the Shared Functional Groups;
 * classic objects keep it at the top level for their one frame.
 */
export function frameGeometry(dataSet: DataSet, frame: number): FrameGeometry {
  const perFrame = dataSet.elements[tag.perFrameGroups]?.items?.[frame]?.dataSet;
  const shared = dataSet.elements[tag.sharedGroups]?.items?.[0]?.dataSet;
  const fromGroups = (sequence: string, element: string, count: number) => {
    for (const group of [perFrame, shared]) {
      const inner = item(group, sequence);
      const values = inner ? numbers(inner, element, count) : null;
      if (values) return values;
    }
    return null;
  };
  const measures = item(perFrame, tag.pixelMeasures) ?? item(shared, tag.pixelMeasures);
  return {
    position:
      fromGroups(tag.planePosition, tag.imagePosition, 3) ?? numbers(dataSet, tag.imagePosition, 3),
    orientation:
      fromGroups(tag.planeOrientation, tag.imageOrientation, 6) ??
      numbers(dataSet, tag.imageOrientation, 6),
    spacing: fromGroups(tag.pixelMeasures, tag.pixelSpacing, 2),
    thickness: measures?.floatString(tag.sliceThickness) ?? null,
  };
}
