/**
 * Engine benchmark, interleaved: Anomap on the native tensorflow backend, Anomap on wasm and the
 * PyTorch peer (bench/torch_peer.py) run as three long-lived processes, each asked for one
 * measurement at a time in rounds A, B, C, A, B, C, ... so that other load on the machine hits
 * all three alike. Shipped architecture (models/diffusion/manifest.json) with random weights,
 * shipped preset (models/preset.json). Reports medians, spread and ratios against PyTorch with
 * the targets of issue 10; writes JSON where BENCH_OUT says (default bench/results/engine.json).
 * Never asserts on time.
 *
 *   npm run bench [-- --rounds 5 --quick --no-torch]
 *   npm run bench -- --from bench/results/engine.json   (tables anew from a result's raw times)
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forwardFlops } from '../src-main/engine/nn/flops.ts';
import type { UNetConfig } from '../src-main/engine/nn/unet.ts';
import { readPreset } from '../src-main/engine/preset.ts';
import { ContenderProcess, type WorkerReply } from './contenderProcess.ts';
import type { BenchPreset } from './engineWorker.ts';
import {
  formatCpuTable,
  formatTable,
  interleavedSchedule,
  measuresFor,
  summarizeMeasure,
  type Contender,
  type Measure,
  type MeasureId,
  type MeasureSummary,
  type MemoryRow,
  type NetworkCost,
  type Samples,
} from './interleave.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const PYTHON = '/usr/bin/python3';

interface Options {
  /** Re-summarise this result file instead of measuring. */
  from: string | null;
  rounds: number;
  quick: boolean;
  torch: boolean;
  out: string;
}

function parseOptions(args: string[]): Options {
  const at = args.indexOf('--rounds');
  const rounds = at >= 0 ? Number(args[at + 1]) : 5;
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`--rounds needs a positive integer, got '${args[at + 1]}'`);
  const fromAt = args.indexOf('--from');
  const known = new Set(['--rounds', '--quick', '--no-torch', '--from']);
  const unknown = args.filter(
    (a, i) => a.startsWith('--') && !known.has(a) && i !== at + 1 && i !== fromAt + 1,
  );
  if (unknown.length) throw new Error(`unknown option ${unknown.join(', ')}`);
  return {
    from: fromAt >= 0 ? resolve(args[fromAt + 1]) : null,
    rounds,
    quick: args.includes('--quick'),
    torch: !args.includes('--no-torch'),
    out: resolve(process.env.BENCH_OUT || join(here, 'results', 'engine.json')),
  };
}

/** The shipped architecture; the classifier must share it (the pipeline requires the same size). */
async function shippedArchitecture(): Promise<UNetConfig> {
  const read = async (kind: string) => {
    const path = join(root, 'models', kind, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8')) as { architecture?: UNetConfig };
    if (!manifest.architecture) throw new Error(`${path}: no architecture`);
    return manifest.architecture;
  };
  const [diffusion, classifier] = [await read('diffusion'), await read('classifier')];
  if (JSON.stringify(diffusion) !== JSON.stringify(classifier))
    throw new Error('models/: the classifier and the diffusion model differ in architecture');
  return diffusion;
}

async function shippedPreset(): Promise<BenchPreset> {
  const { noiseLevel, stride, guidanceScale, encoding } = await readPreset(
    join(root, 'models', 'preset.json'),
  );
  return { noiseLevel, stride, guidanceScale, encoding };
}

function startContender(contender: Contender): ContenderProcess {
  if (contender === 'torch')
    return ContenderProcess.start('torch', PYTHON, [join(here, 'torch_peer.py')], {
      ...process.env,
      // Without it libgomp's idle threads spin, and on a loaded machine PyTorch's 2-thread
      // forward pass ran 5x slower than with passive waiting (bench/README.md).
      OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE',
    });
  return ContenderProcess.start(
    contender,
    process.execPath,
    ['--import', 'tsx', join(here, 'engineWorker.ts')],
    { ...process.env, ANOMAP_BACKEND: contender },
  );
}

interface Started {
  process: ContenderProcess;
  ready: WorkerReply;
}

/** Starts and initialises each contender; one that cannot start is left out with its reason. */
async function startAll(
  wanted: Contender[],
  config: UNetConfig,
  preset: BenchPreset,
  unavailable: Partial<Record<Contender, string>>,
): Promise<Map<Contender, Started>> {
  const started = new Map<Contender, Started>();
  for (const contender of wanted) {
    const worker = startContender(contender);
    try {
      const ready = await worker.request({ type: 'init', config, preset, threads: cpus().length });
      started.set(contender, { process: worker, ready });
    } catch (error) {
      worker.stop();
      unavailable[contender] = (error as Error).message;
      console.error(`${contender}: not measured: ${(error as Error).message}`);
    }
  }
  return started;
}

/** Refuses a comparison of networks that are not the same size. */
function checkSameNetworks(started: Map<Contender, Started>): void {
  const counts = [...started].map(([c, s]) => `${c} ${JSON.stringify(s.ready.parameters)}`);
  const distinct = new Set([...started.values()].map((s) => JSON.stringify(s.ready.parameters)));
  if (distinct.size > 1)
    throw new Error(`the contenders' networks differ in parameter count: ${counts.join('; ')}`);
}

interface RawTime {
  round: number;
  measure: MeasureId;
  contender: Contender;
  milliseconds: number;
  /** CPU time of the contender's process meanwhile: CPU / wall time is the cores it kept busy. */
  cpuMilliseconds?: number;
  /** Live tensors after the measurement (engine only): constant across rounds when nothing leaks. */
  tensors?: number;
}

async function measureOnce(
  started: Map<Contender, Started>,
  round: number,
  measure: MeasureId,
  contender: Contender,
): Promise<RawTime> {
  const reply = await started.get(contender)!.process.request({ type: 'measure', measure });
  const time: RawTime = { round, measure, contender, milliseconds: reply.milliseconds as number };
  if (typeof reply.cpuMilliseconds === 'number') time.cpuMilliseconds = reply.cpuMilliseconds;
  if (typeof reply.tensors === 'number') time.tensors = reply.tensors;
  const label = round < 0 ? 'warm-up' : `round ${round + 1}`;
  console.error(`${label} ${measure} ${contender}: ${time.milliseconds.toFixed(1)} ms`);
  return time;
}

/** One warm-up pass, then the interleaved rounds. */
async function runRounds(
  started: Map<Contender, Started>,
  measureIds: MeasureId[],
  rounds: number,
): Promise<{ warmup: RawTime[]; raw: RawTime[] }> {
  const present = [...started.keys()];
  const warmup: RawTime[] = [];
  for (const step of interleavedSchedule(1, measureIds, present))
    warmup.push(await measureOnce(started, -1, step.measure, step.contender));
  const raw: RawTime[] = [];
  for (const step of interleavedSchedule(rounds, measureIds, present))
    raw.push(await measureOnce(started, step.round, step.measure, step.contender));
  return { warmup, raw };
}

/** Peak RSS of a fresh process of each contender reconstructing 8 slices at the shipped preset. */
async function freshProcessRss(
  present: Contender[],
  config: UNetConfig,
  preset: BenchPreset,
): Promise<Partial<Record<Contender, { own: number; helper: number | null }>>> {
  const rss: Partial<Record<Contender, { own: number; helper: number | null }>> = {};
  for (const contender of present) {
    const worker = startContender(contender);
    try {
      await worker.request({ type: 'init', config, preset, threads: cpus().length });
      const measure =
        preset.encoding === 'ddim' ? 'reconstructDdimBatch8' : 'reconstructNoiseBatch8';
      await worker.request({ type: 'measure', measure });
      const finished = await worker.request({ type: 'finish' });
      const measured = {
        own: finished.peakRssMegabytes as number,
        helper: (finished.childPeakRssMegabytes as number | null | undefined) ?? null,
      };
      rss[contender] = measured;
      console.error(
        `peak RSS ${contender}: ${measured.own.toFixed(0)} MB` +
          (measured.helper === null ? '' : ` + ${measured.helper.toFixed(0)} MB in its child`),
      );
    } catch (error) {
      // The timings are written all the same; the table then says 'not measured'.
      console.error(`peak RSS ${contender}: not measured: ${(error as Error).message}`);
    } finally {
      worker.stop();
    }
  }
  return rss;
}

function machineLoad() {
  let uptime: string;
  try {
    uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    uptime = 'uptime not available';
  }
  return { uptime, loadAverage1m5m15m: loadavg().map((x) => Math.round(x * 100) / 100) };
}

function machineInfo(started: Map<Contender, Started>) {
  const engineLibrary = (c: Contender) =>
    (started.get(c)?.ready.backend as { libraryVersion?: string } | undefined)?.libraryVersion ??
    null;
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    totalMemoryMegabytes: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    torch: (started.get('torch')?.ready.torch as string | undefined) ?? null,
    torchThreads: (started.get('torch')?.ready.threads as number | undefined) ?? null,
    tensorflowLibrary: engineLibrary('tensorflow'),
    wasmLibrary: engineLibrary('wasm'),
  };
}

function networkCost(config: UNetConfig, preset: BenchPreset): NetworkCost {
  return {
    unetFlopsPerSlice: forwardFlops(config),
    classifierFlopsPerSlice: forwardFlops(config, 'classifier'),
    reconstructionSteps: preset.noiseLevel / preset.stride,
  };
}

/** Summaries of every measure from the raw per-round times. */
function summarize(raw: RawTime[], measures: Measure[], cost: NetworkCost): MeasureSummary[] {
  return measures.map((measure) => {
    const samples: Samples = {};
    for (const t of raw.filter((r) => r.measure === measure.id)) {
      const s = (samples[t.contender] ??= { milliseconds: [], cpuMilliseconds: [] });
      s.milliseconds.push(t.milliseconds);
      if (t.cpuMilliseconds !== undefined) s.cpuMilliseconds!.push(t.cpuMilliseconds);
    }
    return summarizeMeasure(measure, samples, cost);
  });
}

interface BenchResult {
  load: { before: ReturnType<typeof machineLoad>; after: ReturnType<typeof machineLoad> };
  flops: NetworkCost;
  quick: boolean;
  memory: MemoryRow[];
  raw: RawTime[];
  summaries?: MeasureSummary[];
  table?: string;
  cpuTable?: string;
}

/** Adds summaries and both tables to a result, writes it to `out` and prints the tables. */
async function report<T extends BenchResult>(result: T, out: string): Promise<void> {
  const summaries = summarize(result.raw, measuresFor(result.quick), result.flops);
  const table = formatTable(summaries, result.memory);
  const cpuTable = formatCpuTable(summaries);
  const output = { ...result, summaries, table, cpuTable };
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(output, null, 2) + '\n');
  const { before, after } = result.load;
  console.log(`\n${table}\n\n${cpuTable}\n`);
  console.log(`load before: ${before.uptime}\nload after:  ${after.uptime}\nwritten to ${out}`);
}

async function measureAll(options: Options) {
  const config = await shippedArchitecture();
  const preset = await shippedPreset();
  const measures = measuresFor(options.quick);
  const unavailable: Partial<Record<Contender, string>> = {};
  const wanted: Contender[] = ['tensorflow', 'wasm'];
  if (options.torch && existsSync(PYTHON)) wanted.push('torch');
  else unavailable.torch = options.torch ? `${PYTHON} not found` : 'left out by --no-torch';
  const loadBefore = machineLoad();
  const started = await startAll(wanted, config, preset, unavailable);
  const finished = new Map<Contender, WorkerReply>();
  let times: { warmup: RawTime[]; raw: RawTime[] };
  try {
    checkSameNetworks(started);
    times = await runRounds(
      started,
      measures.map((m) => m.id),
      options.rounds,
    );
    for (const [contender, s] of started)
      finished.set(contender, await s.process.request({ type: 'finish' }));
  } finally {
    for (const s of started.values()) s.process.stop();
  }
  const rss = options.quick ? {} : await freshProcessRss([...started.keys()], config, preset);
  const memory: MemoryRow[] = [...started.keys()].map((contender) => ({
    contender,
    peakRssMegabytes: rss[contender]?.own ?? null,
    helperPeakRssMegabytes: rss[contender]?.helper ?? null,
    tensorsBefore: (finished.get(contender)?.tensorsBefore as number | undefined) ?? null,
    tensorsAfter: (finished.get(contender)?.tensorsAfter as number | undefined) ?? null,
  }));
  return {
    date: new Date().toISOString(),
    machine: machineInfo(started),
    load: { before: loadBefore, after: machineLoad() },
    architecture: config,
    shippedPreset: preset,
    flops: networkCost(config, preset),
    rounds: options.rounds,
    quick: options.quick,
    order: 'one warm-up pass, then per round, per measure: tensorflow, wasm, torch in turn',
    contenders: Object.fromEntries([...started].map(([c, s]) => [c, s.ready])),
    unavailable,
    memory,
    longLivedProcesses: Object.fromEntries(finished),
    warmup: times.warmup,
    raw: times.raw,
  };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.from) {
    // Summaries and tables anew from a result's raw times: nothing is measured.
    const result = JSON.parse(await readFile(options.from, 'utf8')) as BenchResult;
    if (!Array.isArray(result.raw) || !result.flops || !result.load)
      throw new Error(`${options.from}: not a result of this benchmark (no raw times)`);
    await report(result, options.out);
    return;
  }
  await report(await measureAll(options), options.out);
}

await main();
