import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Library } from '../../src-main/library/index.ts';

export interface LibraryFixture {
  dir: string;
  library: Library;
  studyId: number;
  imageId: number;
  hash: string;
  pixels: Uint16Array;
  cleanup(): void;
}

/** A library in a temporary folder holding one 16-bit 8 x 4 study, made here and now. */
export async function libraryWithOneStudy(): Promise<LibraryFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'anomap-api-'));
  const library = Library.open(join(dir, 'library'), { actor: 'tester' });
  const pixels = new Uint16Array(32).map((_, i) => i * 1000);
  const hash = await library.store.put({ width: 8, height: 4, bitDepth: 16, pixels });
  const added = library.addStudy({
    study: { uid: 'study-1', patientAlias: 'P1', split: 'test', source: 'fixture' },
    images: [
      {
        hash,
        width: 8,
        height: 4,
        bitDepth: 16,
        originalPath: '/scan/p1.png',
        valueSlope: 1,
        valueIntercept: 0,
      },
    ],
  });
  return {
    dir,
    library,
    studyId: added.studyId,
    imageId: added.imageIds[0],
    hash,
    pixels,
    cleanup() {
      library.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
