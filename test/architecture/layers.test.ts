/**
 * The layers of ARCHITECTURE.md are enforced by lint (eslint.config.js): these lint files placed
 * in each layer, importing what they may and may not, and check that ESLint says so.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** The import-x problems ESLint reports for `code` as if it were the file at `path`. */
async function importProblems(path: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return result.messages
    .filter((m) => m.ruleId?.startsWith('import-x/'))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

const importing = (specifier: string) =>
  `import * as imported from '${specifier}';\nexport const used = imported;\n`;

describe('lint keeps imports pointing down', () => {
  it('fails an import from the engine into the api, and passes one into the contract', async () => {
    expect(await importProblems('src-main/engine/probe.ts', importing('../api/index.ts'))).toEqual([
      expect.stringMatching(/no-restricted-paths: .*The engine is ML only/),
    ]);
    expect(
      await importProblems('src-main/engine/probe.ts', importing('../contract/index.ts')),
    ).toEqual([]);
  });

  it('fails imports from the engine into the library, the jobs and the doors', async () => {
    for (const above of ['../library/index.ts', '../jobs/index.ts', '../server/index.ts'])
      expect(
        await importProblems('src-main/engine/diffusion/probe.ts', importing(`../${above}`)),
        above,
      ).toHaveLength(1);
  });

  it('keeps the contract at the ground: it imports nothing of ours', async () => {
    expect(
      await importProblems('src-main/contract/probe.ts', importing('../engine/types.ts')),
    ).toEqual([expect.stringMatching(/The contract is the ground/)]);
  });

  it('lets jobs import the engine through engine/index.ts only', async () => {
    expect(await importProblems('src-main/jobs/probe.ts', importing('../engine/index.ts'))).toEqual(
      [],
    );
    expect(
      await importProblems('src-main/jobs/probe.ts', importing('../engine/pipeline.ts')),
    ).toEqual([expect.stringMatching(/only engine\/index.ts/)]);
  });

  it('fails an import from the library into the jobs, and from the api into a door', async () => {
    expect(
      await importProblems('src-main/library/probe.ts', importing('../jobs/index.ts')),
    ).toHaveLength(1);
    expect(await importProblems('src-main/api/probe.ts', importing('../server/index.ts'))).toEqual([
      expect.stringMatching(/imports no door/),
    ]);
  });

  it('lets the renderer import the contract from src-main and nothing else', async () => {
    expect(
      await importProblems('src-renderer/probe.ts', importing('../src-main/contract/index.ts')),
    ).toEqual([]);
    expect(
      await importProblems('src-renderer/probe.ts', importing('../src-main/library/index.ts')),
    ).toEqual([expect.stringMatching(/imports the contract/)]);
  });

  it('fails an import cycle: predictors.ts importing pipeline.ts, which imports it', async () => {
    const path = 'src-main/engine/predictors.ts';
    const source = readFileSync(join(root, path), 'utf8');
    expect(await importProblems(path, source)).toEqual([]);
    expect(
      await importProblems(
        path,
        `import { settingsFor } from './pipeline.ts';\n${source}\nexport const again = settingsFor;\n`,
      ),
    ).toEqual([expect.stringMatching(/no-cycle/)]);
  });
});
