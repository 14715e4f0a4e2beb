/**
 * Review's stack viewer in headless Chromium over `anomap serve`: a study of four slices with a
 * result on each opens on its most anomalous slice; the wheel and the arrow keys move through
 * the stack, and the mouse over the input shows the linked crosshair on the map pane, drawn
 * in the canvas's pixels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { Library } from '../../src-main/library/index.ts';
import { startServedApp, type ServedApp } from './servedApp.ts';

const root = resolve(import.meta.dirname, '../..');
const shots = join(root, 'test-results', 'renderer');
const SIDE = 48;
const SLICES = 4;
let app: ServedApp;
let page: Page;

/** One study of SLICES slices, each with a result; the third is the most anomalous. */
async function seed(libraryDir: string): Promise<void> {
  const library = Library.open(libraryDir);
  try {
    const images = [];
    for (let k = 0; k < SLICES; k++) {
      const pixels = new Uint8Array(SIDE * SIDE).map((_, i) => 40 + (((i % SIDE) + k * 20) % 160));
      images.push({
        hash: await library.store.put({ width: SIDE, height: SIDE, bitDepth: 8, pixels }),
        width: SIDE,
        height: SIDE,
        bitDepth: 8 as const,
        originalPath: '/volume.nii.gz',
        sliceIndex: k,
        valueSlope: 1,
        valueIntercept: 0,
      });
    }
    const { studyId } = library.addStudy({
      study: { uid: 'volume-1', patientAlias: 'V1', split: 'test', source: 'fixture' },
      images,
    });
    const run = library.createRun({ name: 'stack', settings: { imageSize: SIDE }, modelIds: [] });
    const study = library.getStudy(studyId);
    for (const [k, image] of study.images.entries()) {
      const values = new Float32Array(SIDE * SIDE).fill(0.01 * (k + 1));
      await library.saveResult({
        runId: run.id,
        imageId: image.id,
        reconstruction: {
          width: SIDE,
          height: SIDE,
          values: new Float32Array(SIDE * SIDE).fill(0.5),
        },
        map: { width: SIDE, height: SIDE, values },
        score: k === 2 ? 0.9 : 0.1 * k,
        pixelThreshold: 0.2,
      });
    }
    library.finishRun(run.id);
  } finally {
    library.close();
  }
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  app = await startServedApp(
    'stack',
    async (dir) => {
      const libraryDir = join(dir, 'library');
      await seed(libraryDir);
      return { libraryDir };
    },
    'review',
  );
  page = app.page;
}, 180_000);

afterAll(() => app?.close());

const indicator = () => page.locator('[data-testid="slice-indicator"]');
const settled = async (text: string) => {
  await expect.poll(async () => (await indicator().textContent())?.trim()).toBe(text);
  await page.waitForSelector('.review[data-loading="false"]');
};

describe('Review stack viewer in Chromium', () => {
  it('scrolls the stack with the wheel and the arrow keys, and links the cursor', async () => {
    await page.click('nav button[data-view="review"]');
    await page.waitForSelector('.review[data-loading="false"] canvas[aria-label="Anomaly map"]');
    await settled(`slice 3 / ${SLICES}`);
    const input = page.locator('canvas[aria-label="Input + anomaly overlay"]');
    const box = (await input.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 100);
    await settled(`slice 4 / ${SLICES}`);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await settled(`slice 2 / ${SLICES}`);
    await page.keyboard.press('End');
    await settled(`slice 4 / ${SLICES}`);

    // The mouse over the input: the crosshair's green is drawn on the map pane, at the same
    // place relative to the pane (the panes share one transform, scaled).
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.5);
    const greenOnMap = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas[aria-label="Anomaly map"]')!;
      const ctx = canvas.getContext('2d')!;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let green = 0;
      for (let i = 0; i < data.length; i += 4)
        if (data[i + 1] > 200 && data[i] < 120 && data[i + 2] < 120) green++;
      return green;
    });
    expect(greenOnMap).toBeGreaterThan(10);
    await page.screenshot({ path: join(shots, 'review-stack.png'), fullPage: true });
  });
});
