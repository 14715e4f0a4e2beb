/**
 * The engine reads a models folder as the import reads files (issue 19, row 10): a manifest,
 * preset or weights file that links to /dev/zero or is a FIFO is refused at once, naming it,
 * never read without end or waited on.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src-main/engine/models.ts';
import { readPreset } from '../../src-main/engine/preset.ts';

const dir = mkdtempSync(join(tmpdir(), 'anomap-model-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('model files that are not regular files', () => {
  it('refuses a model manifest linked to /dev/zero', async () => {
    const model = join(dir, 'diffusion');
    mkdirSync(model);
    symlinkSync('/dev/zero', join(model, 'manifest.json'));
    await expect(loadModel(model)).rejects.toThrow(
      /manifest\.json: cannot read the model manifest \(a device, not a regular file/,
    );
  });

  it('refuses a preset that is a FIFO without waiting for a writer', async () => {
    const fifo = join(dir, 'preset.json');
    execFileSync('mkfifo', [fifo]);
    await expect(readPreset(fifo)).rejects.toThrow(
      /preset\.json: cannot read the preset \(a FIFO \(named pipe\), not a regular file/,
    );
  }, 5_000);
});
