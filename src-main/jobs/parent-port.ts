/**
 * The engine process's line to the runner: Node's IPC channel under `child_process.fork`, or
 * `process.parentPort` under Electron's `utilityProcess`. Worker code sees only this.
 */
import type { FromEngine } from './protocol.ts';

export interface ParentPort {
  post(message: FromEngine): void;
  onMessage(listener: (message: unknown) => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function connectParentPort(): ParentPort {
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      post: (message) => electronPort.postMessage(message),
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data)),
    };
  }
  if (!process.send) throw new Error('the engine worker must be started by the job runner');
  // If the door dies (even by SIGKILL) the channel closes: an orphaned engine stops with it.
  process.once('disconnect', () => process.exit(0));
  return {
    post: (message) => {
      process.send?.(message);
    },
    onMessage: (listener) => process.on('message', listener),
  };
}
