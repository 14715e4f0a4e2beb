import type { Progress } from '../engine/types.ts';

/** A one-line progress bar on stderr: phase, bar, percent, done/total, ETA, and an extra note. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  let last = 0;
  return (progress: Progress, note = '') => {
    const now = Date.now();
    if (now - last < 200 && progress.done < progress.total) return;
    last = now;
    const fraction = progress.total > 0 ? progress.done / progress.total : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const eta = progress.etaSeconds === null ? '--' : formatSeconds(progress.etaSeconds);
    const line = `${progress.phase} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${Math.floor(progress.done)}/${progress.total} ETA ${eta} ${note}`;
    stream.write(stream.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
    if (progress.done >= progress.total && stream.isTTY) stream.write('\n');
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
