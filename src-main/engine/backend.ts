/**
 * Picks the fastest TensorFlow.js backend present and says which one it runs on, and why:
 * tensorflow (native libtensorflow from @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node),
 * then wasm (XNNPACK, with our gradient kernels), then cpu (pure JavaScript).
 * ANOMAP_BACKEND=tensorflow|wasm|cpu, or options.prefer, forces one; a forced backend that
 * cannot start is an error, never a silent fallback.
 */
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { nativeThreads } from './threads.ts';
import { registerWasmKernels } from './kernels/registerWasmKernels.ts';
import { nativeLibraryVersion, patchNativeKernels, tfjsNodeVersion } from './nativeBackend.ts';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendReport {
  name: BackendName;
  /** The npm package that provides it. */
  package: string;
  /** Why this one: what was tried before it and how it failed, or who forced it. */
  reason: string;
  threads: number;
  /** The library doing the work and its version, e.g. 'TensorFlow 2.21.0 (C library), tfjs-node 4.22.0'. */
  libraryVersion: string;
}

export interface BackendOptions {
  /** Forces a backend; wins over ANOMAP_BACKEND. */
  prefer?: BackendName;
}

const backendNames: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];
const nativePackages = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** A backend that started, or the reason it did not. */
type Attempt =
  { ok: true; report: Omit<BackendReport, 'reason'>; note?: string } | { ok: false; why: string };

let chosen: Promise<BackendReport> | null = null;
let report: BackendReport | null = null;

/**
 * Starts the backend once; later calls return the same report (whatever they ask for).
 * A failed start is not remembered, so a corrected setting can be tried again.
 */
export function initBackend(options: BackendOptions = {}): Promise<BackendReport> {
  chosen ??= pickBackend(options).then(
    (picked) => (report = picked),
    (error: unknown) => {
      chosen = null;
      throw error;
    },
  );
  return chosen;
}

/** The running backend's report, or null before initBackend has finished. */
export function backendReport(): BackendReport | null {
  return report;
}

async function pickBackend(options: BackendOptions): Promise<BackendReport> {
  const forced = forcedBackend(options);
  if (forced != null) {
    const attempt = await tryBackend(forced.name);
    if (!attempt.ok) {
      throw new Error(
        `${forced.by} asks for the '${forced.name}' backend, which cannot start: ${attempt.why}`,
      );
    }
    return withReason(attempt, `forced by ${forced.by}; using ${describe(attempt)}`);
  }
  const skipped: string[] = [];
  for (const name of backendNames) {
    const attempt = await tryBackend(name);
    if (attempt.ok)
      return withReason(attempt, [...skipped, `using ${describe(attempt)}`].join('; '));
    skipped.push(attempt.why);
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.join('; ')}`);
}

function forcedBackend(options: BackendOptions): { name: BackendName; by: string } | null {
  if (options.prefer != null)
    return {
      name: checkName(options.prefer, 'options.prefer'),
      by: `options.prefer=${options.prefer}`,
    };
  const fromEnv = process.env.ANOMAP_BACKEND?.trim();
  if (fromEnv)
    return { name: checkName(fromEnv, 'ANOMAP_BACKEND'), by: `ANOMAP_BACKEND=${fromEnv}` };
  return null;
}

function checkName(value: string, source: string): BackendName {
  if ((backendNames as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`${source}='${value}' is not a backend; use one of ${backendNames.join(', ')}`);
}

function withReason(attempt: Extract<Attempt, { ok: true }>, reason: string): BackendReport {
  return { ...attempt.report, reason };
}

function describe(attempt: Extract<Attempt, { ok: true }>): string {
  const { name, threads } = attempt.report;
  const detail = attempt.note ?? `${threads} thread${threads === 1 ? '' : 's'}`;
  return name === 'tensorflow'
    ? `tensorflow from ${attempt.report.package} (${detail})`
    : `${name} (${detail})`;
}

async function tryBackend(name: BackendName): Promise<Attempt> {
  switch (name) {
    case 'tensorflow':
      return tryNative();
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return (await tf.setBackend('cpu'))
        ? {
            ok: true,
            report: {
              name: 'cpu',
              package: '@tensorflow/tfjs-backend-cpu',
              threads: 1,
              libraryVersion: `tfjs-backend-cpu ${tf.version_core}`,
            },
          }
        : { ok: false, why: 'cpu backend failed to start' };
  }
}

async function tryNative(): Promise<Attempt> {
  const failures: string[] = [];
  for (const packageName of nativePackages) {
    try {
      // TensorFlow's C library logs its CPU features and oneDNN notes to stderr; keep warnings.
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
      // The name is a variable so that bundlers and tsc do not require the optional package.
      await import(packageName);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
      const shortName = packageName.replace('@tensorflow/', '');
      failures.push(
        `${shortName} ${missing ? 'not installed' : 'failed to load'}: ${firstLine(error)}`,
      );
      continue;
    }
    if (await tf.setBackend('tensorflow')) {
      const libraryVersion = nativeLibraryVersion();
      patchNativeKernels();
      return {
        ok: true,
        report: {
          name: 'tensorflow',
          package: packageName,
          threads: nativeThreads(),
          libraryVersion: `TensorFlow ${libraryVersion} (C library), ${packageName.replace('@tensorflow/', '')} ${tfjsNodeVersion(packageName)}`,
        },
        note: `TensorFlow ${libraryVersion}, ${nativeThreads()} threads`,
      };
    }
    failures.push(`${packageName} loaded but its 'tensorflow' backend failed to start`);
  }
  return { ok: false, why: failures.join('; ') };
}

async function tryWasm(): Promise<Attempt> {
  // Point the loader at the .wasm files beside the package's own script before it first
  // starts: after a failed start setWasmPaths() refuses to change anything, so "try the
  // default, then fix the path" cannot work. Under tsx and vitest the default works too.
  const distFolder = wasmDistFolder();
  if (distFolder != null) {
    try {
      setWasmPaths(distFolder);
    } catch {
      // A start already failed; setBackend below reports it again.
    }
  }
  if (!(await tf.setBackend('wasm'))) {
    return {
      ok: false,
      why: `wasm backend failed to start (binaries looked for in ${distFolder ?? 'the default place'})`,
    };
  }
  registerWasmKernels();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = getThreadsCount();
  return {
    ok: true,
    report: {
      name: 'wasm',
      package: '@tensorflow/tfjs-backend-wasm',
      threads,
      libraryVersion: `tfjs-backend-wasm ${tf.version_core} (XNNPACK)`,
    },
    note: `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}`,
  };
}

function wasmDistFolder(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + sep;
  } catch {
    return null;
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Node's "Cannot find package 'x' imported from /our/file.ts": the importer is noise here.
  return message.split('\n')[0].replace(/ imported from \S+$/, '');
}
