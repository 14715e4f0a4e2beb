/** Settings' facts in words: which backend computes, with which library, on how many threads. */
import type { BackendInfo } from '../api/types.ts';
import { userMessage } from '../components/common/userMessage.ts';

const backendNames: Record<BackendInfo['backend'], string> = {
  tensorflow: 'native TensorFlow (fastest; uses the CPU’s vector units, or the GPU)',
  wasm: 'WebAssembly with SIMD (portable; slower than native TensorFlow)',
  cpu: 'plain JavaScript (slow: neither native TensorFlow nor WebAssembly could start)',
};

export function describeBackend(info: BackendInfo & { packageVersion?: string | null }): string {
  const threads = info.threads === 1 ? 'one thread' : `${info.threads} threads`;
  const version = info.packageVersion ? ` ${info.packageVersion}` : '';
  const library = info.libraryVersion ? `: ${info.libraryVersion};` : ',';
  return `Computing with ${backendNames[info.backend]}${library} from ${info.package}${version}, on ${threads}.`;
}

/** Why this backend, said for a person (a missing package is named, not dumped). */
export function describeBackendReason(reason: string): string {
  return userMessage(reason);
}

/** A training date from a model manifest's training record, when it holds one. */
export function trainingDate(training: Record<string, unknown>): string | null {
  for (const key of ['finishedAt', 'trainedAt', 'date', 'endedAt', 'startedAt']) {
    const value = training[key];
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
      return value.slice(0, 16).replace('T', ' ');
  }
  return null;
}

/**
 * A number from a model manifest as a person reads it: counts with thousands separators, small
 * rates with their significant digits (a learning rate of 0.0002 is not "0").
 */
export function describeFact(value: unknown): string {
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en');
  return String(Number(value.toPrecision(3)));
}
