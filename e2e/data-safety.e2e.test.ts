/**
 * Issue 11 in the browser harness. A suspicion: keys typed while a save is on
 * its way to disk were neither saved nor autosaved (the renderer cleared its
 * unsaved flag when the save came back, whatever had been typed meanwhile);
 * here a save is held in main while the writer types on. And training text
 * dropped on the window still reaches the corpus (main reads only what was
 * chosen or dropped).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR } from '../src/model/storage/default-model';
import { aliceText, useTestBackend } from '../test/helpers';
import { makeDefaultModel } from '../test/main/app-harness';
import { cannotRun, startHarness, type Harness } from './harness';

const why = cannotRun();
if (why) console.log(`SKIPPED browser end-to-end tests: ${why}.`);

describe.skipIf(why !== null)('the writer’s text and training text in the browser harness', () => {
  const root = mkdtempSync(join(tmpdir(), 'penwright-e2e-save-'));
  let h: Harness;
  beforeAll(async () => {
    await useTestBackend();
    let defaultModelDir = DEFAULT_MODEL_DIR;
    if (!existsSync(join(DEFAULT_MODEL_DIR, 'penwright.json'))) {
      defaultModelDir = join(root, 'default-model');
      await makeDefaultModel(defaultModelDir);
    }
    h = await startHarness({ userDataDir: join(root, 'user-data'), defaultModelDir });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps what was typed during a save unsaved, and autosaves it', { timeout: 60_000 }, async () => {
    const editor = h.page.locator('.cm-content[contenteditable="true"]');
    await editor.waitFor({ timeout: 30_000 });
    await editor.click();
    await h.page.keyboard.type('First words.', { delay: 5 });
    const path = join(root, 'in-flight.md');
    await h.answerFileDialog(path);
    await h.page.keyboard.press('ControlOrMeta+s');
    await expect.poll(() => h.page.title()).toBe('in-flight.md — Penwright');

    // the next save is held in main until released
    const handlers = h.services.handlers;
    const save = handlers['documents:save'];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let arrived = false;
    handlers['documents:save'] = async (request) => {
      arrived = true;
      await held;
      return save(request);
    };
    await h.page.keyboard.type(' More.', { delay: 5 });
    await h.page.keyboard.press('ControlOrMeta+s');
    await expect.poll(() => arrived).toBe(true);
    await h.page.keyboard.type(' Typed during the save.', { delay: 5 });
    release();
    await expect.poll(() => readFileSync(path, 'utf8')).toBe('First words. More.');
    handlers['documents:save'] = save;
    // the text on screen is not on disk: still unsaved, and autosaved for recovery
    await expect.poll(() => h.page.title(), { timeout: 2000 }).toMatch(/^● in-flight\.md — Penwright$/);
    const recovery = join(h.userDataDir, 'recovery');
    await expect
      .poll(
        () =>
          existsSync(recovery)
            ? readdirSync(recovery)
                .filter((n) => n.endsWith('.json'))
                .map((n) => readFileSync(join(recovery, n), 'utf8'))
                .join('')
            : '',
        { timeout: 10_000 },
      )
      .toContain('First words. More. Typed during the save.');
    expect(h.takeErrors()).toEqual([]);
  });

  it('adds training text dropped on the window', { timeout: 60_000 }, async () => {
    const corpus = join(root, 'dropped.txt');
    writeFileSync(corpus, aliceText(3000));
    await h.page.getByTestId('open-training').click();
    // the harness's bridge takes a dropped File's name for its path, as the preload takes its real path
    await h.page.getByRole('region', { name: 'Drop files or folders here' }).evaluate((zone, path) => {
      const data = new DataTransfer();
      data.items.add(new File(['x'], path));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, corpus);
    await expect.poll(() => h.page.getByTestId('corpus-summary').innerText()).toMatch(/1 file, 3,000 characters/);
    expect(h.takeErrors()).toEqual([]);
  });
});
