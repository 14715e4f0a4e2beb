/**
 * A training's summary beside its checkpoint (WORK/summary.json): the mean loss of every
 * SUMMARY_EVERY steps and the wall-clock seconds at each window's end. It is small enough to
 * commit with a checkpoint; the raw per-step log (WORK/log.jsonl, one line a step) is not
 * committed. The trainer rewrites the summary at each checkpoint from the checkpoint's losses
 * (every step since the start, kept across resumes) and the seconds it knows: its own steps',
 * the raw log's, and the previous summary's, so a resumed run in a fresh clone (summary, no log)
 * keeps the timing of the steps before it.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readModelFile } from '../modelFiles.ts';

export const SUMMARY_EVERY = 100;
export const SUMMARY_FILE = 'summary.json';
export const LOG_FILE = 'log.jsonl';

/** The raw log's size limit: ~60 bytes a step, so 4 million steps. */
const MAX_LOG_BYTES = 256 * 1024 * 1024;

const WindowSchema = z.object({
  /** The window is the steps after the previous window's toStep, up to and with this one. */
  toStep: z.number().int().positive(),
  meanLoss: z.number(),
  /** Wall-clock seconds of training at toStep (resumes included); null where not recorded. */
  seconds: z.number().nullable(),
});

export const TrainingLogSummarySchema = z.object({
  format: z.literal('anomap-training-summary/1'),
  steps: z.number().int().nonnegative(),
  wallSeconds: z.number().nonnegative(),
  every: z.number().int().positive(),
  windows: z.array(WindowSchema),
});

export type TrainingLogSummary = z.infer<typeof TrainingLogSummarySchema>;

/** The mean loss of each window of `every` steps (the last may be shorter), with its seconds. */
export function summariseTraining(
  losses: readonly number[],
  wallSeconds: number,
  secondsAt: ReadonlyMap<number, number>,
  every = SUMMARY_EVERY,
): TrainingLogSummary {
  if (!Number.isInteger(every) || every < 1)
    throw new RangeError(`a summary window must be a positive whole number of steps, got ${every}`);
  const windows: TrainingLogSummary['windows'] = [];
  for (let from = 0; from < losses.length; from += every) {
    const window = losses.slice(from, from + every);
    const toStep = from + window.length;
    windows.push({
      toStep,
      meanLoss: window.reduce((sum, loss) => sum + loss, 0) / window.length,
      seconds: secondsAt.get(toStep) ?? null,
    });
  }
  return {
    format: 'anomap-training-summary/1',
    steps: losses.length,
    wallSeconds: Math.round(wallSeconds),
    every,
    windows,
  };
}

/**
 * The seconds at each step that WORK's previous summary and raw log record (the log's where both
 * do). Missing files give none; a malformed one is an error naming it and the problem.
 */
export async function recordedSeconds(workDir: string): Promise<Map<number, number>> {
  const seconds = new Map<number, number>();
  const summaryPath = join(workDir, SUMMARY_FILE);
  if (existsSync(summaryPath)) {
    const text = await readModelFile(summaryPath).catch((error: Error) => {
      throw new Error(`${summaryPath}: ${error.message}`, { cause: error });
    });
    const parsed = TrainingLogSummarySchema.safeParse(parseJson(text.toString('utf8')));
    if (!parsed.success)
      throw new Error(`${summaryPath}: not a training summary (${parsed.error.issues[0].message})`);
    for (const w of parsed.data.windows) if (w.seconds !== null) seconds.set(w.toStep, w.seconds);
  }
  const logPath = join(workDir, LOG_FILE);
  if (existsSync(logPath)) {
    const text = await readModelFile(logPath, MAX_LOG_BYTES).catch((error: Error) => {
      throw new Error(`${logPath}: ${error.message}`, { cause: error });
    });
    text
      .toString('utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.trim() === '') return;
        const entry = LogLineSchema.safeParse(parseJson(line));
        if (!entry.success) throw new Error(`${logPath}: line ${i + 1} is not a training step`);
        seconds.set(entry.data.step, entry.data.seconds);
      });
  }
  return seconds;
}

const LogLineSchema = z.object({
  step: z.number().int().positive(),
  loss: z.number(),
  seconds: z.number(),
});

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** WORK/summary.json, one window a line. */
export async function writeTrainingSummary(
  workDir: string,
  summary: TrainingLogSummary,
): Promise<void> {
  const { windows, ...head } = summary;
  const lines = Object.entries(head).map(
    ([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},`,
  );
  const rows = windows.map((w) => `    ${JSON.stringify(w)}`);
  const text = [
    '{',
    ...lines,
    rows.length ? `  "windows": [\n${rows.join(',\n')}\n  ]` : '  "windows": []',
    '}',
  ];
  await writeFile(join(workDir, SUMMARY_FILE), text.join('\n') + '\n');
}
