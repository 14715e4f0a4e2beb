/** The real command line (`tsx src-main/cli/main.ts ...`) run as a child process, for CLI tests. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const repo = resolve(import.meta.dirname, '../..');
const entry = ['--import', 'tsx', join(repo, 'src-main/cli/main.ts')];

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `anomap ARGS` to the end. */
export function anomap(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...entry, ...args],
      { cwd: repo, timeout: 240_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Starts `anomap ARGS` in its own process group, as a shell starts a foreground command, so a
 * test can send the group a terminal's Ctrl-C (process.kill(-pid, 'SIGINT')).
 */
export function startAnomap(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [...entry, ...args], {
    cwd: repo,
    detached: true,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
