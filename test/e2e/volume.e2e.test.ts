/**
 * Issue 21's "Done when", in browser mode as a reader does it: headless Chromium over `anomap
 * serve`. A 189-slice 1 mm synthetic head (test/fixtures/headPhantom.ts, 64 x 64 in plane),
 * written as a .nii.gz stored superior first, is imported through the Import panel and is one
 * study of 189 slices in the Library; a reconstruction with the defaults (the tiny test models)
 * maps only the slices the models' domain rule accepts, far fewer than 189, and finishes in the
 * job tray; the Library shows one study score; Review scrolls the stack with the wheel and the
 * keyboard with the three panes in step, and a slice outside the slab says it has no map; and
 * `getStudy` returns the 189 slices in position order with the results on the slab's slices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { Run, StudyDetail, StudySummary } from '../../src-main/contract/index.ts';
import { modelDomain } from '../../src-main/engine/volume/modelDomain.ts';
import { headPhantom, ixiLikePhantom, type HeadPhantomOptions } from '../fixtures/headPhantom.ts';
import { writeTinyModels } from '../fixtures/tinyModels.ts';
import { niftiBytes } from '../library/fixtures/nifti.ts';
import type { ServeProcess } from '../server/serveProcess.ts';
import { startServedApp, type ServedApp } from './servedApp.ts';

const root = resolve(import.meta.dirname, '../..');
const shots = join(root, 'test-results', 'renderer');
/** Issue 21's volume (189 slices, 1 mm, head from 10 to 170 mm), small in plane. */
const phantom: HeadPhantomOptions = { ...ixiLikePhantom, width: 64, height: 64 };
const SLICES = phantom.slices;
const PANES = ['Input + anomaly overlay', 'Pseudo-healthy reconstruction', 'Anomaly map'];

let app: ServedApp;
let volumePath: string;
/** The slices (0-based, inferior first) the models' domain rule accepts: what a job maps. */
let inDomain: number[];
let serve: ServeProcess;
let page: Page;
const timings: Record<string, number> = {};

/** The phantom as a gzipped NIfTI whose voxel k holds slice SLICES - 1 - k (superior first). */
function writeVolume(path: string): number[] {
  const slices = headPhantom(phantom);
  const { width, height, spacingMm } = phantom;
  const values = new Uint8Array(width * height * SLICES);
  slices.forEach((slice, z) => values.set(slice.pixels, (SLICES - 1 - z) * width * height));
  const sform: [number[], number[], number[]] = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, -spacingMm, (SLICES - 1) * spacingMm],
  ];
  writeFileSync(
    path,
    niftiBytes({ dims: [width, height, SLICES], datatype: 'uint8', values, sform, gzip: true }),
  );
  const verdicts = modelDomain(
    slices.map((slice) => ({ ...slice, pixelSpacing: [spacingMm, spacingMm] as const })),
  );
  return verdicts.flatMap((verdict, i) => (verdict.inDomain ? [i] : []));
}

beforeAll(async () => {
  const started = performance.now();
  mkdirSync(shots, { recursive: true });
  app = await startServedApp('volume', async (dir) => {
    volumePath = join(dir, 'head.nii.gz');
    inDomain = writeVolume(volumePath);
    const modelsDir = join(dir, 'models');
    // An image operating point, so the study has a verdict as well as a score.
    await writeTinyModels(modelsDir, { preset: { imageScoreThreshold: 0.05 } });
    return { modelsDir };
  });
  ({ serve, page } = app);
  expect(app.pageErrors).toEqual([]);
  timings.setupSeconds = (performance.now() - started) / 1000;
}, 180_000);

afterAll(async () => {
  console.log(`volume e2e: ${JSON.stringify(timings)}`);
  await app?.close();
});

const listed = async () =>
  (await serve.call<{ studies: StudySummary[] }>('listStudies', {})).studies;
const indicator = () => page.locator('[data-testid="slice-indicator"]');
const sliceText = (index: number) => `slice ${index + 1} / ${SLICES} · ${index.toFixed(1)} mm`;
/** Waits until slice `index` (0-based) is the one on screen, loaded. */
async function settled(index: number): Promise<void> {
  await expect.poll(async () => (await indicator().textContent())?.trim()).toBe(sliceText(index));
  await page.waitForSelector('.review[data-loading="false"]');
}
/** What each pane draws now: its canvas as a data URL, null where the pane is not shown. */
function panePixels(): Promise<(string | null)[]> {
  return page.evaluate(
    (titles) =>
      titles.map(
        (title) =>
          document.querySelector<HTMLCanvasElement>(`canvas[aria-label="${title}"]`)?.toDataURL() ??
          null,
      ),
    PANES,
  );
}
/** Does `move`, waits for slice `index`, and checks that each of the three panes changed. */
async function moveInStep(move: () => Promise<void>, index: number): Promise<void> {
  const before = await panePixels();
  await move();
  await settled(index);
  const after = await panePixels();
  expect(after.every((pixels) => pixels !== null)).toBe(true);
  after.forEach((pixels, pane) => expect(pixels, PANES[pane]).not.toBe(before[pane]));
}

describe('a 189-slice volume in browser mode (issue 21)', () => {
  let studyId: number;

  it('imports the .nii.gz through the Import panel as one study of 189 slices', async () => {
    const started = performance.now();
    await page.fill('textarea[aria-label="Paths to import"]', volumePath);
    await page.click('button:text-is("Import")');
    await page.waitForSelector('p.summary, .import > p.error', { timeout: 60_000 });
    expect(await page.locator('.import > p.error').allTextContents()).toEqual([]);
    expect(await page.locator('p.summary').textContent()).toContain('Imported 1,');
    timings.importSeconds = (performance.now() - started) / 1000;
    await expect.poll(() => page.locator('tr.study').count()).toBe(1);
    const row = page.locator('tr.study');
    expect((await row.locator('td').nth(7).textContent())?.trim()).toBe(String(SLICES));
    const studies = await listed();
    expect(studies).toHaveLength(1);
    expect(studies[0].imageCount).toBe(SLICES);
    studyId = studies[0].id;
  }, 90_000);

  it('reconstructs with the defaults: only the slab is mapped, and the job finishes in the tray', async () => {
    // The domain rule keeps a mid-axial slab, far below the 189 slices.
    expect(inDomain.length).toBeGreaterThan(20);
    expect(inDomain.length).toBeLessThan(SLICES / 2);
    expect(inDomain.at(-1)! - inDomain[0] + 1).toBe(inDomain.length);
    const started = performance.now();
    await page.check(`input[aria-label="Select study ${studyId}"]`);
    await page.click('button:text-is("Reconstruct selected…")');
    await page.click('button:text-is("Reconstruct 1 study")');
    const job = page.locator('.tray .job', { has: page.locator('b:text-is("Reconstruction")') });
    await expect
      .poll(() => job.getAttribute('data-status'), { timeout: 120_000, interval: 250 })
      .toMatch(/^(finished|failed|cancelled)$/);
    timings.reconstructSeconds = (performance.now() - started) / 1000;
    expect(await job.getAttribute('data-status')).toBe('finished');
    expect(await job.locator('.error').count()).toBe(0);
    expect(await job.textContent()).toContain('of 1 study');
    // The tray says what the run mapped and what it left out, not only "finished".
    expect(await job.textContent()).toMatch(
      new RegExp(
        `finished · ${inDomain.length} slices mapped, ${SLICES - inDomain.length} left out \\(outside the slab \\d+(, blank \\d+)?\\)`,
      ),
    );
    await page.screenshot({ path: join(shots, 'volume-reconstructed.png'), fullPage: true });
  }, 150_000);

  it('shows one study score in the Library', async () => {
    await page.click('nav button[data-view="library"]');
    await expect
      .poll(async () => (await page.locator('tr.study td.score').allTextContents()).join('|'))
      .toMatch(/^\d+\.\d{3}$/);
    const detail = await serve.call<StudyDetail>('getStudy', { studyId });
    const runId = detail.results[0].runId;
    const { studies } = await serve.call<{ studies: StudySummary[] }>('listStudies', { runId });
    expect(studies).toHaveLength(1);
    expect(studies[0].score).toBe(detail.score);
    expect(await page.locator('tr.study td.score').textContent()).toBe(detail.score!.toFixed(3));
    expect(await page.locator('tr.study td.ai-verdict').textContent()).toContain(
      `slice ${detail.hottestSliceIndex! + 1}`,
    );
  });

  it('scrolls the stack with the wheel and the keys, the three panes in step', async () => {
    const detail = await serve.call<StudyDetail>('getStudy', { studyId });
    const hottest = detail.images.findIndex((image) => image.id === detail.hottestImageId);
    expect(inDomain).toContain(hottest);
    // Library's "slice n" (hottestSliceIndex + 1) is the slice Review's indicator names.
    expect(detail.hottestSliceIndex).toBe(hottest);
    await page.click(`button[aria-label="Open study ${studyId}"]`);
    await page.waitForSelector('.review[data-loading="false"] canvas[aria-label="Anomaly map"]');
    // Review opens on the slice that gave the study its score.
    await settled(hottest);
    expect(await page.locator('[data-testid="study-score"]').textContent()).toContain(
      detail.score!.toFixed(3),
    );

    // Into the slab with the slider, then the wheel and the keys.
    const start = inDomain[10];
    const step = Math.round(SLICES / 10);
    await page.fill('input[aria-label="Slice"]', String(start + 1));
    await settled(start);
    const input = page.locator(`canvas[aria-label="${PANES[0]}"]`);
    const box = (await input.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await moveInStep(() => page.mouse.wheel(0, 100), start + 1);
    await moveInStep(() => page.mouse.wheel(0, 100), start + 2);
    await moveInStep(() => page.mouse.wheel(0, -100), start + 1);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await moveInStep(() => page.keyboard.press('ArrowDown'), start + 2);
    await moveInStep(() => page.keyboard.press('ArrowUp'), start + 1);
    await moveInStep(() => page.keyboard.press('PageDown'), start + 1 + step);
    await moveInStep(() => page.keyboard.press('PageUp'), start + 1);
    expect(await page.locator('[data-testid="slice-not-mapped"]').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'volume-review-slab.png'), fullPage: true });
  }, 60_000);

  it('says "No map for this slice" outside the slab', async () => {
    // One slice below the slab's first, with the keyboard.
    await page.fill('input[aria-label="Slice"]', String(inDomain[0] + 1));
    await settled(inDomain[0]);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    expect(await page.locator('[data-testid="slice-not-mapped"]').count()).toBe(0);
    const mappedPane = await page.locator('canvas[aria-label="Anomaly map"]').boundingBox();
    const mappedBelow = await page.locator('[data-testid="window-level"]').boundingBox();
    await page.keyboard.press('ArrowUp');
    await settled(inDomain[0] - 1);
    const note = page.locator('[data-testid="slice-not-mapped"]');
    // The map's pane keeps its place and size, with the reason in it; nothing below moves.
    expect(await note.boundingBox()).toEqual(mappedPane);
    expect(await page.locator('[data-testid="window-level"]').boundingBox()).toEqual(mappedBelow);
    expect(await note.textContent()).toMatch(
      /^\s*No map for this slice: outside the mid-axial slab the models know: /,
    );
    expect(await panePixels()).toEqual([null, null, null]);
    // The AI panel says why, not that the study has no reconstruction yet.
    const ai = page.locator('section[aria-label="AI result"]');
    expect(await ai.textContent()).toContain(
      'The run left this slice out: outside the mid-axial slab the models know',
    );
    expect(await ai.textContent()).not.toContain('No reconstruction of this study yet');
    expect(await page.locator('canvas[aria-label="Input"]').count()).toBe(1);
    // The first slice is blank air.
    await page.keyboard.press('Home');
    await settled(0);
    expect(await note.textContent()).toMatch(/^\s*No map for this slice: blank/);
    await page.screenshot({ path: join(shots, 'volume-review-outside.png'), fullPage: true });
  });

  it('getStudy returns the 189 slices in position order with the results on the slab', async () => {
    const detail = await serve.call<StudyDetail>('getStudy', { studyId });
    expect(detail.images).toHaveLength(SLICES);
    const positions = detail.images.map((image) => image.slicePositionMm!);
    positions.slice(1).forEach((position, i) => expect(position).toBeGreaterThan(positions[i]));
    expect(positions[0]).toBe(0);
    expect(positions.at(-1)).toBe(SLICES - 1);
    const indexOf = new Map(detail.images.map((image, i) => [image.id, i]));
    const mapped = detail.results
      .map((result) => indexOf.get(result.imageId)!)
      .sort((a, b) => a - b);
    expect(mapped).toEqual(inDomain);
    // Every other slice is left out with its reason.
    expect(detail.skippedSlices).toHaveLength(SLICES - inDomain.length);
    const reasons = new Set(detail.skippedSlices.map((s) => indexOf.get(s.imageId)));
    for (const index of inDomain) expect(reasons.has(index)).toBe(false);
    expect(detail.score).toBe(Math.max(...detail.results.map((result) => result.score)));
    // The run keeps the same counts: the slices it mapped and those it left out.
    const runs = await serve.call<Run[]>('listRuns', {});
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: detail.results[0].runId, status: 'done' });
    expect(runs[0].timings).toMatchObject({
      slices: inDomain.length,
      skipped: SLICES - inDomain.length,
    });
    timings.mappedSlices = mapped.length;
    timings.firstMapped = mapped[0];
    timings.lastMapped = mapped.at(-1)!;
  });
});
