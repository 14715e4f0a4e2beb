export interface ImportProgress {
  phase: 'scan' | 'import' | 'write';
  done: number;
  total: number;
  /** Seconds left at the rate so far; null until there is a rate to go by. */
  etaSeconds: number | null;
}

export function progressReporter(
  onProgress: ((progress: ImportProgress) => void) | undefined,
  clock: () => number = () => performance.now(),
): (phase: ImportProgress['phase'], done: number, total: number) => void {
  let phaseStart = clock();
  let currentPhase: ImportProgress['phase'] | null = null;
  return (phase, done, total) => {
    if (phase !== currentPhase) {
      currentPhase = phase;
      phaseStart = clock();
    }
    if (!onProgress) return;
    const elapsed = (clock() - phaseStart) / 1000;
    const etaSeconds = done > 0 && total >= done ? (elapsed / done) * (total - done) : null;
    onProgress({ phase, done, total, etaSeconds });
  };
}
