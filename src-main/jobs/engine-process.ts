/**
 * The engine runs in a separate process so a long or crashing job never blocks or kills the
 * door. This file abstracts how that process is spawned: `child_process.fork` here (CLI and
 * browser mode); the Electron app passes its own spawner built on `utilityProcess`.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ToEngine } from './protocol.ts';

export interface EngineExit {
  code: number | null;
  signal: string | null;
  /** The last lines the process wrote to stderr, to explain a crash. */
  stderrTail: string;
}

export interface EngineProcess {
  send(message: ToEngine): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (exit: EngineExit) => void): void;
  kill(): void;
}

export type SpawnEngine = () => EngineProcess;

const STDERR_TAIL_CHARS = 4000;

/** Keeps the end of a stream, so a crash report shows the last words of the process. */
export function createTail(limit = STDERR_TAIL_CHARS): {
  push(chunk: string): void;
  text(): string;
} {
  let tail = '';
  return {
    push(chunk) {
      tail = (tail + chunk).slice(-limit);
    },
    text: () => tail.trim(),
  };
}

/** The engine worker next to this file: worker.ts under tsx, worker.js once built. */
export function defaultWorkerPath(): string {
  const here = fileURLToPath(import.meta.url);
  return here.replace(/engine-process\.(ts|js)$/, 'worker.$1');
}

/** Spawns the engine worker with `child_process.fork` (Node's IPC channel). */
export function forkEngine(workerPath = defaultWorkerPath()): SpawnEngine {
  return () => {
    // A .ts worker (development, tests) needs tsx's loader; the built .js runs as is.
    const execArgv = workerPath.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const child = fork(workerPath, [], { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    const stderr = createTail();
    child.on('error', (error) => stderr.push(`\n${error.message}`));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr.push(chunk);
      process.stderr.write(chunk);
    });
    return {
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => {
        // 'close' (not 'exit') so stderr is fully read before the crash is reported.
        child.on('close', (code, signal) => listener({ code, signal, stderrTail: stderr.text() }));
      },
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  };
}
