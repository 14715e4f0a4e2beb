/** Helpers of the PACS tests: the CLI run in this process, and a scan for leaked secrets. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { registerExportCommand } from '../../src-main/cli/commands/export.ts';
import { registerImportCommand } from '../../src-main/cli/commands/import.ts';
import { orthancUser } from '../fixtures/orthanc.ts';

/** Runs an `anomap` command in this process; answers its stdout, stderr and exit code. */
export async function anomapInProcess(...args: string[]) {
  const program = new Command('anomap').exitOverride();
  const stdout = new PassThrough();
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
  registerImportCommand(program, { stdout, stderr });
  registerExportCommand(program, { stdout });
  process.exitCode = undefined;
  let error: Error | null = null;
  try {
    await program.parseAsync(['node', 'anomap', ...args]);
  } catch (caught) {
    error = caught as Error;
  }
  const code = error ? 1 : (Number(process.exitCode ?? 0) as number);
  process.exitCode = undefined;
  return {
    code,
    error: error?.message ?? '',
    stdout: String(stdout.read() ?? ''),
    stderr: String((stderr as unknown as PassThrough).read() ?? ''),
  };
}

/** Files under a folder that hold the test's password, or its basic-auth form. */
export function secretsIn(dir: string, user = orthancUser): string[] {
  const secrets = [user.password, Buffer.from(`${user.user}:${user.password}`).toString('base64')];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => {
      const text = readFileSync(file).toString('latin1');
      return secrets.some((secret) => text.includes(secret));
    });
}
