/** Helper of the PACS tests: the CLI run in this process. */
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { registerExportCommand } from '../../src-main/cli/commands/export.ts';
import { registerImportCommand } from '../../src-main/cli/commands/import.ts';

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
