/**
 * The pure parts of the interleaved engine benchmark (bench/engine.bench.ts): which contender
 * measures what in which order, the statistics of the per-round times, the ratios against the
 * PyTorch peer, the targets of issue 10 and the printed table. No I/O, no timing.
 */

/** Marks a worker's answer on its stdout; any other line there is someone else's output. */
export const REPLY_PREFIX = '@@bench ';

export const contenders = ['tensorflow', 'wasm', 'torch'] as const;
export type Contender = (typeof contenders)[number];

export const contenderLabels: Record<Contender, string> = {
  tensorflow: 'Anomap tensorflow',
  wasm: 'Anomap wasm',
  torch: 'PyTorch',
};

export type MeasureId =
  | 'forwardBatch1'
  | 'forwardBatch8'
  | 'trainStepBatch8'
  | 'reconstructDdimBatch8'
  | 'reconstructNoiseBatch8';

export interface Measure {
  id: MeasureId;
  label: string;
  /** Slices whose time one measurement covers: reported times are divided by this. */
  slices: number;
  /** 'ms' for one call, 's/slice' for reconstructions. */
  unit: 'ms' | 's/slice';
  /** Floating-point operations of one measurement, from the architecture (flops.ts). */
  flops: (cost: NetworkCost) => number;
  /** Highest allowed median ratio tensorflow / PyTorch (issue 10), or null: no target. */
  targetRatio: number | null;
  /** Measured with --quick too. */
  quick: boolean;
}

/** FLOPs of one forward pass per slice and the reconstruction's step counts. */
export interface NetworkCost {
  unetFlopsPerSlice: number;
  classifierFlopsPerSlice: number;
  /** noiseLevel / stride: the decoding steps, and the encoding steps with DDIM inversion. */
  reconstructionSteps: number;
}

/** A guided reconstruction's FLOPs per slice; the classifier's input gradient costs ~3 forwards. */
function reconstructionFlops(cost: NetworkCost, encoding: 'ddim' | 'noise'): number {
  const encodeSteps = encoding === 'ddim' ? cost.reconstructionSteps : 0;
  const decodeSteps = cost.reconstructionSteps;
  return (
    (encodeSteps + decodeSteps) * cost.unetFlopsPerSlice +
    decodeSteps * 3 * cost.classifierFlopsPerSlice
  );
}

export const BATCH = 8;

export const measures: readonly Measure[] = [
  {
    id: 'forwardBatch1',
    label: 'UNet forward, batch 1',
    slices: 1,
    unit: 'ms',
    flops: (c) => c.unetFlopsPerSlice,
    targetRatio: 1.3,
    quick: true,
  },
  {
    id: 'forwardBatch8',
    label: 'UNet forward, batch 8',
    slices: 1,
    unit: 'ms',
    flops: (c) => BATCH * c.unetFlopsPerSlice,
    targetRatio: 1.3,
    quick: true,
  },
  {
    id: 'trainStepBatch8',
    label: 'train step, batch 8 (fwd + bwd + Adam)',
    slices: 1,
    unit: 'ms',
    // Backward costs about twice the forward pass (input and weight gradients).
    flops: (c) => 3 * BATCH * c.unetFlopsPerSlice,
    targetRatio: 1.3,
    quick: true,
  },
  {
    id: 'reconstructDdimBatch8',
    label: 'guided reconstruction, preset, DDIM encoding, 8 slices',
    slices: BATCH,
    unit: 's/slice',
    flops: (c) => BATCH * reconstructionFlops(c, 'ddim'),
    targetRatio: 1.3,
    quick: false,
  },
  {
    id: 'reconstructNoiseBatch8',
    label: 'guided reconstruction, preset as shipped (noise encoding), 8 slices',
    slices: BATCH,
    unit: 's/slice',
    flops: (c) => BATCH * reconstructionFlops(c, 'noise'),
    targetRatio: null,
    quick: false,
  },
];

export function measuresFor(quick: boolean): Measure[] {
  return measures.filter((m) => !quick || m.quick);
}

export interface ScheduledMeasurement {
  round: number;
  measure: MeasureId;
  contender: Contender;
}

/**
 * The order of measurements: round by round, measure by measure, every contender in turn
 * (A, B, C, A, B, C, ...), so the three times of one measure are taken seconds apart and
 * whatever else loads the machine then hits all three alike.
 */
export function interleavedSchedule(
  rounds: number,
  measureIds: readonly MeasureId[],
  present: readonly Contender[],
): ScheduledMeasurement[] {
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`rounds must be a positive integer, got ${rounds}`);
  const order: ScheduledMeasurement[] = [];
  for (let round = 0; round < rounds; round++)
    for (const measure of measureIds)
      for (const contender of present) order.push({ round, measure, contender });
  return order;
}

/** Quantile by linear interpolation between order statistics (R's type 7, numpy's default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile ${q} is outside [0, 1]`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

export interface Spread {
  n: number;
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
}

export function spreadOf(values: readonly number[]): Spread {
  return {
    n: values.length,
    median: quantile(values, 0.5),
    min: Math.min(...values),
    max: Math.max(...values),
    q1: quantile(values, 0.25),
    q3: quantile(values, 0.75),
  };
}

/** Cores a contender kept busy during a measure: the median of CPU time over wall time. */
export function coresBusy(
  samples: readonly { milliseconds: number; cpuMilliseconds?: number }[],
): number | null {
  const ratios = samples
    .filter((s) => s.cpuMilliseconds !== undefined && s.milliseconds > 0)
    .map((s) => s.cpuMilliseconds! / s.milliseconds);
  return ratios.length ? quantile(ratios, 0.5) : null;
}

/** Median over median, or null when either side was not measured. */
export function ratioOfMedians(contender: Spread | null, peer: Spread | null): number | null {
  if (!contender || !peer || peer.median <= 0) return null;
  return contender.median / peer.median;
}

export type Verdict = 'met' | 'missed' | 'not measured' | '';

export function verdict(ratio: number | null, target: number | null): Verdict {
  if (target === null) return '';
  if (ratio === null) return 'not measured';
  return ratio <= target ? 'met' : 'missed';
}

/** One measurement's time in the measure's unit: ms per call or seconds per slice. */
export function inUnit(measure: Measure, milliseconds: number): number {
  return measure.unit === 'ms' ? milliseconds : milliseconds / 1000 / measure.slices;
}

export interface MeasureSummary {
  measure: MeasureId;
  label: string;
  unit: Measure['unit'];
  spread: Partial<Record<Contender, Spread>>;
  ratioVsTorch: { tensorflow: number | null; wasm: number | null };
  targetRatio: number | null;
  tensorflowVerdict: Verdict;
  achievedGflopsPerSecond: Partial<Record<Contender, number>>;
  /** The same FLOPs over the median CPU time: the work per second of a busy core. */
  gflopsPerCpuSecond: Partial<Record<Contender, number>>;
  /** CPU time of the contender's process per measurement, in the measure's unit. */
  cpuSpread: Partial<Record<Contender, Spread>>;
  cpuRatioVsTorch: { tensorflow: number | null; wasm: number | null };
  coresBusy: Partial<Record<Contender, number | null>>;
}

/** Per contender, one measure's wall times and (index for index) CPU times, in ms. */
export type Samples = Partial<
  Record<Contender, { milliseconds: number[]; cpuMilliseconds?: number[] }>
>;

/** Spread, ratios, verdict, GFLOP/s and CPU time of one measure from its per-round times. */
export function summarizeMeasure(
  measure: Measure,
  samples: Samples,
  cost: NetworkCost,
): MeasureSummary {
  const spread: Partial<Record<Contender, Spread>> = {};
  const cpuSpread: Partial<Record<Contender, Spread>> = {};
  const cores: Partial<Record<Contender, number | null>> = {};
  const achievedGflopsPerSecond: Partial<Record<Contender, number>> = {};
  const gflopsPerCpuSecond: Partial<Record<Contender, number>> = {};
  for (const contender of contenders) {
    const times = samples[contender];
    if (!times || times.milliseconds.length === 0) continue;
    spread[contender] = spreadOf(times.milliseconds.map((ms) => inUnit(measure, ms)));
    achievedGflopsPerSecond[contender] =
      measure.flops(cost) / (quantile(times.milliseconds, 0.5) / 1000) / 1e9;
    const cpu = times.cpuMilliseconds;
    if (!cpu || cpu.length !== times.milliseconds.length) continue;
    cpuSpread[contender] = spreadOf(cpu.map((ms) => inUnit(measure, ms)));
    gflopsPerCpuSecond[contender] = measure.flops(cost) / (quantile(cpu, 0.5) / 1000) / 1e9;
    cores[contender] = coresBusy(
      cpu.map((cpuMilliseconds, i) => ({ cpuMilliseconds, milliseconds: times.milliseconds[i] })),
    );
  }
  const versusTorch = (of: Partial<Record<Contender, Spread>>) => ({
    tensorflow: ratioOfMedians(of.tensorflow ?? null, of.torch ?? null),
    wasm: ratioOfMedians(of.wasm ?? null, of.torch ?? null),
  });
  const ratioVsTorch = versusTorch(spread);
  return {
    measure: measure.id,
    label: measure.label,
    unit: measure.unit,
    spread,
    ratioVsTorch,
    targetRatio: measure.targetRatio,
    tensorflowVerdict: verdict(ratioVsTorch.tensorflow, measure.targetRatio),
    achievedGflopsPerSecond,
    gflopsPerCpuSecond,
    cpuSpread,
    cpuRatioVsTorch: versusTorch(cpuSpread),
    coresBusy: cores,
  };
}

/** A time in its unit with three significant figures at most: "13.2 ms", "0.412 s". */
export function formatTime(value: number, unit: Measure['unit']): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3;
  return `${value.toFixed(digits)} ${unit === 'ms' ? 'ms' : 's'}`;
}

/** "132 ms (128-140)": the median and, in brackets, the smallest and largest round. */
export function formatSpread(spread: Spread | undefined, unit: Measure['unit']): string {
  if (!spread) return '-';
  const bare = (v: number) => formatTime(v, unit).split(' ')[0];
  return `${formatTime(spread.median, unit)} (${bare(spread.min)}-${bare(spread.max)})`;
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? '-' : `${ratio.toFixed(2)}x`;
}

export interface MemoryRow {
  contender: Contender;
  peakRssMegabytes: number | null;
  /** The largest child process's peak (wasm's guidance process); null when none ran. */
  helperPeakRssMegabytes?: number | null;
  tensorsBefore: number | null;
  tensorsAfter: number | null;
}

export const RSS_TARGET_MEGABYTES = 1536;

/** The table printed at the end (markdown, so bench/README.md can take it as it is). */
export function formatTable(summaries: MeasureSummary[], memory: MemoryRow[]): string {
  const header = [
    'measure',
    ...contenders.map((c) => `${contenderLabels[c]}, median (min-max)`),
    'tensorflow / PyTorch',
    'wasm / PyTorch',
    'target (tensorflow)',
    'tensorflow',
  ];
  const rows = summaries.map((s) => [
    `${s.label}${s.unit === 's/slice' ? ', s/slice' : ''}`,
    ...contenders.map((c) => formatSpread(s.spread[c], s.unit)),
    formatRatio(s.ratioVsTorch.tensorflow),
    formatRatio(s.ratioVsTorch.wasm),
    s.targetRatio === null ? '' : `<= ${s.targetRatio}x`,
    s.tensorflowVerdict,
  ]);
  const byContender = (pick: (row: MemoryRow) => string) =>
    contenders.map((c) => {
      const row = memory.find((m) => m.contender === c);
      return row ? pick(row) : '-';
    });
  // A backend's memory is that of all its processes: wasm's guidance process counts too.
  const rssMissed = memory.some(
    (m) =>
      m.contender !== 'torch' &&
      (m.peakRssMegabytes ?? 0) + (m.helperPeakRssMegabytes ?? 0) > RSS_TARGET_MEGABYTES,
  );
  const rssMeasured = memory.some((m) => m.contender !== 'torch' && m.peakRssMegabytes !== null);
  rows.push([
    'peak RSS, fresh process reconstructing 8 slices at 64 px (+ its guidance process)',
    ...byContender((m) =>
      m.peakRssMegabytes === null
        ? '-'
        : m.helperPeakRssMegabytes == null
          ? `${Math.round(m.peakRssMegabytes)} MB`
          : `${Math.round(m.peakRssMegabytes)} + ${Math.round(m.helperPeakRssMegabytes)} MB`,
    ),
    '',
    '',
    `<= ${RSS_TARGET_MEGABYTES} MB in all, each backend`,
    rssMeasured ? (rssMissed ? 'missed' : 'met') : 'not measured',
  ]);
  rows.push([
    'tensors before / after (engine)',
    ...byContender((m) =>
      m.tensorsBefore === null ? '-' : `${m.tensorsBefore} / ${m.tensorsAfter}`,
    ),
    '',
    '',
    'no leak',
    memory.some((m) => m.tensorsAfter !== null && m.tensorsAfter > (m.tensorsBefore ?? 0))
      ? 'missed'
      : 'met',
  ]);
  return markdownTable(header, rows);
}

/**
 * The same measures by CPU time (all threads of the contender's process): on a loaded machine
 * the share of the cores each contender gets weighs on its wall time, not on its CPU time.
 * The wasm guidance process is not counted.
 */
export function formatCpuTable(summaries: MeasureSummary[]): string {
  const header = [
    'measure, CPU time',
    ...contenders.map((c) => `${contenderLabels[c]}, median (min-max)`),
    'tensorflow / PyTorch',
    'wasm / PyTorch',
    'cores busy (tensorflow, wasm, PyTorch)',
  ];
  const rows = summaries.map((s) => [
    `${s.label}${s.unit === 's/slice' ? ', s/slice' : ''}`,
    ...contenders.map((c) => formatSpread(s.cpuSpread[c], s.unit)),
    formatRatio(s.cpuRatioVsTorch.tensorflow),
    formatRatio(s.cpuRatioVsTorch.wasm),
    contenders
      .map((c) => {
        const busy = s.coresBusy[c];
        return busy === undefined || busy === null ? '-' : busy.toFixed(2);
      })
      .join(', '),
  ]);
  return markdownTable(header, rows);
}

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(header),
    line(header.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...rows.map(line),
  ].join('\n');
}
