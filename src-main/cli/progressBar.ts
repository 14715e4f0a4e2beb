import type { Progress } from '../contract/index.ts';

/** Off a terminal (a log file, CI) a line is written at most per tenth of the way or per minute. */
const LOG_LINE_EVERY_MS = 60_000;

/**
 * A progress bar on stderr: phase, bar, percent, done/total, ETA, and an extra note. On a terminal
 * one line redrawn in place; otherwise a line per 10% or per minute, and the last one.
 */
export function progressBar(
  stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'> = process.stderr,
  now: () => number = Date.now,
) {
  let last = 0;
  let lastTenth = -1;
  return (progress: Progress, note = '') => {
    const time = now();
    const fraction = progress.total > 0 ? progress.done / progress.total : 0;
    const finished = progress.done >= progress.total;
    if (stream.isTTY) {
      if (time - last < 200 && !finished) return;
    } else {
      const tenth = Math.floor(fraction * 10);
      if (tenth === lastTenth && time - last < LOG_LINE_EVERY_MS && !finished) return;
      lastTenth = tenth;
    }
    last = time;
    const width = 24;
    const filled = Math.round(fraction * width);
    const eta = progress.etaSeconds === null ? '--' : formatSeconds(progress.etaSeconds);
    const line = `${progress.phase} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${Math.floor(progress.done)}/${progress.total} ETA ${eta} ${note}`;
    stream.write(stream.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
    if (finished && stream.isTTY) stream.write('\n');
  };
}

export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

/** An AbortController aborted by Ctrl-C, so a long command stops cleanly between steps. */
export function cancelOnInterrupt(): AbortController {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\ncancelling (Ctrl-C again to force)...\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return controller;
}
