/**
 * End-to-end: the built renderer in Chromium on the real handler table. Each
 * test fails on any console error and saves a screenshot of its screen under
 * e2e/artifacts/.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR } from '../src/model/default-model';
import { aliceText, useTestBackend } from '../test/helpers';
import { makeDefaultModel } from '../test/main/app-harness';
import { cannotRun, startHarness, type Harness } from './harness';

const why = cannotRun();
if (why) console.log(`SKIPPED browser end-to-end tests: ${why}.`);

describe.skipIf(why !== null)('Penwright in the browser harness', () => {
  const root = mkdtempSync(join(tmpdir(), 'penwright-e2e-'));
  const userData = join(root, 'user-data');
  let defaultModel = DEFAULT_MODEL_DIR;
  let h: Harness;

  beforeAll(async () => {
    await useTestBackend();
    if (!existsSync(join(DEFAULT_MODEL_DIR, 'penwright.json'))) {
      defaultModel = join(root, 'default-model');
      await makeDefaultModel(defaultModel);
    }
    h = await startHarness({ userDataDir: userData, defaultModelDir: defaultModel });
    await h.page.getByTestId('backend').first().waitFor();
  });
  afterEach(() => {
    const errors = h.errors.splice(0);
    expect(errors, 'console errors').toEqual([]);
  });
  afterAll(async () => {
    await h?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const editor = () => h.page.locator('.cm-content');
  const ghost = () => h.page.getByTestId('ghost-text');
  const editorText = () => editor().evaluate((el) => (el as HTMLElement).innerText);

  it('shows ghost text as you pause, and Tab inserts it', async () => {
    await editor().click();
    await h.page.keyboard.type('It was a dark and stormy night; the rain fell in torrents, except at', { delay: 5 });
    await ghost().waitFor({ timeout: 10_000 });
    const suggested = (await ghost().textContent())!;
    expect(suggested.length).toBeGreaterThan(0);
    await h.screenshot('editor-ghost-text');
    await h.page.keyboard.press('Tab');
    await expect.poll(editorText).toContain(`except at${suggested}`);
    expect(await h.page.getByTestId('latency').textContent()).toMatch(/\d+ ms/);
  });

  it('cycles through the suggestions with Alt+] and lists them in the panel', async () => {
    await h.page.keyboard.type(' The', { delay: 5 });
    await ghost().waitFor();
    const first = await ghost().getAttribute('aria-label');
    expect(first).toMatch(/Suggestion 1 of \d/);
    await h.page.keyboard.press('Alt+]');
    await expect.poll(() => ghost().getAttribute('aria-label')).toMatch(/Suggestion 2 of \d/);
    await h.page.getByRole('button', { name: 'Suggestions', exact: true }).click();
    const items = h.page.getByTestId('suggestion');
    await expect.poll(() => items.count()).toBeGreaterThanOrEqual(2);
    expect(await h.page.locator('section[aria-label="Suggestions"]').innerText()).toMatch(
      /temperature 0\.2[\s\S]*temperature 1\.2/,
    );
    await h.screenshot('suggestions-panel');
    await editor().focus();
    await h.page.keyboard.press('Escape');
    await expect.poll(() => ghost().count()).toBe(0);
  });

  it('accepts one word with Ctrl+Right, and shows Arabic paragraphs right to left', async () => {
    await editor().click();
    await h.page.keyboard.press('End');
    await h.page.keyboard.type(' and', { delay: 5 });
    await ghost().waitFor();
    const rest = (await ghost().textContent())!;
    const word = /^\s*\S+/u.exec(rest)![0];
    await h.page.keyboard.press('Control+ArrowRight');
    await expect.poll(editorText).toContain(` and${word}`);
    await h.page.keyboard.press('Escape');
    await h.page.keyboard.press('Enter');
    await h.page.keyboard.type('في البدء كان الكلمة', { delay: 5 });
    const line = h.page.locator('.cm-line', { hasText: 'في البدء' });
    await expect.poll(() => line.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    const latin = h.page.locator('.cm-line', { hasText: 'dark and stormy' });
    expect(await latin.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
  });

  it('compares drafts side by side at different temperatures', async () => {
    await h.page.getByTestId('open-compare').click();
    const drafts = h.page.getByTestId('draft-text');
    await expect.poll(() => drafts.count()).toBe(2);
    await expect
      .poll(async () => (await drafts.allInnerTexts()).every((t) => t.length > 100 && t !== 'Writing…'), {
        timeout: 20_000,
      })
      .toBe(true);
    const temps = await drafts.evaluateAll((els) => els.map((e) => e.getAttribute('data-temperature')));
    expect(temps).toEqual(['0.3', '1']);
    const texts = await drafts.allInnerTexts();
    expect(texts[0]).not.toBe(texts[1]);
    await h.screenshot('compare-drafts');
    await h.page.getByRole('button', { name: 'Insert' }).first().click();
    await expect.poll(editorText).toContain(texts[0].slice(0, 40));
  });

  it('saves a document where the writer chooses, and the file is on disk', async () => {
    const path = join(root, 'my-story.md');
    h.dialogs.answers.push(path);
    await editor().click();
    await h.page.keyboard.press('Control+s');
    await expect.poll(() => existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toContain('It was a dark and stormy night');
    await expect.poll(() => h.page.title()).toBe('my-story.md — Penwright');
  });

  it('trains a model from the panel: progress, a chart, samples, and a model to switch to', async () => {
    const corpus = join(root, 'writing.txt');
    writeFileSync(corpus, aliceText(40_000));
    await h.page.getByTestId('open-training').click();
    h.dialogs.answers.push([corpus]);
    await h.page.getByRole('button', { name: 'Add files…' }).click();
    await expect.poll(() => h.page.getByTestId('corpus-summary').innerText()).toMatch(/1 file, 40,000 characters/);
    await h.page.getByLabel(/Quick/).check();
    await h.page.getByTestId('training-base').selectOption('fresh');
    await h.page.getByTestId('training-name').fill('Alice voice');
    await h.page.getByTestId('start-training').click();
    await h.page.locator('progress').waitFor({ timeout: 30_000 });
    await h.page.getByTestId('loss-chart').waitFor({ timeout: 30_000 });
    expect(await h.page.getByTestId('training-job').innerText()).toMatch(/characters\/s/);
    await h.screenshot('training-progress');
    await h.page.getByTestId('cancel-training').click();
    const result = h.page.getByTestId('training-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.innerText()).toMatch(/Alice voice is ready[\s\S]*nats per character/);
    expect(await h.page.getByTestId('training-samples').innerText()).toMatch(/0\.3[\s\S]*0\.7[\s\S]*1\.1/);
    await h.screenshot('training-result');
    await h.page.getByTestId('use-new-model').click();
    await expect
      .poll(() => h.page.getByTestId('model-picker').evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.text))
      .toBe('Alice voice');
    // suggestions now come from the new model
    await editor().click();
    await h.page.keyboard.type(' Alice', { delay: 5 });
    await ghost().waitFor({ timeout: 10_000 });
  });

  it('manages models and settings', async () => {
    await h.page.getByRole('button', { name: 'Models', exact: true }).click();
    await expect.poll(() => h.page.getByTestId('model-row').count()).toBeGreaterThanOrEqual(2);
    await h.screenshot('models');
    await h.page.getByRole('button', { name: 'Settings', exact: true }).click();
    await h.page.getByTestId('settings-temperatures').fill('0.1, 0.9');
    await h.page.getByTestId('settings-temperatures').press('Enter');
    await h.page.getByTestId('settings-temperatures').blur();
    await expect.poll(async () => (await h.services.settings.load()).temperatures).toEqual([0.1, 0.9]);
    await h.screenshot('settings');
  });

  it('passes an accessibility audit (axe-core) on every main screen', async () => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const audit = async (screen: string) => {
      await h.page.evaluate(axe); // through the debugger protocol: the page's CSP forbids inline scripts, rightly
      const violations = (await h.page.evaluate(
        `axe.run(document).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes[0].html.slice(0, 100)))`,
      )) as string[];
      expect(violations, screen).toEqual([]);
    };
    await audit('editor');
    for (const panel of ['Suggestions', 'Train', 'Models', 'Settings']) {
      await h.page.getByRole('button', { name: panel, exact: true }).click();
      await audit(panel);
    }
    await h.page.getByTestId('open-compare').click();
    await h.page.getByTestId('draft-column').first().waitFor();
    await audit('compare drafts');
    await h.page.getByRole('button', { name: 'Close', exact: true }).click();
  });

  it('offers to recover unsaved text after a crash', async () => {
    await h.page.keyboard.press('Control+n');
    await editor().click();
    await h.page.keyboard.type('A paragraph nobody saved, about a fox 🦊.', { delay: 5 });
    const recoveryDir = join(userData, 'recovery');
    await expect
      .poll(() => (existsSync(recoveryDir) ? readdirSync(recoveryDir).length : 0), { timeout: 15_000 })
      .toBeGreaterThan(0);
    // the "crash": a fresh window and back half on the same user data, without closing the first
    const after = await startHarness({ userDataDir: userData, defaultModelDir: defaultModel });
    try {
      const dialog = after.page.getByTestId('recovery-dialog');
      await dialog.waitFor({ timeout: 15_000 });
      await after.screenshot('recovery');
      await dialog.getByTestId('restore').first().click();
      await expect.poll(() => after.page.locator('.cm-content').innerText()).toContain('about a fox 🦊');
      expect(after.errors).toEqual([]);
    } finally {
      await after.close();
    }
  });
});
