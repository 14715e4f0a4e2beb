import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import dicomParser from 'dicom-parser';
import { expect, it } from 'vitest';
import { registerExportCommand } from '../../src-main/cli/commands/export.ts';
import { libraryWithDicomResult, studyUid } from '../library/fixtures/dicomResult.ts';
import { tempDir } from '../library/fixtures/rasters.ts';

/** Runs `anomap export ARGS` in this process; answers what it wrote to stdout. */
async function exportCli(...args: string[]): Promise<string> {
  const program = new Command('anomap').exitOverride();
  const stdout = new PassThrough();
  registerExportCommand(program, { stdout });
  await program.parseAsync(['node', 'anomap', 'export', ...args]);
  return String(stdout.read() ?? '');
}

it('anomap export --run ID --dicom writes each study of the run as DICOM and a NIfTI mask', async () => {
  const dir = tempDir();
  const { library, runId, studyId } = await libraryWithDicomResult(dir, true);
  library.close();
  const out = join(dir, 'out');
  const text = await exportCli(
    '--library',
    join(dir, 'library'),
    '--out',
    out,
    '--run',
    String(runId),
    '--dicom',
  );
  expect(text).toContain(`dicom: 3 files for 1 studies in ${join(out, 'dicom')}`);
  const folder = join(out, 'dicom', `study-${studyId}`);
  const names = readdirSync(folder).sort();
  expect(names).toEqual([
    expect.stringMatching(/-anomaly-map\.dcm$/),
    expect.stringMatching(/-mask\.nii\.gz$/),
    expect.stringMatching(/-reconstruction\.dcm$/),
  ]);
  const map = dicomParser.parseDicom(new Uint8Array(readFileSync(join(folder, names[0]))));
  expect(map.string('x0020000d')).toBe(studyUid);
  await expect(
    exportCli('--library', join(dir, 'library'), '--out', out, '--dicom', '--audit'),
  ).rejects.toThrow('--dicom exports a run');
});
