/**
 * The model card's training commands resume the committed checkpoints: each `train` line of
 * models/README.md, pointed at a copy of its checkpoint and at a tiny dataset (the data is not
 * part of a checkpoint's options fingerprint), trains one more step from where it stopped.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticBrainDataset } from '../fixtures/syntheticBrainDataset.ts';
import { anomap, repo } from './anomapProcess.ts';

let root: string;
let manifest: string;
let card: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'anomap-resume-'));
  manifest = (await writeSyntheticBrainDataset(join(root, 'data'))).manifestPath;
  card = await readFile(join(repo, 'models/README.md'), 'utf8');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/**
 * The card's `npm run cli -- train WHICH ...` line that resumes a committed checkpoint (its work
 * folder under models/training/), as anomap arguments; other training lines (experiments that
 * start from scratch) are not it.
 */
function cardCommand(which: string): string[] {
  const line = card
    .split('\n')
    .find(
      (l) => l.startsWith(`npm run cli -- train ${which} `) && / --work models\/training\//.test(l),
    );
  if (!line)
    throw new Error(`models/README.md states no command that resumes the committed ${which}`);
  return line.split(/\s+/).slice(4);
}

/** The value after `option` in `args`, replaced by `value`. */
function replaced(args: string[], option: string, value: (old: string) => string): string[] {
  const at = args.indexOf(option);
  if (at < 0) throw new Error(`the card's command has no ${option}`);
  return args.map((arg, i) => (i === at + 1 ? value(arg) : arg));
}

describe("the model card's training commands", () => {
  it.each(['diffusion', 'classifier'])(
    'resume the committed %s checkpoint for one step',
    async (which) => {
      let args = cardCommand(which);
      const work = join(root, `${which}-work`);
      await cp(join(repo, args[args.indexOf('--work') + 1]), work, { recursive: true });
      const state = JSON.parse(await readFile(join(work, 'checkpoint/state.json'), 'utf8')) as {
        step: number;
      };
      // The committed summary (the raw log is not committed) is that of the committed step.
      const summary = JSON.parse(await readFile(join(work, 'summary.json'), 'utf8')) as {
        steps: number;
      };
      expect(summary.steps).toBe(state.step);
      args = replaced(args, '--manifest', () => manifest);
      args = replaced(args, '--work', () => work);
      args = replaced(args, '--out', () => join(root, `${which}-out`));
      args = replaced(args, '--steps', (steps) => {
        expect(Number(steps)).toBe(state.step); // the card names the shipped step
        return String(state.step + 1);
      });
      const run = await anomap(...args);
      expect(run.stderr).not.toMatch(/other training options/);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(
        `trained ${which}: ${state.step + 1} steps (resumed from ${state.step})`,
      );
    },
  );
});
