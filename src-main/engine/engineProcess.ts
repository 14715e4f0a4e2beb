import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Forks a second engine process running `moduleUrl` (a sibling .ts under tsx, .js once built),
 * with structured-clone IPC so typed arrays travel without JSON.
 */
export function forkEngineProcess(moduleUrl: URL): ChildProcess {
  const fromSource = moduleUrl.pathname.endsWith('.ts');
  return fork(fileURLToPath(moduleUrl), [], {
    serialization: 'advanced',
    execArgv: fromSource ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The sibling module's URL, with the extension this code runs from. */
export function siblingModule(name: string, base: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}
