/**
 * The captured denoising chain of a result (noising, guided denoising, guidance gradients),
 * as stored image hashes. The contract's Result does not carry one yet; a door that sends
 * `chainHashes` with a result gets the chain player without a renderer change.
 */
import type { Result } from '../../api/types.ts';

export function chainOf(result: Result): string[] {
  const chain: unknown = (result as Result & { chainHashes?: unknown }).chainHashes;
  return Array.isArray(chain) ? chain.filter((h): h is string => typeof h === 'string') : [];
}
