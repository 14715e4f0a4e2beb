import { afterEach, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import type { Library } from '../../../src-main/library/index.ts';
import { exportResultDicom } from '../../../src-main/library/export/exportResultDicom.ts';
import {
  frameOfReference,
  libraryWithDicomResult,
  studyUid,
  writeSlice,
} from '../fixtures/dicomResult.ts';
import { tempDir } from '../fixtures/rasters.ts';

let library: Library | undefined;
afterEach(() => library?.close());

function parse(file: string) {
  return dicomParser.parseDicom(new Uint8Array(readFileSync(file)));
}

// Issue 19, row 1: the exporter re-read the source header at export time, so a file replaced
// after import put its patient into the imported study.
it('keeps the imported patient when the source file was replaced after import', async () => {
  const dir = tempDir();
  const { runId, studyId, ...made } = await libraryWithDicomResult(dir, true);
  library = made.library;
  writeSlice(join(dir, 'slice-1.dcm'), 1, { id: 'BOB-777', name: 'BOB^BOBBY' });
  const { files } = await exportResultDicom(library, runId, studyId, join(dir, 'out'));
  for (const file of files.filter((name) => name.endsWith('.dcm'))) {
    const dataSet = parse(file);
    expect(dataSet.string('x0020000d')).toBe(studyUid);
    expect(dataSet.string('x00100020')).toBe('PAT-042');
    expect(dataSet.string('x00100010')).toBe('Doe^Jane');
    expect(dataSet.string('x00200052')).toBe(frameOfReference);
  }
  // And with the source gone altogether: the same identity, from the library alone.
  rmSync(join(dir, 'slice-1.dcm'));
  const again = await exportResultDicom(library, runId, studyId, join(dir, 'out2'));
  const map = parse(again.files[0]);
  expect(map.string('x00100010')).toBe('Doe^Jane');
  expect(map.string('x00200052')).toBe(frameOfReference);
});

it('keeps the source instances of each image at import', async () => {
  const dir = tempDir();
  const { studyId, ...made } = await libraryWithDicomResult(dir, true, 2);
  library = made.library;
  const stored = library.getDicomIdentity(studyId);
  expect(stored.study?.studyInstanceUid).toBe(studyUid);
  expect(stored.study?.attributes['00100010']).toBe('Doe^Jane');
  const sources = library.getStudy(studyId).images.map((image) => stored.images.get(image.id));
  expect(sources).toHaveLength(2);
  for (const source of sources) {
    expect(source?.frameOfReferenceUid).toBe(frameOfReference);
    expect(source?.frameNumber).toBeNull();
    expect(source?.sopInstanceUid).toMatch(/^[0-9.]+$/);
  }
  expect(sources[0]?.sopInstanceUid).not.toBe(sources[1]?.sopInstanceUid);
});

// Issue 19, row 3: a FIFO at the source path blocked the process in a synchronous open. The
// export must not open the source at all: a writer waiting on the FIFO is never let through.
it('never opens the source file: a FIFO at its path is left alone', async () => {
  const dir = tempDir();
  const { runId, studyId, ...made } = await libraryWithDicomResult(dir, true);
  library = made.library;
  const source = join(dir, 'slice-1.dcm');
  rmSync(source);
  execFileSync('mkfifo', [source]);
  // The writer's open returns only once a reader opens the FIFO; then it exits 0.
  const writer = spawn('sh', ['-c', `printf x > '${source}'`], { stdio: 'ignore' });
  let writerExited = false;
  writer.on('exit', () => (writerExited = true));
  try {
    const { files } = await exportResultDicom(library, runId, studyId, join(dir, 'out'));
    expect(parse(files[0]).string('x00100020')).toBe('PAT-042');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(writerExited).toBe(false);
  } finally {
    if (!writerExited) writer.kill('SIGKILL');
  }
});
