import { afterEach, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerImportCommand } from '../../src-main/cli/commands/import.ts';
import { registerExportCommand } from '../../src-main/cli/commands/export.ts';
import { Library } from '../../src-main/library/library.ts';
import { gradient8, tempDir, writePng } from './fixtures/rasters.ts';

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

afterEach(() => {
  process.exitCode = undefined;
});

it('anomap import prints progress on stderr and a summary naming each failed file and why', async () => {
  const dir = tempDir();
  await writePng(join(dir, 'good.png'), 12, 12, gradient8(12, 12, 1));
  writeFileSync(join(dir, 'broken.png'), 'not a png');
  const libraryDir = join(dir, 'library');
  const stdout = capture();
  const stderr = capture();
  const program = new Command('anomap').exitOverride();
  registerImportCommand(program, { stdout: stdout.stream, stderr: stderr.stream });
  await program.parseAsync(
    ['import', '--library', libraryDir, join(dir, 'good.png'), join(dir, 'broken.png')],
    { from: 'user' },
  );

  expect(stderr.text()).toMatch(/import \[#+\.*\]\s+100% 2\/2 ETA/);
  expect(stdout.text()).toContain(
    'imported 1 (1 new studies, 1 slices), 0 duplicates, 0 skipped, 1 failed',
  );
  expect(stdout.text()).toContain(
    `  ${join(dir, 'broken.png')}: the content is text, not an image`,
  );
  expect(process.exitCode).toBe(2);
  const library = Library.open(libraryDir);
  expect(library.listStudies({ offset: 0, limit: 10 }).total).toBe(1);
  library.close();

  const exported = capture();
  const exporter = new Command('anomap').exitOverride();
  registerExportCommand(exporter, { stdout: exported.stream });
  await exporter.parseAsync(
    ['export', '--library', libraryDir, '--out', join(dir, 'out'), '--audit'],
    { from: 'user' },
  );
  expect(exported.text()).toMatch(/audit: 1 entries/);
  expect(existsSync(join(dir, 'out', 'audit.csv'))).toBe(true);
});

it('anomap import refuses a malformed --slices option', async () => {
  const program = new Command('anomap').exitOverride().configureOutput({ writeErr: () => {} });
  registerImportCommand(program, { stdout: capture().stream, stderr: capture().stream });
  await expect(
    program.parseAsync(['import', '--slices', 'x,y', 'a.nii'], { from: 'user' }),
  ).rejects.toThrow(/all, middle or a list/);
});
