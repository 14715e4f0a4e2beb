/**
 * `anomap serve --port 0` in its own process, through its commander command as the CLI runs
 * it; resolves with the address it prints. For end-to-end tests of browser mode.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const repositoryRoot = resolve(import.meta.dirname, '../..');

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Calls the api over HTTP with the launch token, as any door does; a refusal throws. */
  call<T>(method: string, params: object): Promise<T>;
  /** Stops the server (SIGTERM, as Ctrl-C would) and waits for the process to end. */
  stop(): Promise<void>;
}

function apiCaller(url: string): ServeProcess['call'] {
  const token = new URL(url).searchParams.get('token') ?? '';
  return async <T>(method: string, params: object): Promise<T> => {
    const response = await fetch(new URL(`/api/call/${method}`, url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-anomap-token': token },
      body: JSON.stringify(params),
    });
    const body = (await response.json()) as T;
    if (!response.ok) throw new Error(`${method}: ${JSON.stringify(body)}`);
    return body;
  };
}

/** `diagnostics` lets the server run selftest jobs (the real command never does). */
export function startServeProcess(
  libraryDir: string,
  rendererDir: string,
  modelsDir?: string,
  diagnostics = false,
): Promise<ServeProcess> {
  const models = modelsDir ? `, '--models', ${JSON.stringify(modelsDir)}` : '';
  const program = `
    import { Command } from 'commander';
    import { registerServeCommand } from './src-main/cli/commands/serve.ts';
    const program = new Command('anomap');
    registerServeCommand(program, { diagnostics: ${diagnostics} });
    await program.parseAsync(['node', 'anomap', 'serve', '--port', '0', '--library', ${JSON.stringify(libraryDir)}, '--renderer', ${JSON.stringify(rendererDir)}${models}]);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((found, fail) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const printed = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (printed) found({ child, url: printed[1], call: apiCaller(printed[1]), stop });
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => fail(new Error(`anomap serve exited (${code}): ${err}`)));
  });
}
