/**
 * Issue 22's "Done when", in the app: with a real Orthanc (loopback, basic auth) holding an MR
 * study, a reader in browser mode (headless Chromium, clicks and typing only) adds the PACS in
 * Settings and checks the connection, searches it from Import > From a PACS, ticks the study and
 * imports it, reconstructs it with tiny models, opens it in Review and clicks Send to PACS. The
 * source study is then read back over DICOMweb (QIDO-RS, WADO-RS metadata): same
 * StudyInstanceUID, a Segmentation and a Parametric Map in it, and the password typed in
 * Settings is nowhere in the library folder. Without chromium or Orthanc it fails, saying what to
 * install.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mrStudy, type MrStudy } from '../fixtures/mrStudy.ts';
import {
  orthancUser,
  secretsIn,
  startOrthanc,
  uploadToOrthanc,
  type RunningOrthanc,
} from '../fixtures/orthanc.ts';
import { writeTinyModels } from '../fixtures/tinyModels.ts';
import { startServedApp, type ServedApp } from './servedApp.ts';

const root = resolve(import.meta.dirname, '../..');
const shots = join(root, 'test-results', 'pacs');
const segmentationSopClass = '1.2.840.10008.5.1.4.1.1.66.4';
const parametricMapSopClass = '1.2.840.10008.5.1.4.1.1.30';

let app: ServedApp;
let dir: string;
let orthanc: RunningOrthanc;
let mr: MrStudy;
let page: Page;
let pageErrors: string[];

type DicomJson = Record<string, { Value?: unknown[] }>;

/** A DICOMweb GET on the test's Orthanc as any DICOMweb client would do it. */
async function dicomweb(path: string): Promise<DicomJson[]> {
  const response = await fetch(`${orthanc.dicomweb}${path}`, {
    headers: { authorization: orthanc.authorization, accept: 'application/dicom+json' },
  });
  expect(response.status, path).toBe(200);
  return (await response.json()) as DicomJson[];
}

const tag = (item: DicomJson, key: string) => item[key]?.Value?.[0];

const shot = (name: string) =>
  page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
const openView = (name: string) => page.click(`nav button[data-view="${name}"]`);

beforeAll(async () => {
  // What is missing is said first: Orthanc here, Chromium before the build (startServedApp);
  // both throw with the package to install.
  orthanc = await startOrthanc();
  mr = mrStudy({ patientId: 'PAT-E2E-1', patientName: 'Roe^Rita' });
  for (const file of mr.files) await uploadToOrthanc(orthanc, file);
  mkdirSync(shots, { recursive: true });
  app = await startServedApp('pacs', async (dir) => {
    const modelsDir = join(dir, 'models');
    // A low pixel operating point, so the untrained models' map marks pixels for the SEG.
    await writeTinyModels(modelsDir, { preset: { pixelThreshold: 0.008 } });
    return { modelsDir };
  });
  ({ dir, page, pageErrors } = app);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await orthanc?.stop();
});

describe('from the PACS and back, in browser mode', () => {
  it('pulls a study, reconstructs it, sends SEG and PMAP into the source study, and keeps no password', async () => {
    // Settings: add the PACS, type the password for this session, check the connection.
    await openView('settings');
    const form = page.locator('form[aria-label="Add a PACS"]');
    await form.locator('label:has-text("Name") input').fill('Orthanc');
    await form.locator('label:has-text("DICOMweb URL") input').fill(orthanc.dicomweb);
    await form.locator('label:has-text("Authentication") select').selectOption('basic');
    await form.locator('label:has-text("User") input').fill(orthancUser.user);
    await form.locator('button:text-is("Save PACS")').click();
    const endpoint = page.locator('article.endpoint', { hasText: 'Orthanc' });
    await endpoint.waitFor();
    const password = endpoint.locator('input[aria-label="Password for Orthanc"]');
    // Check connection first without it, then type it and press Enter.
    await endpoint.locator('button:text-is("Check connection")').click();
    await expect
      .poll(() => endpoint.locator('p[role="status"]').textContent())
      .toBe('no password given in this session: enter it first');
    await password.fill(orthancUser.password);
    await password.press('Enter');
    const said = endpoint.locator('p[role="status"]');
    await expect
      .poll(() => said.textContent())
      .toBe(`connected to ${orthanc.dicomweb} with basic credentials: it answers study searches`);
    expect(await said.getAttribute('class')).toContain('ok');
    await shot('1-settings-checked');

    // Library > Import > From a PACS: search, tick the study, import it; the tray shows the job.
    await openView('library');
    await page.click('details.from-pacs summary');
    const search = page.locator('form[aria-label="Search the PACS"]');
    await search.locator('button:text-is("Search")').click();
    const found = page.locator('ul[aria-label="Studies found"] li', { hasText: mr.studyUid });
    await found.waitFor();
    expect(await found.textContent()).toContain('Roe, Rita (PAT-E2E-1)');
    await found.locator('input[type="checkbox"]').check();
    await page.click('button:text-is("Import selected (1)")');
    // A finished job stays in the tray for a few seconds, then leaves it.
    await page
      .locator('.tray .job[data-status="finished"]', { hasText: 'Pull from PACS' })
      .waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.locator('.pacs-import p.summary').textContent())
      .toBe('1 study imported (3 slices).');
    await expect.poll(() => page.locator('tr.study').count()).toBe(1);
    expect(await page.locator('tr.study').textContent()).toContain('PAT-E2E-1');
    await shot('2-library-pulled');

    // Reconstruct it with the tiny models and open the result in Review.
    await page.click('button:has-text("Select all 1 matching")');
    await page.click('button:text-is("Reconstruct selected…")');
    await page.click('label:has-text("Shipped preset")');
    await page.click('button:text-is("Reconstruct 1 study")');
    await page.waitForSelector('button:has-text("Open results in Review"), .run > p.error', {
      timeout: 60_000,
    });
    expect(await page.locator('.run > p.error').allTextContents()).toEqual([]);
    await page.click('button:has-text("Open results in Review")');
    await page.waitForSelector('.review[data-loading="false"] canvas[aria-label="Anomaly map"]');

    // Send to PACS: the job finishes in the panel and in the tray.
    await page.click('button:has-text("Send to PACS (Orthanc)")');
    const sent = page.locator('section[aria-label="Send to PACS"] p[role="status"]');
    await sent.waitFor({ timeout: 30_000 });
    expect(await sent.textContent()).toBe(
      `Stored 8 objects (Secondary Capture, Segmentation, Parametric Map) into study ${mr.studyUid}.`,
    );
    await page
      .locator('.tray .job[data-status="finished"]', { hasText: 'Send to PACS' })
      .waitFor({ timeout: 5_000 });
    await shot('3-review-sent');
    // Back in Review later, the case says it was sent (the tray forgets a finished job).
    await openView('library');
    await openView('review');
    await expect.poll(() => sent.textContent()).toContain(`into study ${mr.studyUid}`);
    expect(pageErrors).toEqual([]);

    // Read the source study back over DICOMweb: QIDO-RS for the study and its series...
    const studies = await dicomweb(`/studies?StudyInstanceUID=${mr.studyUid}`);
    expect(studies.map((study) => tag(study, '0020000D'))).toEqual([mr.studyUid]);
    const series = await dicomweb(`/studies/${mr.studyUid}/series`);
    const modalities = series.map((one) => tag(one, '00080060'));
    expect(modalities).toContain('SEG');
    // ...and WADO-RS metadata of every new series: their SOP classes and their study.
    const sopClasses: unknown[] = [];
    for (const one of series) {
      const seriesUid = tag(one, '0020000E');
      if (seriesUid === mr.seriesUid) continue;
      const metadata = await dicomweb(`/studies/${mr.studyUid}/series/${seriesUid}/metadata`);
      for (const instance of metadata) {
        expect(tag(instance, '0020000D')).toBe(mr.studyUid);
        expect(tag(instance, '00100020')).toBe('PAT-E2E-1');
        sopClasses.push(tag(instance, '00080016'));
      }
    }
    // Every object the send reported is in the study.
    expect(sopClasses).toHaveLength(8);
    expect(sopClasses).toContain(segmentationSopClass);
    expect(sopClasses).toContain(parametricMapSopClass);
    const segSeries = series.filter((one) => tag(one, '00080060') === 'SEG');
    expect(segSeries).toHaveLength(1);

    // The password typed in Settings is nowhere in the library folder.
    expect(secretsIn(join(dir, 'library'))).toEqual([]);
  }, 120_000);
});
