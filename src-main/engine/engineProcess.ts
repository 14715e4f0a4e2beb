import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Forks a second engine process running `moduleUrl` (a sibling .ts under tsx, .js once built),
 * with structured-clone IPC so typed arrays travel without JSON.
 *
 * The helper runs in its own process group (detached), so a Ctrl-C in the terminal reaches only
 * the command: the command cancels between steps and stops its helpers itself, instead of a
 * helper dying first and the job failing with "exited with code null". A helper whose parent
 * dies exits when its IPC channel closes (exitWithParent), so none is ever left behind.
 */
export function forkEngineProcess(moduleUrl: URL): ChildProcess {
  const fromSource = moduleUrl.pathname.endsWith('.ts');
  return fork(fileURLToPath(moduleUrl), [], {
    serialization: 'advanced',
    execArgv: fromSource ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
}

/** In a helper process: exit as soon as the parent is gone (its IPC channel closed). */
export function exitWithParent(): void {
  process.on('disconnect', () => process.exit(0));
}

/** The sibling module's URL, with the extension this code runs from. */
export function siblingModule(name: string, base: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}
