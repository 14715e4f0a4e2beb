/**
 * A long-lived contender process of the interleaved benchmark, asked one request at a time
 * over JSON lines (engineWorker.ts, torch_peer.py). Lines on its stdout without REPLY_PREFIX
 * are someone else's output (a guidance process inherits stdout) and go to our stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPLY_PREFIX, type Contender } from './interleave.ts';

export interface WorkerReply {
  type: string;
  message?: string;
  [key: string]: unknown;
}

export class ContenderProcess {
  private pending: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | null = null;
  private exited: Error | null = null;

  private constructor(
    readonly contender: Contender,
    private readonly child: ChildProcess,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith(REPLY_PREFIX)) {
        process.stderr.write(`[${contender}] ${line}\n`);
        return;
      }
      const waiting = this.pending;
      this.pending = null;
      const reply = JSON.parse(line.slice(REPLY_PREFIX.length)) as WorkerReply;
      if (reply.type === 'error')
        waiting?.reject(new Error(`${contender} contender: ${reply.message}`));
      else waiting?.resolve(reply);
    });
    child.on('exit', (code, signal) => {
      this.exited = new Error(`${contender} contender exited (code ${code}, signal ${signal})`);
      this.pending?.reject(this.exited);
      this.pending = null;
    });
    child.on('error', (error) => {
      this.exited = new Error(`${contender} contender could not start: ${error.message}`);
      this.pending?.reject(this.exited);
      this.pending = null;
    });
  }

  static start(
    contender: Contender,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ): ContenderProcess {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
    return new ContenderProcess(contender, child);
  }

  request(message: object): Promise<WorkerReply> {
    if (this.exited) return Promise.reject(this.exited);
    if (this.pending) return Promise.reject(new Error(`${this.contender}: a request is pending`));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.stdin!.write(JSON.stringify(message) + '\n');
    });
  }

  stop(): void {
    if (!this.exited) this.child.kill();
  }
}
