/**
 * The CLI checks reconstruction settings with the api's schema (issue 19, row 11): what a job's
 * settings may not hold, `anomap reconstruct` and `anomap evaluate` refuse too, naming the
 * option, before any model is loaded; `--batch 0` is a clear error, not a TypeError.
 */
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { JobSpecSchema, RECONSTRUCTION_PRESETS } from '../../src-main/contract/index.ts';
import { registerEvaluateCommand } from '../../src-main/cli/commands/evaluate.ts';
import { registerReconstructCommand } from '../../src-main/cli/commands/reconstruct.ts';
import { registerTrainCommand } from '../../src-main/cli/commands/train.ts';

/** What `anomap ARGS` fails with, parsed in this process; models are never reached. */
async function refusal(...args: string[]): Promise<Error> {
  const program = new Command('anomap').exitOverride();
  program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerReconstructCommand(program);
  registerEvaluateCommand(program);
  registerTrainCommand(program);
  for (const command of program.commands)
    command.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  const error = await program
    .parseAsync(['node', 'anomap', ...args, '--models', '/nonexistent/models', '--out', '/tmp/x'])
    .then(() => null)
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

const apiRefuses = (settings: Record<string, unknown>) =>
  !JobSpecSchema.safeParse({
    kind: 'reconstruct',
    studyIds: [1],
    settings: { ...RECONSTRUCTION_PRESETS.fast, ...settings },
  }).success;

describe('reconstruction options on the command line', () => {
  for (const [option, value, setting] of [
    ['--scale', '-1e308', { guidanceScale: -1e308 }],
    ['--draws', '1e9', { noiseDraws: 1e9 }],
    ['--noise-level', '1000', { noiseLevel: 1000 }],
    ['--stride', '0', { stride: 0 }],
    ['--encoding', 'magic', { encoding: 'magic' }],
  ] as const)
    it(`refuses ${option} ${value} as the api refuses it`, async () => {
      expect(apiRefuses(setting)).toBe(true);
      for (const command of ['reconstruct', 'evaluate']) {
        const args = command === 'reconstruct' ? [command, 'x.png'] : [command];
        const error = await refusal(...args, option, value);
        expect(error.message).toContain(option);
        expect(error.message).not.toMatch(/ENOENT|nonexistent/);
      }
    });

  it('refuses --batch 0 with a clear error, in every command that takes one', async () => {
    for (const args of [['reconstruct', 'x.png'], ['evaluate'], ['train', 'diffusion']]) {
      const error = await refusal(...args, '--batch', '0');
      expect(error).toBeInstanceOf(CommanderError);
      expect(error.message).toMatch(/--batch.*not a batch size \(1 to 1024\)/);
    }
  });

  it('lets settings the api takes through to the models', async () => {
    const error = await refusal('reconstruct', 'x.png', '--scale', '50', '--draws', '3');
    expect(error.message).toMatch(/nonexistent/);
  });
});
