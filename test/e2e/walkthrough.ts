/**
 * The whole loop of a researcher on the real data, in browser mode, driven through the page
 * only (`npm run walkthrough`; needs ../shared/data/brain-mid and Debian's chromium; minutes):
 * import brain-mid from the Library view, reconstruct the test studies with the shipped models
 * keeping the denoising chains, review and label a case (maps side by side, the chain player, a
 * one-key verdict), and evaluate the
 * test split against the library's labels from the Evaluate view. Screenshots go to
 * out/walkthrough/; the evaluation is printed, to compare with the model card (models/README.md).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium } from './chromium.ts';
import { build } from 'vite';
import { startServeProcess } from '../server/serveProcess.ts';
import type { Evaluation, VariantMetrics } from '../../src-main/contract/index.ts';

const root = resolve(import.meta.dirname, '../..');
const manifest = resolve(process.argv[2] ?? join(root, '../shared/data/brain-mid/manifest.csv'));
const shots = join(root, 'out', 'walkthrough');
const minutes = (n: number) => n * 60_000;

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`walkthrough: ${what}`);
  console.log(`ok  ${what}`);
}

const dir = mkdtempSync(join(tmpdir(), 'anomap-walkthrough-'));
mkdirSync(shots, { recursive: true });
await build({
  configFile: join(root, 'vite.config.ts'),
  logLevel: 'warn',
  build: { outDir: join(dir, 'renderer'), emptyOutDir: true },
});
const serve = await startServeProcess(
  join(dir, 'library'),
  join(dir, 'renderer'),
  join(root, 'models'),
);
const browser = await launchChromium();
const started = Date.now();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const shot = (name: string) =>
    page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const openView = (name: string) => page.click(`nav button[data-view="${name}"]`);
  await page.goto(serve.url);
  await page.waitForSelector('nav button[data-view="library"]');

  // 1. Import the dataset manifest from the Library view.
  await page.fill('textarea[aria-label="Paths to import"]', manifest);
  await page.click('button:text-is("Import")');
  await page.waitForSelector('p.summary, .import > p.error', { timeout: minutes(10) });
  const summary = (await page.locator('p.summary').textContent()) ?? '';
  check(/Imported \d+/.test(summary), `import: ${summary.trim()}`);
  await shot('1-library-imported');

  // 2. The test split, all selected, reconstructed with the shipped models and their chains.
  await page.waitForSelector('.filters select[aria-label="Split"] option[value="test"]', {
    state: 'attached',
  });
  await page.selectOption('.filters select[aria-label="Split"]', 'test');
  await page.waitForSelector('button:has-text("Select all 47 matching")', { timeout: minutes(1) });
  await page.click('button:has-text("Select all 47 matching")');
  await openView('run');
  await page.click('label:has-text("Shipped preset")');
  await page.check('label:has-text("Keep the denoising chain") input');
  await page.click('button:has-text("Reconstruct 47 studies")');
  await page.waitForSelector('button:has-text("Open results in Review"), .run > p.error', {
    timeout: minutes(30),
  });
  check((await page.locator('.run > p.error').count()) === 0, 'reconstruction of 47 test studies');
  await shot('2-run-finished');

  // 3. Review: input, reconstruction and map side by side, and the chain player.
  await page.click('text=Open results in Review');
  await page.waitForSelector('canvas[aria-label="Anomaly map"]');
  await page.waitForSelector('section[aria-label="Denoising chain"] img', { timeout: minutes(1) });
  check(
    (await page.locator('section[aria-label="Denoising chain"]').textContent())?.includes('t =') ??
      false,
    'the chain player shows the kept chain',
  );
  await shot('3-review');
  // One-key verdicts: the opposite of the dataset's label (the study's reference, read blind),
  // then (back on it) the same as the reference, so the evaluation below reads the labels as
  // imported. Each key saves the reader's label and moves to the next case.
  type Labels = { label: { verdict: string | null }; reference: { verdict: string | null } | null };
  const verdictOf = async (studyId: number) =>
    (await serve.call<Labels>('getStudy', { studyId })).label.verdict;
  const studyId = Number(await page.locator('.review').getAttribute('data-study-id'));
  const imported =
    (await serve.call<Labels>('getStudy', { studyId })).reference?.verdict ?? 'normal';
  const keyOf = (verdict: string | null) => (verdict === 'normal' ? 'n' : 'p');
  const opposite = imported === 'normal' ? 'pathological' : 'normal';
  await page.keyboard.press(keyOf(opposite));
  await page.waitForSelector(`.review[data-loading="false"]:not([data-study-id="${studyId}"])`);
  check((await verdictOf(studyId)) === opposite, `one key labelled study ${studyId} ${opposite}`);
  await page.click('button:has-text("Previous")');
  await page.waitForSelector(`.review[data-loading="false"][data-study-id="${studyId}"]`);
  await page.keyboard.press(keyOf(imported));
  await page.waitForSelector(`.review[data-loading="false"]:not([data-study-id="${studyId}"])`);
  check((await verdictOf(studyId)) === imported, `and back to ${imported}, moving on each time`);
  await page.click('section[aria-label="Denoising chain"] button:has-text("Play")');
  await page.waitForTimeout(1500);
  await shot('3-review-chain-playing');

  // 4. Evaluate the test split against the library's labels (the default data).
  await openView('evaluate');
  await page.click('.evaluate button.primary:text-is("Evaluate")');
  await page.waitForFunction(
    () => document.querySelector('.evaluate')?.textContent?.includes('library labels'),
    undefined,
    { timeout: minutes(40), polling: 2000 },
  );
  await page.waitForSelector('text=Guided vs unguided');
  await shot('4-evaluate');
  const report = (await page.locator('.evaluate').textContent()) ?? '';
  check(report.includes('library labels'), 'an evaluation of the library labels is shown');
  check(errors.length === 0, `no page errors${errors.length ? `: ${errors.join('; ')}` : ''}`);

  check(report.includes('Lab F1'), 'the lab F1 is shown beside the course F1');
  const [evaluation] = await serve.call<Evaluation[]>('listEvaluations', {});
  check(
    evaluation?.fromLibrary === true && evaluation.cases === 47,
    'the evaluation covers 47 test studies',
  );
  const pick = (v: VariantMetrics | null) =>
    v && {
      imageAuroc: v.imageAuroc,
      imageAuprc: v.imageAuprc,
      pixelAuprc: v.pixelAuprc,
      bestDice: v.bestDice,
      pixelAuprcBrain: v.pixelAuprcBrain,
      bestDiceBrain: v.bestDiceBrain,
      courseF1: v.courseF1,
      labF1: v.labF1,
    };
  console.log(
    JSON.stringify(
      { guided: pick(evaluation.guided), unguided: pick(evaluation.unguided) },
      null,
      2,
    ),
  );
  console.log(
    `walkthrough finished in ${((Date.now() - started) / 60_000).toFixed(1)} min; screenshots in ${shots}`,
  );
} finally {
  await browser.close();
  await serve.stop();
  rmSync(dir, { recursive: true, force: true });
}
