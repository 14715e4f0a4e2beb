/**
 * The job runner: a queue of long jobs run one per lane, each in a fresh engine process.
 * Emits the contract's job events. A crash of the engine process fails only its job.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { ApiError, DIAGNOSTIC_JOB_KINDS } from '../contract/index.ts';
import type {
  AnyJobSpec,
  DicomwebConnection,
  EventName,
  EventOf,
  Job,
  JobKind,
  JobPriority,
  JobStatus,
} from '../contract/index.ts';
import type { EngineExit, EngineProcess, SpawnEngine } from './engine-process.ts';
import { loadJobs, recoverJobs, saveJobs } from './job-store.ts';
import type { FromEngine, EngineContext } from './protocol.ts';
import { FromEngineSchema } from './protocol.ts';
import { laneOf, nextJob } from './queue.ts';
import type { Lane } from './queue.ts';

export interface JobRunnerOptions {
  spawnEngine: SpawnEngine;
  context: EngineContext;
  /** Where the job list is kept across restarts; none keeps it in memory only. */
  stateFile?: string;
  /** How long a cancelled job may take to stop before its process is killed. */
  cancelGraceMs?: number;
  /**
   * Runs the diagnostic jobs (selftest: fails or kills its engine process on purpose). Only
   * tests set it; the doors (app, CLI, browser mode) never do, so they refuse those jobs.
   */
  diagnostics?: boolean;
}

interface Active {
  job: Job;
  engine: EngineProcess;
  /** Set once the job ended (by message, cancel or crash); later news is ignored. */
  ended: boolean;
  cancelTimer?: NodeJS.Timeout;
}

const TERMINAL: readonly JobStatus[] = ['finished', 'failed', 'cancelled', 'interrupted'];

export class JobRunner {
  private readonly jobs: Job[];
  private readonly active = new Map<Lane, Active>();
  private readonly emitter = new EventEmitter();
  /**
   * PACS jobs' server and credentials, by job id: kept here in memory while the job waits and
   * runs, never in the job list on disk. A PACS job queued before a restart has none and fails
   * with a word to start it again.
   */
  private readonly connections = new Map<string, DicomwebConnection>();
  private closed = false;

  constructor(private readonly options: JobRunnerOptions) {
    this.jobs = options.stateFile ? recoverJobs(loadJobs(options.stateFile)) : [];
    this.persist();
    queueMicrotask(() => this.pump());
  }

  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  list(status?: JobStatus, kind?: JobKind): Job[] {
    return this.jobs
      .filter((job) => status === undefined || job.status === status)
      .filter((job) => kind === undefined || job.kind === kind)
      .map((job) => ({ ...job }));
  }

  get(jobId: string): Job {
    const job = this.jobs.find((candidate) => candidate.id === jobId);
    if (!job) throw new ApiError('not-found', `no job ${jobId}`);
    return { ...job };
  }

  start(spec: AnyJobSpec, priority: JobPriority = 'normal', connection?: DicomwebConnection): Job {
    if (this.closed) throw new ApiError('conflict', 'the job runner is shutting down');
    if (DIAGNOSTIC_JOB_KINDS.includes(spec.kind) && !this.options.diagnostics)
      throw new ApiError(
        'bad-request',
        `job kind '${spec.kind}' is a diagnostic job; this Anomap does not run diagnostic jobs`,
      );
    const job: Job = {
      id: randomUUID(),
      kind: spec.kind,
      spec,
      priority,
      status: 'queued',
      progress: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      error: null,
      result: null,
    };
    this.jobs.push(job);
    if (connection) this.connections.set(job.id, connection);
    this.persist();
    this.emit('job.queued', { job: { ...job } });
    this.pump();
    return { ...job };
  }

  cancel(jobId: string): Job {
    const job = this.jobs.find((candidate) => candidate.id === jobId);
    if (!job) throw new ApiError('not-found', `no job ${jobId}`);
    if (job.status === 'queued') {
      this.end(job, 'cancelled', null);
    } else if (job.status === 'running') {
      const active = this.active.get(laneOf(job.kind));
      if (active && !active.cancelTimer) {
        active.engine.send({ type: 'cancel', jobId });
        // A job stuck in a long step still stops: its process is killed after the grace time.
        active.cancelTimer = setTimeout(
          () => this.killForCancel(active),
          this.options.cancelGraceMs ?? 10_000,
        );
      }
    }
    return { ...job };
  }

  /** Stops every engine process; running jobs become interrupted (training resumes next time). */
  async close(): Promise<void> {
    this.closed = true;
    for (const active of this.active.values()) {
      active.ended = true;
      clearTimeout(active.cancelTimer);
      active.engine.kill();
      this.setStatus(active.job, 'interrupted', { finishedAt: new Date().toISOString() });
    }
    this.active.clear();
    this.persist();
    this.emitter.removeAllListeners();
  }

  private pump(): void {
    if (this.closed) return;
    for (const lane of ['compute', 'io'] as const) {
      if (this.active.has(lane)) continue;
      const job = nextJob(this.jobs, lane);
      if (job) this.launch(lane, job);
    }
  }

  private launch(lane: Lane, job: Job): void {
    let engine: EngineProcess;
    try {
      engine = this.options.spawnEngine();
    } catch (error) {
      this.end(job, 'failed', `cannot start the engine process: ${describe(error)}`);
      return;
    }
    const active: Active = { job, engine, ended: false };
    this.active.set(lane, active);
    this.setStatus(job, 'running', { startedAt: new Date().toISOString() });
    this.emit('job.started', { job: { ...job } });
    engine.onMessage((raw) => this.receive(active, raw));
    engine.onExit((exit) => this.exited(active, exit));
    engine.send({
      type: 'run',
      jobId: job.id,
      spec: job.spec,
      context: this.options.context,
      diagnostics: this.options.diagnostics === true,
      connection: this.connections.get(job.id),
    });
  }

  private receive(active: Active, raw: unknown): void {
    if (active.ended) return;
    const parsed = FromEngineSchema.safeParse(raw);
    if (!parsed.success || parsed.data.jobId !== active.job.id) return;
    const message: FromEngine = parsed.data;
    const { job } = active;
    switch (message.type) {
      case 'progress':
        job.progress = message.progress;
        this.emit('job.progress', { jobId: job.id, kind: job.kind, ...message.progress });
        return;
      case 'library-changed':
        this.emit('library.changed', { reason: message.reason, studyIds: message.studyIds });
        return;
      case 'done':
        this.finish(active, 'finished', null, message.result);
        return;
      case 'error':
        this.finish(
          active,
          message.cancelled ? 'cancelled' : 'failed',
          message.cancelled ? null : message.message,
        );
        return;
    }
  }

  private exited(active: Active, exit: EngineExit): void {
    if (active.ended) return;
    if (active.cancelTimer) {
      this.finish(active, 'cancelled', null);
      return;
    }
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
    const last = exit.stderrTail ? `: ${exit.stderrTail.split('\n').slice(-5).join('\n')}` : '';
    this.finish(active, 'failed', `the engine process crashed (${how})${last}`);
  }

  private killForCancel(active: Active): void {
    this.finish(active, 'cancelled', null);
  }

  private finish(
    active: Active,
    status: JobStatus,
    error: string | null,
    result: Job['result'] = null,
  ): void {
    if (active.ended) return;
    active.ended = true;
    clearTimeout(active.cancelTimer);
    // One process per job: whatever it holds (tensors, file handles) goes with it.
    active.engine.kill();
    this.active.delete(laneOf(active.job.kind));
    this.end(active.job, status, error, result);
    this.pump();
  }

  private end(
    job: Job,
    status: JobStatus,
    error: string | null,
    result: Job['result'] = null,
  ): void {
    this.setStatus(job, status, { finishedAt: new Date().toISOString(), error, result });
    this.connections.delete(job.id);
    const snapshot = { ...job };
    if (status === 'finished') this.emit('job.finished', { job: snapshot });
    else if (status === 'cancelled') this.emit('job.cancelled', { job: snapshot });
    else if (status === 'failed')
      this.emit('job.failed', { job: snapshot, error: error ?? 'failed' });
  }

  private setStatus(job: Job, status: JobStatus, changes: Partial<Job>): void {
    if (TERMINAL.includes(job.status)) return;
    Object.assign(job, changes, { status });
    this.persist();
  }

  private persist(): void {
    if (this.options.stateFile) saveJobs(this.options.stateFile, this.jobs);
  }

  private emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    this.emitter.emit(event, payload);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
