/**
 * The review workstation end to end in browser mode: the renderer is built, `anomap serve`
 * runs over a library of generated slices with one finished run, and headless Chromium walks
 * the views: filter the library, open Review, give a one-key verdict (auto-advance), draw a
 * finding box and undo it, open the help, read an evaluation and export the run's report, and
 * look at Run, Train and Settings. Each step is checked through the api, and a screenshot of
 * each view is kept in test-results/renderer/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  cases,
  extraCases,
  seedLibrary,
  writeEvaluation,
  writeSlices,
} from '../renderer/e2e/fixtures.ts';
import { writeTinyModels } from '../fixtures/tinyModels.ts';
import type { ServeProcess } from '../server/serveProcess.ts';
import { startServedApp, type ServedApp } from './servedApp.ts';

const root = resolve(import.meta.dirname, '../..');
const shots = join(root, 'test-results', 'renderer');
/** The reading room at two screen sizes, kept where the walkthrough's screenshots go. */
const readingShots = join(root, 'out', 'reading-room');
let app: ServedApp;
let dir: string;
let serve: ServeProcess;
let url: string;
let browser: Browser;
let page: Page;
let runId: number;
let extraDir: string;

interface StudyRow {
  id: number;
  verdict: string | null;
  status: string;
}

async function studies(): Promise<StudyRow[]> {
  return (await serve.call<{ studies: StudyRow[] }>('listStudies', { limit: 100 })).studies;
}

async function annotationsOf(studyId: number): Promise<unknown[]> {
  return (await serve.call<{ annotations: unknown[] }>('getStudy', { studyId })).annotations;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function openView(name: string): Promise<void> {
  await page.click(`nav button[data-view="${name}"]`);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  mkdirSync(readingShots, { recursive: true });
  app = await startServedApp('renderer', async (dir) => {
    const libraryDir = join(dir, 'library');
    runId = await seedLibrary(libraryDir, await writeSlices(dir));
    writeEvaluation(libraryDir, 'e2e-evaluation');
    extraDir = await writeSlices(dir, 'extra', extraCases, 100);
    const modelsDir = join(dir, 'models');
    await writeTinyModels(modelsDir);
    writeFileSync(
      join(modelsDir, 'README.md'),
      '# Tiny model card\n\nResearch use only.\n\n| metric | value |\n| --- | ---: |\n| image AUROC | 0.758 |\n\n<script>window.cardRan = true</script>\n',
    );
    // Diagnostics: the job tray is watched on a selftest job.
    return { libraryDir, modelsDir, diagnostics: true };
  });
  ({ dir, serve, browser, page } = app);
  url = serve.url;
  expect(app.pageErrors).toEqual([]);
}, 180_000);

afterAll(() => app?.close());

describe('review workstation in browser mode', () => {
  it('lists the imported studies with their status counts and filters them', async () => {
    await page.waitForSelector('tr.study');
    expect(await page.locator('tr.study').count()).toBe(cases.length);
    await expect
      .poll(() => page.locator('.count').first().textContent())
      .toContain(`${cases.length}`);
    // "Next cases to label" takes the reader to them: Review opens on the worklist.
    await page.click('text=Next cases to label');
    await page.waitForSelector('.review[data-loading="false"] canvas[aria-label="Anomaly map"]');
    await openView('library');
    // The list kept the filter. Most anomalous first: the first row is a study with a lesion.
    const topScore = async () =>
      Number(await page.locator('tr.study').first().locator('td.score').textContent());
    await expect.poll(topScore).toBeGreaterThan(0.2);
    await shot('library');
  });

  it('opens Review with input, reconstruction and anomaly map side by side', async () => {
    await page.click('text=Review this page');
    await page.waitForSelector('canvas[aria-label="Input + anomaly overlay"]');
    expect(await page.locator('canvas').count()).toBe(3);
    await expect
      .poll(() => page.locator('section[aria-label="AI result"]').textContent())
      .toContain('pathological');
    await shot('review');
    await page.keyboard.press('o');
    await page.waitForSelector('canvas[aria-label="Input"]');
    await page.keyboard.press('o');
  });

  it('gives a one-key verdict and moves on to the next case', async () => {
    const first = (await page.locator('[data-testid="worklist-position"]').textContent())?.trim();
    expect(first).toMatch(/^1 \//);
    const firstStudy = await page.locator('.review').getAttribute('data-study-id');
    const before = await studies();
    await page.keyboard.press('n');
    await expect
      .poll(async () =>
        (await page.locator('[data-testid="worklist-position"]').textContent())?.trim(),
      )
      .toMatch(/^2 \//);
    // The next case is on screen once Review has loaded it.
    await page.waitForSelector(
      `.review[data-loading="false"]:not([data-study-id="${firstStudy}"])`,
    );
    await expect
      .poll(async () => (await studies()).filter((s) => s.verdict === 'normal').length)
      .toBe(before.filter((s) => s.verdict === 'normal').length + 1);
  });

  it('draws a finding box, saves it, and removes it again with undo', async () => {
    const studyId = Number(await page.locator('.review').getAttribute('data-study-id'));
    expect(studyId).toBeGreaterThan(0);
    await page.click('button:text-is("Box")');
    // A new box names its finding: none is chosen until the reader picks one.
    await page.selectOption('select[aria-label="Finding for new boxes"]', 'mass');
    const canvas = page.locator('canvas').first();
    const area = await canvas.boundingBox();
    if (!area) throw new Error('the input canvas is not on screen');
    await page.mouse.move(area.x + 120, area.y + 100);
    await page.mouse.down();
    await page.mouse.move(area.x + 170, area.y + 150, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.locator('ul[aria-label="Boxes"] li button').count()).toBe(1);
    await expect.poll(async () => (await annotationsOf(studyId)).length).toBe(1);
    await shot('review-box');

    await page.click('button:has-text("Undo")');
    await expect.poll(() => page.locator('ul[aria-label="Boxes"] li button').count()).toBe(0);
    await expect.poll(async () => (await annotationsOf(studyId)).length).toBe(0);
  });

  it('measures a ruler and a region on the slice and keeps them with the case', async () => {
    const studyId = Number(await page.locator('.review').getAttribute('data-study-id'));
    const canvas = page.locator('canvas').first();
    const area = await canvas.boundingBox();
    if (!area) throw new Error('the input canvas is not on screen');
    const drag = async (from: [number, number], to: [number, number]) => {
      await page.mouse.move(area.x + from[0], area.y + from[1]);
      await page.mouse.down();
      await page.mouse.move(area.x + to[0], area.y + to[1], { steps: 4 });
      await page.mouse.up();
    };
    await page.click('button:text-is("Ruler")');
    await drag([100, 100], [220, 100]);
    // PNG slices carry no pixel spacing: the ruler says pixels, not millimetres.
    await expect
      .poll(() => page.locator('[data-testid="measurement"] .mono').textContent())
      .toMatch(/^ruler \d+\.\d px$/);
    await page.click('button:text-is("Region")');
    await drag([150, 150], [260, 260]);
    const region = page.locator('[data-testid="measurement"] .mono');
    await expect.poll(() => region.textContent()).toMatch(/^region mean \d+ SD [\d.]+, area /);
    const said = (await region.textContent()) ?? '';
    await shot('review-measure');
    await page.click('button:has-text("Keep with the case")');
    await expect
      .poll(
        async () =>
          (await serve.call<{ label: { comment: string | null } }>('getStudy', { studyId })).label
            .comment,
      )
      .toContain(said);
    await page.click('button:text-is("W/L")');
  });

  it('shows every shortcut in the help overlay', async () => {
    await page.keyboard.press('?');
    const help = page.locator('[role="dialog"]');
    await help.waitFor();
    expect(await help.textContent()).toContain('Verdict: normal, then next case');
    await shot('help');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  it('offers presets and custom L, k, s for a reconstruction of the selected studies', async () => {
    await openView('library');
    // Library kept its "Next cases to label" filter; every study is wanted here.
    await page.selectOption('select[aria-label="Label"]', '');
    await expect.poll(() => page.locator('tr.study').count()).toBe(cases.length);
    await page.click('text=Select all');
    // Selecting all asks the server for every matching id: wait until the Library counts them.
    await page.waitForSelector(`text=· ${cases.length} selected`);
    await openView('run');
    await page.waitForSelector(`text=${cases.length} studies selected`);
    await page.click('label:has-text("custom")');
    await page.waitForSelector('text=Noise level L');
    await shot('run');
  });

  it('reads an evaluation in Evaluate and exports the run report', async () => {
    await openView('evaluate');
    await page.waitForSelector('text=Guided vs unguided');
    expect(await page.locator('.evaluate').textContent()).toContain(
      'nonspecific white matter lesion',
    );
    await page.waitForSelector(`option[value="${runId}"]`, { state: 'attached' });
    // The four most and four least anomalous studies.
    await expect.poll(() => page.locator('.example').count()).toBe(Math.min(8, cases.length));
    await shot('evaluate');
    await page.click('text=Export report');
    await page.waitForSelector('text=Report written');
    const files = await page.locator('.exported a').allTextContents();
    expect(files.some((f) => f.endsWith('.csv'))).toBe(true);
  });

  it('shows the training form and the settings with the backend and library', async () => {
    await openView('train');
    await page.waitForSelector('text=Start training');
    await shot('train');
    await openView('settings');
    await page.waitForSelector('text=Library location');
    // The backend is probed in the engine process, which loads TensorFlow.js first.
    await page.waitForSelector('text=Why:', { timeout: 60_000 });
    expect(await page.locator('[data-testid="backend"]').textContent()).toMatch(
      /^Computing with .+ on (one thread|\d+ threads)\.$/,
    );
    // The model card is a page: its table rendered, its script not run.
    const card = page.locator('section[aria-label="Model card"]');
    await card.locator('td:text-is("0.758")').waitFor();
    expect(await card.locator('h1').textContent()).toBe('Tiny model card');
    expect(await page.evaluate(() => 'cardRan' in window)).toBe(false);
    expect(await card.locator('script').count()).toBe(0);
    await shot('settings');
  });

  it('imports slices from the Library with a progress bar and says what failed and why', async () => {
    await openView('library');
    const missing = join(dir, 'no-such-slice.png');
    await page.fill('textarea[aria-label="Paths to import"]', `${extraDir}\n${missing}`);
    await page.click('button:text-is("Import")');
    // The import runs as a job in the engine process; the machine may be busy.
    await page.waitForSelector('p.summary, .import > p.error', { timeout: 150_000 });
    await shot('library-import');
    expect(await page.locator('.import > p.error').allTextContents()).toEqual([]);
    expect(await page.locator('p.summary').textContent()).toContain(
      `Imported ${extraCases.length}`,
    );
    expect(await page.locator('.import > details:not(.from-pacs)').textContent()).toContain(
      'no-such-slice.png',
    );
  }, 180_000);

  it('reconstructs the imported studies with tiny models and opens the results in Review', async () => {
    await page.fill('input[aria-label="Search"]', 'extra');
    await expect.poll(() => page.locator('tr.study').count()).toBe(extraCases.length);
    await page.click('text=Select all');
    await openView('run');
    await page.click('label:has-text("Shipped preset")');
    await page.check('label:has-text("Keep the denoising chain") input');
    await page.click(`button:has-text("Reconstruct ${extraCases.length} studies")`);
    await page.waitForSelector('button:has-text("Open results in Review"), .run > p.error', {
      timeout: 150_000,
    });
    expect(await page.locator('.run > p.error').allTextContents()).toEqual([]);
    await shot('run-finished');
    await page.click('text=Open results in Review');
    await page.waitForSelector('canvas[aria-label="Anomaly map"]');
    // The kept chain plays in Review, frame by frame with its phase and t.
    await page.waitForSelector('section[aria-label="Denoising chain"] img');
    const chain = await page.locator('section[aria-label="Denoising chain"]').textContent();
    expect(chain).toMatch(/1 \/ \d+\s*(noising|guided denoising), t = \d+/);
    // The tiny models work at 32 px on these 64 px slices: Review says why the maps look soft.
    const note = await page.locator('[data-testid="model-resolution"]').textContent();
    expect(note?.replace(/\s+/g, ' ')).toMatch(
      /computed at 32 × 32 px, the models' size, and enlarged to this 64 × 64 slice/,
    );
    await shot('review-tiny-model');
  }, 180_000);
});

async function readerVerdictOf(studyId: number): Promise<string | null> {
  return (await serve.call<{ label: { verdict: string | null } }>('getStudy', { studyId })).label
    .verdict;
}

describe.each([
  [1280, 800],
  [1920, 1080],
])('the reading room at %ix%i', (width, height) => {
  let p: Page;
  const snap = (name: string) =>
    p.screenshot({ path: join(readingShots, `${width}x${height}-${name}.png`) });

  beforeAll(async () => {
    p = await browser.newPage({ viewport: { width, height } });
    await p.goto(url);
    await p.waitForSelector('nav button[data-view="library"]');
  });
  afterAll(() => p?.close());

  it('lists the imported, labelled dataset as cases still to label, references hidden', async () => {
    // The cases that came with the labelled manifest (the extra slices came without labels).
    await p.fill('input[aria-label="Search"]', 'case-');
    await p.waitForSelector(`select[aria-label="Model run"] option[value="${runId}"]`, {
      state: 'attached',
    });
    await p.selectOption('select[aria-label="Model run"]', String(runId));
    await p.click('text=Next cases to label');
    // It opens Review on those cases; the list behind it keeps the filter.
    await p.waitForSelector('.review');
    await p.click('nav button[data-view="library"]');
    // The list has followed the filters: the seeded run's unlabelled cases, every one scored,
    // and your label (10th column) empty on every row, since the dataset's labels are
    // references. Both are polled together: the list refreshes once per filter change, and a
    // case labelled by an earlier test stays listed until the "to label" order has applied.
    const listed = async () => ({
      scores: await p.locator('tr.study td.score').allTextContents(),
      yours: await p.locator('tr.study td:nth-child(10)').allTextContents(),
    });
    await expect
      .poll(async () => {
        const { scores, yours } = await listed();
        return (
          scores.length > 0 &&
          scores.every((score) => /^\d/.test(score.trim())) &&
          yours.every((label) => label.trim() === '—')
        );
      })
      .toBe(true);
    const { yours } = await listed();
    expect(yours.length).toBeGreaterThan(0);
    expect(yours.every((label) => label.trim() === '—')).toBe(true);
    expect(await p.locator('th:text-is("Reference")').count()).toBe(0);
    // Library's score columns fit without scrolling the page sideways.
    const score = await p.locator('td.score').first().boundingBox();
    expect(score && score.x + score.width).toBeLessThanOrEqual(width);
    await snap('1-library');
  });

  it('reads a case blind, keeps arrows on a focused slider, corrects a verdict without moving on, then reveals the reference', async () => {
    await p.click('text=Review this page');
    await p.waitForSelector('.review[data-loading="false"] canvas[aria-label="Anomaly map"]');
    const studyId = Number(await p.locator('.review').getAttribute('data-study-id'));
    const reference = p.locator('section[aria-label="Reference label"]');
    expect(await reference.getAttribute('data-revealed')).toBe('false');
    expect(await reference.locator('button').isDisabled()).toBe(true);
    // The input is read at a useful size; the AI result and the reveal are above the fold.
    const input = await p.locator('canvas[aria-label="Input + anomaly overlay"]').boundingBox();
    expect(input?.width).toBeGreaterThanOrEqual(400);
    for (const selector of ['[data-testid="ai-verdict"]', 'button:has-text("Reveal reference")']) {
      const box = await p.locator(selector).boundingBox();
      expect(box && box.y + box.height, selector).toBeLessThanOrEqual(height);
    }
    // W/L in numbers; the image verdict names its operating point.
    expect(await p.locator('[data-testid="window-level"]').textContent()).toMatch(
      /^C \d+ · W \d+$/,
    );
    expect(await p.locator('section[aria-label="AI result"]').textContent()).toContain(
      'Image operating point (score)',
    );

    const counter = () => p.locator('[data-testid="worklist-position"]').textContent();
    const at = await counter();
    const opacity = p.locator('input[aria-label="Opacity"]');
    await opacity.focus();
    const before = await opacity.inputValue();
    await p.keyboard.press('ArrowRight');
    expect(await opacity.inputValue()).not.toBe(before);
    expect(await counter()).toBe(at);
    await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    await p.keyboard.press('Shift+P');
    await expect.poll(() => readerVerdictOf(studyId)).toBe('pathological');
    expect(Number(await p.locator('.review').getAttribute('data-study-id'))).toBe(studyId);
    await reference.locator('button:has-text("Reveal reference")').click();
    await expect.poll(() => reference.textContent()).toContain('from the dataset');
    await snap('2-review-revealed');
  });

  it('undoes a verdict after moving on and coming back', async () => {
    const studyId = Number(await p.locator('.review').getAttribute('data-study-id'));
    await p.keyboard.press('n'); // by mistake: saves "normal" and moves on
    await p.waitForSelector(`.review[data-loading="false"]:not([data-study-id="${studyId}"])`);
    await expect.poll(() => readerVerdictOf(studyId)).toBe('normal');
    await p.keyboard.press('ArrowLeft');
    await p.waitForSelector(`.review[data-loading="false"][data-study-id="${studyId}"]`);
    await p.keyboard.press('Control+z');
    await expect.poll(() => readerVerdictOf(studyId)).toBe('pathological');
    await snap('3-review-undone');
  });

  it('watches a job from another view and after a reload, and cancels it from the tray', async () => {
    await p.click('nav button[data-view="library"]');
    const job = await serve.call<{ id: string }>('startJob', {
      spec: { kind: 'selftest', steps: 400, stepMs: 100 },
    });
    const row = p.locator(`.tray [data-job-id="${job.id}"]`);
    await expect.poll(() => row.textContent(), { timeout: 60_000 }).toMatch(/\d+ \/ 400 · \d+ %/);
    await p.reload();
    await p.waitForSelector('nav button[data-view="library"]');
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toMatch(/\d+ \/ 400/);
    await p.click('nav button[data-view="settings"]');
    expect(await row.isVisible()).toBe(true);
    await snap('4-job-tray');
    await row.locator('button:text-is("Cancel")').click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled');
    expect(await row.textContent()).not.toMatch(/ETA|left/);
  }, 120_000);
});

describe('a shuffled worklist read blind with the keyboard only at 1280x800', () => {
  let p: Page;
  const snap = (name: string) =>
    p.screenshot({ path: join(readingShots, `1280x800-worklist-${name}.png`) });
  const counter = async () =>
    (await p.locator('[data-testid="worklist-position"]').textContent())?.trim();
  const studyOnScreen = async () =>
    Number(await p.locator('.review').getAttribute('data-study-id'));

  beforeAll(async () => {
    p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await p.goto(url);
    await p.waitForSelector('nav button[data-view="library"]');
  });
  afterAll(() => p?.close());

  it('reads 10 cases in a seeded random order, reveals, accepts, undoes after a verdict key, and ends on the summary', async () => {
    await p.fill('input[aria-label="Search"]', 'case-');
    await p.waitForSelector(`select[aria-label="Model run"] option[value="${runId}"]`, {
      state: 'attached',
    });
    await p.selectOption('select[aria-label="Model run"]', String(runId));
    await p.selectOption('select[aria-label="Label"]', '');
    await expect.poll(() => p.locator('tr.study').count()).toBe(cases.length);
    await expect
      .poll(async () => (await p.locator('tr.study td.score').allTextContents()).join())
      .toMatch(/^\d/);
    const listed = (await p.locator('tr.study td:nth-child(3)').allTextContents()).map(Number);
    await p.click('text=Review this page');
    await p.waitForSelector('.review[data-loading="false"] canvas[aria-label="Anomaly map"]');
    await p.selectOption('select[aria-label="Worklist order"]', 'shuffled');
    await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await expect.poll(counter).toBe(`1 / ${cases.length}`);

    const seen: number[] = [];
    let lastBefore: string | null = null;
    const heatScales = new Map<string, string>();
    for (let i = 0; i < cases.length; i++) {
      await expect.poll(counter).toBe(`${i + 1} / ${cases.length}`);
      await p.waitForSelector(
        `.review[data-loading="false"]:not([data-study-id="${seen.at(-1) ?? ''}"]) canvas[aria-label="Anomaly map"]`,
      );
      const studyId = await studyOnScreen();
      seen.push(studyId);
      // Earlier tests labelled some of these cases: what each held before this list.
      const before = await readerVerdictOf(studyId);
      if (i === cases.length - 1) lastBefore = before;
      const reference = p.locator('section[aria-label="Reference label"]');
      // Blind: the reference is hidden whatever was decided on this case before.
      expect(await reference.getAttribute('data-revealed')).toBe('false');
      const ai = (await p.locator('[data-testid="ai-verdict"]').textContent())?.trim() ?? '';
      expect(['normal', 'pathological']).toContain(ai);
      // The same heat scale for every case: the colour bar's range and its caption.
      const colorbar = p.locator('.colorbar');
      const scale = `${await colorbar.getAttribute('aria-label')} · ${await colorbar
        .locator('[data-testid="heat-scale"]')
        .textContent()}`;
      if (!heatScales.has(ai)) {
        heatScales.set(ai, scale);
        await snap(`heat-scale-${ai}`);
      }
      expect(scale).toBe([...heatScales.values()][0]);

      if (i === 0) {
        // Everything the reader acts on is above the fold at 1280 x 800.
        for (const selector of [
          '[data-testid="ai-verdict"]',
          'button:has-text("Reveal reference")',
        ]) {
          const box = await p.locator(selector).boundingBox();
          expect(box && box.y + box.height, selector).toBeLessThanOrEqual(800);
        }
        // R before deciding reveals nothing; Shift+A accepts the AI verdict and stays.
        if (before === null) {
          await p.keyboard.press('r');
          expect(await reference.getAttribute('data-revealed')).toBe('false');
        }
        await p.keyboard.press('Shift+A');
        await expect.poll(() => readerVerdictOf(studyId)).toBe(ai);
        await p.keyboard.press('r');
        await expect.poll(() => reference.getAttribute('data-revealed')).toBe('true');
        await snap('revealed');
        await p.keyboard.press('ArrowRight');
      } else if (i === 1) {
        const wrong = ai === 'normal' ? 'pathological' : 'normal';
        await p.keyboard.press(wrong === 'normal' ? 'n' : 'p'); // by mistake: saves and moves on
        await expect.poll(counter).toBe(`3 / ${cases.length}`);
        await p.waitForSelector(`.review[data-loading="false"]:not([data-study-id="${studyId}"])`);
        await expect.poll(() => readerVerdictOf(studyId)).toBe(wrong);
        // Ctrl+Z on the next case takes the verdict back, on its own case.
        await p.keyboard.press('Control+z');
        await expect.poll(counter).toBe(`2 / ${cases.length}`);
        await expect.poll(() => readerVerdictOf(studyId)).toBe(before);
        await p.waitForSelector(`.review[data-loading="false"][data-study-id="${studyId}"]`);
        await p.keyboard.press('a');
      } else {
        await p.keyboard.press('a');
      }
      await expect.poll(() => readerVerdictOf(studyId)).toBe(ai);
    }

    // Every case once, not in the order listed (5 of one kind first, as Library sorted them).
    expect([...seen].sort((a, b) => a - b)).toEqual([...listed].sort((a, b) => a - b));
    expect(seen).not.toEqual(listed);
    expect([...heatScales.keys()].sort()).toEqual(['normal', 'pathological']);
    expect([...heatScales.values()][0]).toContain('fixed scale, same for every case');

    const summary = p.locator('section[aria-label="Worklist summary"]');
    await summary.waitFor();
    expect(await summary.locator('[data-testid="cases-read"]').textContent()).toBe(
      `${cases.length} of ${cases.length}`,
    );
    // The ideal model agrees with the reference everywhere, and so does the reader accepting it.
    expect(await summary.locator('[data-testid="kappa"]').textContent()).toMatch(
      new RegExp(`^\\s*1\\.00\\s+n = ${cases.length}\\s*$`),
    );
    expect(await summary.locator('[data-testid="ai-rates"]').textContent()).toContain(
      `1.00 (0.57–1.00), ${cases.filter((c) => c.lesion).length}/${cases.filter((c) => c.lesion).length}`,
    );
    await snap('summary');
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      summary.locator('button:has-text("Export CSV")').click(),
    ]);
    const csv = await (await download.createReadStream()).toArray();
    const text = Buffer.concat(csv).toString('utf8');
    expect(text.split('\n')[0]).toBe(
      'position,study_id,reader_verdict,ai_verdict,reference_verdict,seconds_to_verdict,measurements',
    );
    expect(text).toContain('# kappa_reader_vs_reference,1.0000');

    // Ctrl+Z on the summary takes back the last verdict, on its case.
    const last = seen.at(-1)!;
    await p.keyboard.press('Control+z');
    await summary.waitFor({ state: 'detached' });
    await expect.poll(studyOnScreen).toBe(last);
    await expect.poll(() => readerVerdictOf(last)).toBe(lastBefore);
  }, 180_000);
});
