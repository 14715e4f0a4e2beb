/**
 * Shards of a cohort: the work (one item per slice) cut into N deterministic, balanced parts, so
 * that N tasks of a cluster's job array (SLURM) or Indexed Job (Kubernetes) each map one part and
 * need not talk to each other. Pure functions: no files, no engine.
 */

export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

/** "I/N" with 0 <= I < N. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new Error(`--shard must be I/N (0-based I, e.g. 0/4), got "${text}"`);
  return checkShard(Number(match[1]), Number(match[2]), `--shard ${text}`);
}

function checkShard(index: number, count: number, what: string): Shard {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new Error(`${what}: the number of shards must be a positive integer`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count)
    throw new Error(`${what}: the shard index must be from 0 to ${count - 1}, got ${index}`);
  return { index, count };
}

function integerOf(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`${name}="${value}" is not a non-negative integer`);
  return Number(value);
}

/**
 * The shard of this task from the scheduler's environment (`--shard auto`):
 *  - SLURM job array: SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT; the array must be
 *    0-(N-1) (step 1). A single task resubmitted alone (`sbatch --array=2`) names the whole
 *    array's size in ANOMAP_SHARD_COUNT.
 *  - Kubernetes Indexed Job: JOB_COMPLETION_INDEX of ANOMAP_SHARD_COUNT (the Job's
 *    `completions`; Kubernetes does not pass it to the pod itself).
 * The same index and count give the same shard whichever scheduler started the task.
 */
export function shardFromEnvironment(env: NodeJS.ProcessEnv): Shard {
  const override = integerOf(env, 'ANOMAP_SHARD_COUNT');
  const slurmId = integerOf(env, 'SLURM_ARRAY_TASK_ID');
  if (slurmId !== undefined) {
    if (override !== undefined) return checkShard(slurmId, override, 'SLURM array task');
    const count = integerOf(env, 'SLURM_ARRAY_TASK_COUNT');
    const min = integerOf(env, 'SLURM_ARRAY_TASK_MIN');
    const max = integerOf(env, 'SLURM_ARRAY_TASK_MAX');
    if (count === undefined) throw new Error('SLURM_ARRAY_TASK_COUNT is not set');
    if (min !== undefined && max !== undefined && (min !== 0 || max !== count - 1))
      throw new Error(
        `the job array is ${min}-${max} with ${count} tasks; submit it as --array=0-${count - 1}, ` +
          'or set ANOMAP_SHARD_COUNT to the number of shards when resubmitting some tasks',
      );
    return checkShard(slurmId, count, 'SLURM array task');
  }
  const k8sIndex = integerOf(env, 'JOB_COMPLETION_INDEX');
  if (k8sIndex !== undefined) {
    if (override === undefined)
      throw new Error(
        'JOB_COMPLETION_INDEX is set but ANOMAP_SHARD_COUNT is not (set it to the Job completions)',
      );
    return checkShard(k8sIndex, override, 'Kubernetes Indexed Job');
  }
  throw new Error(
    '--shard auto needs SLURM_ARRAY_TASK_ID (a SLURM job array) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)',
  );
}

/** "auto" reads the scheduler's environment; anything else is "I/N". */
export function shardOption(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  return text.trim() === 'auto' ? shardFromEnvironment(env) : parseShard(text);
}

/**
 * The items of one shard: the items sorted by key and dealt round-robin, item k to shard
 * k mod N. Shards differ in size by at most one, cover every item once, and do not depend on
 * the order the items were listed in; neighbours in key order (often the same scanner or site,
 * so the same cost) land in different shards.
 */
export function shardItems<T extends { key: string }>(items: readonly T[], shard: Shard): T[] {
  const sorted = [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let k = 1; k < sorted.length; k++)
    if (sorted[k].key === sorted[k - 1].key)
      throw new Error(`item ${sorted[k].key} is listed twice`);
  return sorted.filter((_, k) => k % shard.count === shard.index);
}

export function shardName(shard: Shard): string {
  return `${shard.index}-of-${shard.count}`;
}
