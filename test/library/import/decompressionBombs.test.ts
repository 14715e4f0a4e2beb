/**
 * The hostile corpus's decompression bombs, imported under a memory ceiling (issue 19, row 4):
 * a 9 MB .nii.gz whose header claims 512 x 512 x 1024 float64 (it reached 8.9 GB) is refused
 * on its header before anything is inflated, and a deflated DICOM that inflates 44-fold, inside
 * the ratio cap, to 384 MiB is inflated once into one buffer (three copies and more before).
 * Each import runs in its own process, watched: past the ceiling it is killed and the test fails,
 * so a regression fails here instead of eating the machine.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo } from '../../cli/anomapProcess.ts';
import { writeDeflatedDicomBomb, writeNiftiGzBomb } from '../fixtures/decompressionBombs.ts';
import { tempDir } from '../fixtures/rasters.ts';

/** Peak resident memory the importing process may reach, all of it (Node alone is ~150 MiB). */
const CEILING_BYTES = 1024 * 1024 * 1024;

interface Measured {
  summary: { imported: number; failed: { path: string; reason: string }[] };
  peak: number;
}

/** Resident bytes of a process now (0 once it is gone). */
function residentBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Imports `path` in a child process, killed if its memory passes the ceiling. */
function importWatched(path: string): Promise<Measured> {
  const library = join(tempDir(), 'library');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(repo, 'test/library/fixtures/importMeasured.ts'), library, path],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let highest = 0;
  const watch = setInterval(() => {
    highest = Math.max(highest, residentBytes(child.pid!));
    if (highest > CEILING_BYTES) child.kill('SIGKILL');
  }, 20);
  return new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => {
      clearInterval(watch);
      if (highest > CEILING_BYTES)
        return reject(new Error(`the import passed the ceiling: ${highest >> 20} MiB resident`));
      if (code !== 0) return reject(new Error(`the import ended ${code ?? signal}: ${stderr}`));
      console.log(`${path}: peak resident ${highest >> 20} MiB (ceiling ${CEILING_BYTES >> 20})`);
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as Measured);
    });
  });
}

describe('decompression bombs under a memory ceiling', () => {
  it('refuses a .nii.gz that claims 512 x 512 x 1024 float64 on its header', async () => {
    const path = join(tempDir(), 'claims-2-GiB.nii.gz');
    await writeNiftiGzBomb(path);
    const { summary, peak } = await importWatched(path);
    expect(summary.imported).toBe(0);
    expect(summary.failed).toEqual([
      {
        path,
        reason: expect.stringMatching(
          /^the header claims 268435456 voxels of 8 bytes, \d+ MiB to decode, over the limit of 1024 MiB/,
        ),
      },
    ]);
    expect(peak).toBeLessThan(CEILING_BYTES);
  });

  it('inflates a deflated DICOM inside the ratio cap once, and names what it lacks', async () => {
    const path = join(tempDir(), 'deflated-384-MiB.dcm');
    await writeDeflatedDicomBomb(path, 384);
    const { summary, peak } = await importWatched(path);
    expect(summary.imported).toBe(0);
    expect(summary.failed).toEqual([{ path, reason: expect.stringMatching(/no pixel data/) }]);
    expect(peak).toBeLessThan(CEILING_BYTES);
  });
});
