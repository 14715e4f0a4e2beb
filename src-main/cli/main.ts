#!/usr/bin/env node
import { Command } from 'commander';
import { packageRoot, packageVersion } from '../api/index.ts';
import { CancelledError } from '../engine/types.ts';
import { registerCalibrateCommand } from './commands/calibrate.ts';
import { registerEvaluateCommand } from './commands/evaluate.ts';
import { registerExportCommand } from './commands/export.ts';
import { registerImportCommand } from './commands/import.ts';
import { registerImportResultsCommand } from './commands/importResults.ts';
import { registerPruneCommand } from './commands/prune.ts';
import { registerReconstructCommand } from './commands/reconstruct.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerSweepCommand } from './commands/sweep.ts';
import { registerTrainCommand } from './commands/train.ts';
import { terminalText } from './terminalText.ts';

const program = new Command('anomap')
  .description('Anomap: anomaly maps for brain MRI by classifier-guided DDIM reconstruction')
  .version(packageVersion(packageRoot()))
  .showHelpAfterError()
  // Commander's own errors quote the arguments as given: control characters and all.
  .configureOutput({ outputError: (text, write) => write(terminalText(text)) });

registerImportCommand(program);
registerTrainCommand(program);
registerReconstructCommand(program);
registerImportResultsCommand(program);
registerEvaluateCommand(program);
registerSweepCommand(program);
registerCalibrateCommand(program);
registerExportCommand(program);
registerPruneCommand(program);
registerServeCommand(program);

program.parseAsync(process.argv).catch((error: Error) => {
  // A Ctrl-C (or any cancel) is no failure: the command stopped between steps, as asked.
  if (error instanceof CancelledError) {
    process.stderr.write(`\nanomap: cancelled\n`);
    process.exit(130);
  }
  process.stderr.write(`\nanomap: ${terminalText(error.message)}\n`);
  process.exit(1);
});
