/**
 * The engine process in the app: Electron's utilityProcess (a Node child that Electron manages,
 * without a second copy of Electron's browser parts), behind the runner's SpawnEngine interface.
 */
import type { UtilityProcess } from 'electron';
import { createTail } from '../jobs/index.ts';
import type { SpawnEngine } from '../jobs/index.ts';

type Fork = (modulePath: string, args?: string[], options?: Electron.ForkOptions) => UtilityProcess;

export function utilityProcessEngine(fork: Fork, workerPath: string): SpawnEngine {
  return () => {
    const child = fork(workerPath, [], { stdio: 'pipe', serviceName: 'Anomap engine' });
    const stderr = createTail();
    child.stderr?.on('data', (chunk: Buffer | string) => {
      stderr.push(chunk.toString());
      process.stderr.write(chunk);
    });
    child.stdout?.on('data', (chunk: Buffer | string) => process.stdout.write(chunk));
    child.on('error', (type, location) => stderr.push(`\n${type} at ${location}`));
    let exited = false;
    return {
      send: (message) => {
        if (!exited) child.postMessage(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) =>
        child.on('exit', (code) => {
          exited = true;
          listener({ code, signal: null, stderrTail: stderr.text() });
        }),
      kill: () => {
        if (!exited) child.kill();
      },
    };
  };
}
