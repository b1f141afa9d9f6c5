/**
 * What a writer does, step by step, written once and run twice: in the
 * browser harness (app.e2e.test.ts) and in the real Electron app where its
 * binary exists (electron.e2e.test.ts). The flows run in order and share one
 * app, as a writer's session would: the text typed in the first is saved in
 * the fifth. Each saves a screenshot of its screen under e2e/artifacts/.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'vitest';
import { aliceText } from '../test/helpers';
import type { AppDriver } from './driver';

export interface FlowState {
  /** The app under test; the crash flow replaces it with the restarted one. */
  driver: AppDriver;
  /** A temporary folder for documents and corpora. */
  workDir: string;
}

export interface Flow {
  name: string;
  run(state: FlowState): Promise<void>;
}

// The app's shortcuts are Cmd on macOS, Ctrl elsewhere (Playwright's ControlOrMeta picks); the
// suggestion keys' defaults are in src/shared/keybindings.ts
const MAC = process.platform === 'darwin';
const ACCEPT_WORD = MAC ? "Control+'" : 'Control+ArrowRight';

const editor = (d: AppDriver) => d.page.locator('.cm-content');
const ghost = (d: AppDriver) => d.page.getByTestId('ghost-text');
const editorText = (d: AppDriver) => () => editor(d).evaluate((el) => (el as HTMLElement).innerText);
/** Whether the keyboard is inside the element matching `selector`. */
const focusedIn = (d: AppDriver, selector: string) => () =>
  d.page.evaluate((sel) => document.activeElement?.closest(sel) !== null, selector);
const selectedModel = (d: AppDriver) => () =>
  d.page.getByTestId('model-picker').evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.text);

export const flows: Flow[] = [
  {
    name: 'shows ghost text as you pause, and Tab inserts it',
    async run({ driver: d }) {
      await d.page.getByTestId('backend').first().waitFor({ timeout: 30_000 });
      // editable once the first document is open
      await d.page.locator('.cm-content[contenteditable="true"]').waitFor({ timeout: 30_000 });
      // these flows try the editor, not how sure the model is: have it always show its best guess
      const updated = await d.page.evaluate(() =>
        (globalThis as unknown as { penwright: { updateSettings(p: object): Promise<{ ok: boolean }> } }).penwright
          .updateSettings({ suggestionConfidence: 0 })
          .then((r) => r.ok),
      );
      expect(updated).toBe(true);
      await editor(d).click();
      await d.page.keyboard.type('It was a dark and stormy night; the rain fell in torrents, except at', { delay: 5 });
      await ghost(d).waitFor({ timeout: 10_000 });
      const suggested = (await ghost(d).textContent())!;
      expect(suggested.length).toBeGreaterThan(0);
      // styled in one place, by one rule: the muted text colour, not faded by opacity (readable: WCAG AA)
      const look = await ghost(d).evaluate((el) => {
        const rules: string[] = [];
        const visit = (list: CSSRuleList) => {
          for (const rule of list) {
            if (rule instanceof CSSStyleRule && el.matches(rule.selectorText)) {
              if (rule.style.color || rule.style.opacity) rules.push(rule.style.cssText);
            } else if ('cssRules' in rule) visit((rule as CSSGroupingRule).cssRules);
          }
        };
        for (const sheet of [...document.styleSheets, ...document.adoptedStyleSheets]) visit(sheet.cssRules);
        const probe = document.body.appendChild(document.createElement('span'));
        probe.style.color = 'var(--muted)';
        const muted = getComputedStyle(probe).color;
        probe.remove();
        return { rules, opacity: getComputedStyle(el).opacity, color: getComputedStyle(el).color, muted };
      });
      expect(look.rules).toEqual([expect.stringContaining('color: var(--muted)')]);
      expect(look.rules[0]).not.toContain('opacity');
      expect(look).toMatchObject({ opacity: '1', color: look.muted });
      await d.screenshot('editor-ghost-text');
      await d.page.keyboard.press('Tab');
      await expect.poll(editorText(d)).toContain(`except at${suggested}`);
      expect(await d.page.getByTestId('latency').textContent()).toMatch(/\d+ ms/);
      // the title carries the unsaved marker
      await expect.poll(() => d.page.title()).toMatch(/^● .* — Penwright$/);
    },
  },
  {
    name: 'cycles through the suggestions with Alt+] and lists them in the panel',
    async run({ driver: d }) {
      await d.page.keyboard.type(' The', { delay: 5 });
      await ghost(d).waitFor();
      // the ghost text shows alone; the alternatives join it a moment later
      await expect.poll(() => ghost(d).getAttribute('aria-label')).toMatch(/Suggestion 1 of [2-4]/);
      await d.page.keyboard.press('Alt+]');
      await expect.poll(() => ghost(d).getAttribute('aria-label')).toMatch(/Suggestion 2 of \d/);
      await d.page.getByRole('button', { name: 'Suggestions', exact: true }).click();
      const items = d.page.getByTestId('suggestion');
      await expect.poll(() => items.count()).toBeGreaterThanOrEqual(2);
      expect(await d.page.locator('section[aria-label="Suggestions"]').innerText()).toMatch(
        /temperature 0\.2[\s\S]*temperature 1\.2/,
      );
      await d.screenshot('suggestions-panel');
      await editor(d).focus();
      await d.page.keyboard.press('Escape');
      await expect.poll(() => ghost(d).count()).toBe(0);
    },
  },
  {
    name: 'accepts one word with Ctrl+Right, and shows Arabic paragraphs right to left',
    async run({ driver: d }) {
      await editor(d).click();
      await d.page.keyboard.press('End');
      await d.page.keyboard.type(' and', { delay: 5 });
      await ghost(d).waitFor();
      const rest = (await ghost(d).textContent())!;
      const word = /^\s*\S+/u.exec(rest)![0];
      await d.page.keyboard.press(ACCEPT_WORD);
      await expect.poll(editorText(d)).toContain(` and${word}`);
      await d.page.keyboard.press('Escape');
      await d.page.keyboard.press('Enter');
      await d.page.keyboard.type('في البدء كان الكلمة', { delay: 5 });
      const line = d.page.locator('.cm-line', { hasText: 'في البدء' });
      await expect.poll(() => line.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
      const latin = d.page.locator('.cm-line', { hasText: 'dark and stormy' });
      expect(await latin.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
    },
  },
  {
    name: 'composes Japanese through an input method with no ghost text in the way',
    async run({ driver: d }) {
      await editor(d).click();
      await d.page.keyboard.press('ControlOrMeta+End');
      await d.page.keyboard.type(' The', { delay: 5 });
      await ghost(d).waitFor();
      // what an IME does, through the debugger protocol: a provisional text, then the committed one
      const ime = await d.page.context().newCDPSession(d.page);
      for (const text of ['k', 'か', 'かん', 'かんじ']) {
        await ime.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
        await expect.poll(editorText(d)).toContain(` The${text}`);
        await d.page.waitForTimeout(250); // longer than the pause: no suggestion may come
        expect(await ghost(d).count(), `while composing ${text}`).toBe(0);
      }
      await ime.send('Input.insertText', { text: '漢字' });
      await expect.poll(editorText(d)).toContain(' The漢字');
      expect(await editorText(d)()).not.toContain('かんじ');
      // once committed, suggestions come back
      await ghost(d).waitFor({ timeout: 10_000 });
      await ime.detach();
    },
  },
  {
    name: 'compares drafts side by side at different temperatures',
    async run({ driver: d }) {
      await d.page.getByTestId('open-compare').click();
      const drafts = d.page.getByTestId('draft-text');
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
      await d.screenshot('compare-drafts');
      await d.page.getByRole('button', { name: 'Insert' }).first().click();
      await expect.poll(editorText(d)).toContain(texts[0].slice(0, 40));
      // and the keyboard is back in the text, after the inserted draft
      await expect.poll(focusedIn(d, '.cm-content')).toBe(true);
    },
  },
  {
    name: 'saves a document where the writer chooses, and the file is on disk',
    async run({ driver: d, workDir }) {
      const path = join(workDir, 'my-story.md');
      await d.answerFileDialog(path);
      await editor(d).click();
      await d.page.keyboard.press('ControlOrMeta+s');
      await expect.poll(() => existsSync(path)).toBe(true);
      expect(readFileSync(path, 'utf8')).toContain('It was a dark and stormy night');
      await expect.poll(() => d.page.title()).toBe('my-story.md — Penwright');
    },
  },
  {
    name: 'trains a model from the panel: progress, a chart, samples, and a model to switch to',
    async run({ driver: d, workDir }) {
      const corpus = join(workDir, 'writing.txt');
      writeFileSync(corpus, aliceText(40_000));
      await d.page.getByTestId('open-training').click();
      await d.answerFileDialog([corpus]);
      await d.page.getByRole('button', { name: 'Add files…' }).click();
      await expect.poll(() => d.page.getByTestId('corpus-summary').innerText()).toMatch(/1 file, 40,000 characters/);
      await d.page.getByLabel(/Quick/).check();
      await d.page.getByTestId('training-base').selectOption('fresh');
      await d.page.getByTestId('training-name').fill('Alice voice');
      await d.page.getByTestId('start-training').click();
      await d.page.locator('progress').waitFor({ timeout: 30_000 });
      await d.page.getByTestId('loss-chart').waitFor({ timeout: 30_000 });
      expect(await d.page.getByTestId('training-job').innerText()).toMatch(/characters\/s/);
      await d.screenshot('training-progress');
      // suggestions keep coming while it trains
      await editor(d).click();
      await d.page.keyboard.press('ControlOrMeta+End');
      await d.page.keyboard.type(' She', { delay: 5 });
      await ghost(d).waitFor({ timeout: 10_000 });
      expect(await d.page.getByTestId('training-job').innerText()).toMatch(/characters\/s/); // still running
      await d.page.getByTestId('cancel-training').click();
      const result = d.page.getByTestId('training-result');
      await result.waitFor({ timeout: 30_000 });
      expect(await result.innerText()).toMatch(/Alice voice is ready[\s\S]*nats per character/);
      expect(await d.page.getByTestId('training-samples').innerText()).toMatch(/0\.3[\s\S]*0\.7[\s\S]*1\.1/);
      await d.screenshot('training-result');
      await d.page.getByTestId('use-new-model').click();
      await expect.poll(selectedModel(d)).toBe('Alice voice');
      // suggestions now come from the new model
      await editor(d).click();
      await d.page.keyboard.type(' Alice', { delay: 5 });
      await ghost(d).waitFor({ timeout: 10_000 });
    },
  },
  {
    name: 'manages models and settings',
    async run({ driver: d }) {
      await d.page.getByRole('button', { name: 'Models', exact: true }).click();
      await expect.poll(() => d.page.getByTestId('model-row').count()).toBeGreaterThanOrEqual(2);
      await d.screenshot('models');
      await d.page.getByRole('button', { name: 'Settings', exact: true }).click();
      await d.page.getByTestId('settings-temperatures').fill('0.1, 0.9');
      await d.page.getByTestId('settings-temperatures').press('Enter');
      await d.page.getByTestId('settings-temperatures').blur();
      // saved by the main process where a restart will find it
      const settingsFile = join(d.userDataDir, 'settings.json');
      await expect
        .poll(() => (existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, 'utf8')).temperatures : null))
        .toEqual([0.1, 0.9]);
      await d.screenshot('settings');
    },
  },
  {
    name: 'works from the keyboard alone: panels, compare drafts and back to the text',
    async run({ driver: d }) {
      await editor(d).focus();
      // a side panel takes the keyboard; Escape gives it back to the text
      await d.page.keyboard.press('ControlOrMeta+Shift+T');
      await expect.poll(focusedIn(d, 'section[aria-label="Train a model"]')).toBe(true);
      await d.page.keyboard.press('Escape');
      await expect.poll(focusedIn(d, '.cm-content')).toBe(true);
      await d.page.keyboard.press('ControlOrMeta+Shift+T'); // closes the panel
      await expect.poll(() => d.page.locator('section[aria-label="Train a model"]').count()).toBe(0);
      // settings: change the pause before suggesting without the mouse
      await d.page.keyboard.press('ControlOrMeta+,');
      await expect.poll(focusedIn(d, 'section[aria-label="Settings"]')).toBe(true);
      const pause = d.page.getByLabel('Pause before suggesting (ms)');
      await pause.focus();
      await d.page.keyboard.press('ControlOrMeta+a');
      await d.page.keyboard.type('200');
      await d.page.keyboard.press('Tab');
      const settingsFile = join(d.userDataDir, 'settings.json');
      await expect.poll(() => JSON.parse(readFileSync(settingsFile, 'utf8')).pauseMs).toBe(200);
      await d.page.keyboard.press('ControlOrMeta+,');
      // compare drafts is modal: focus inside, Escape closes it, focus back in the text
      await editor(d).focus();
      await d.page.keyboard.press('ControlOrMeta+Shift+D');
      await expect.poll(focusedIn(d, '[data-testid="compare-dialog"]')).toBe(true);
      await d.page.keyboard.press('Tab');
      await expect.poll(focusedIn(d, '[data-testid="compare-dialog"]')).toBe(true);
      await d.page.keyboard.press('Escape');
      await expect.poll(() => d.page.getByTestId('compare-dialog').count()).toBe(0);
      await expect.poll(focusedIn(d, '.cm-content')).toBe(true);
    },
  },
  {
    name: 'passes an accessibility audit (axe-core) on every main screen',
    async run({ driver: d }) {
      const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
      const audit = async (screen: string) => {
        await d.page.evaluate(axe); // through the debugger protocol: the page's CSP forbids inline scripts, rightly
        const violations = (await d.page.evaluate(
          `axe.run(document).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes[0].html.slice(0, 100)))`,
        )) as string[];
        expect(violations, screen).toEqual([]);
      };
      await audit('editor');
      for (const panel of ['Suggestions', 'Train', 'Models', 'Settings']) {
        await d.page.getByRole('button', { name: panel, exact: true }).click();
        await audit(panel);
      }
      await d.page.getByTestId('open-compare').click();
      await d.page.getByTestId('draft-column').first().waitFor();
      await audit('compare drafts');
      await d.page.getByRole('button', { name: 'Close', exact: true }).click();
    },
  },
  {
    name: 'offers to recover unsaved text after a crash, with the chosen model kept',
    async run(state) {
      const d = state.driver;
      // my-story.md has changed since it was saved: a new document asks first
      await d.page.keyboard.press('ControlOrMeta+n');
      const question = d.page.getByTestId('question-dialog');
      await expect.poll(() => question.innerText()).toMatch(/Save changes to my-story\.md\?/);
      await d.screenshot('save-changes-question');
      await question.getByRole('button', { name: 'Don’t Save' }).click();
      await expect.poll(() => d.page.title()).toMatch(/^Untitled( \d+)? — Penwright$/);
      await editor(d).click();
      await d.page.keyboard.type('A paragraph nobody saved, about a fox 🦊.', { delay: 5 });
      const recoveryDir = join(d.userDataDir, 'recovery');
      await expect
        .poll(() => (existsSync(recoveryDir) ? readdirSync(recoveryDir).length : 0), { timeout: 15_000 })
        .toBeGreaterThan(0);
      expect(d.takeErrors(), 'console errors before the crash').toEqual([]);
      const after = await d.crashAndRestart();
      state.driver = after;
      const dialog = after.page.getByTestId('recovery-dialog');
      await dialog.waitFor({ timeout: 30_000 });
      await after.screenshot('recovery');
      await dialog.getByTestId('restore').first().click();
      await expect.poll(editorText(after)).toContain('about a fox 🦊');
      await expect.poll(focusedIn(after, '.cm-content')).toBe(true); // ready to write on
      await expect.poll(selectedModel(after)).toBe('Alice voice');
    },
  },
  {
    name: 'asks before closing with unsaved changes: cancel keeps it open, save then closes',
    async run({ driver: d, workDir }) {
      await editor(d).click();
      await d.page.keyboard.type(' More.', { delay: 5 });
      await expect.poll(() => d.page.title()).toMatch(/^● /);
      // the writer changes their mind: the app stays open with the text
      await d.requestClose();
      const question = d.page.getByTestId('question-dialog');
      await expect.poll(() => question.innerText()).toMatch(/Save changes to Untitled( \d+)?\?/);
      await d.page.keyboard.press('Escape'); // as Cancel
      await expect.poll(() => question.isVisible()).toBe(false);
      await d.page.keyboard.type(' Still here.', { delay: 5 }); // focus went back to the text
      await expect.poll(editorText(d)).toContain('More. Still here.');
      // then saves, and the app closes
      const path = join(workDir, 'fox.md');
      await d.answerFileDialog(path);
      await d.requestClose();
      await question.getByRole('button', { name: 'Save', exact: true }).click();
      await d.waitUntilClosed();
      expect(readFileSync(path, 'utf8')).toMatch(/about a fox 🦊\.[\s\S]*More\. Still here\./);
    },
  },
  {
    name: 'starts again after closing, on the same user data',
    async run(state) {
      // the flow before closed the app (the real app's window is gone): start it again
      const d = (state.driver = await state.driver.crashAndRestart());
      await d.page.getByTestId('backend').first().waitFor({ timeout: 30_000 });
      const recovery = d.page.getByTestId('recovery-dialog');
      if (await recovery.isVisible())
        await recovery
          .getByRole('button', { name: /Discard/ })
          .first()
          .click();
      await d.page.locator('.cm-content[contenteditable="true"]').waitFor({ timeout: 30_000 });
      // the model chosen before closing is kept (the Alice voice trained earlier)
      await expect.poll(selectedModel(d)).toBe('Alice voice');
    },
  },
  {
    name: 'keeps ghost text out of Markdown code, front matter, links and the middle of a word',
    async run({ driver: d }) {
      await d.page.keyboard.press('ControlOrMeta+n'); // fox.md was saved: no question
      await expect.poll(() => d.page.title()).toMatch(/^Untitled( \d+)? — Penwright$/);
      expect(await updateSettings(d, { activeModelId: 'default', pauseMs: 100 })).toBe(true);
      await editor(d).click();
      await d.page.keyboard.type('---\ntitle: Night\n---\n\nThe storm came in the night', { delay: 5 });
      await ghost(d).waitFor({ timeout: 10_000 }); // prose: suggestions as ever
      // into the front matter
      await d.page.keyboard.press('ControlOrMeta+Home');
      await d.page.keyboard.press('ArrowDown');
      await d.page.keyboard.press('End');
      await expectNoGhost(d, 'in front matter');
      // a code block being written
      await d.page.keyboard.press('ControlOrMeta+End');
      await d.page.keyboard.type('.\n\n```\nlet rain = ', { delay: 5 });
      await expectNoGhost(d, 'in a fenced code block');
      await d.screenshot('markdown-no-ghost-in-code');
      await d.page.keyboard.type('1;\n```\n\nThe rain fell', { delay: 5 });
      await ghost(d).waitFor({ timeout: 10_000 });
      await d.page.keyboard.press('Escape');
      // a link's target, before the parser even sees a link
      await d.page.keyboard.type(' on [the roof](http://exa', { delay: 5 });
      await expectNoGhost(d, 'in a link target');
      await d.page.keyboard.type('mple.org) and', { delay: 5 });
      await ghost(d).waitFor({ timeout: 10_000 });
      // the middle of a word: none, unless the writer asks for it in Settings
      await d.page.keyboard.press('ArrowLeft');
      await d.page.keyboard.press('ArrowLeft');
      await expectNoGhost(d, 'in the middle of a word');
      await d.page.getByRole('button', { name: 'Settings', exact: true }).click();
      await d.page.getByTestId('settings-before-letters').check();
      await expect.poll(() => savedSettings(d).suggestBeforeLetters).toBe(true);
      await editor(d).focus();
      await d.page.keyboard.press('ArrowRight');
      await d.page.keyboard.press('ArrowLeft');
      await ghost(d).waitFor({ timeout: 10_000 });
      await d.page.getByTestId('settings-before-letters').uncheck();
      await expect.poll(() => savedSettings(d).suggestBeforeLetters).toBe(false);
      await d.page.getByRole('button', { name: 'Settings', exact: true }).click();
      expect(await docText(d)()).toContain('```\nlet rain = 1;\n```');
    },
  },
  {
    name: 'trains on the prose of a Markdown file, and says how much Markdown it left out',
    async run({ driver: d, workDir }) {
      const file = join(workDir, 'chapter.md');
      const code = '```js\nconsole.log("not prose");\n```\n\n';
      writeFileSync(
        file,
        `---\ntitle: One\n---\n\n${aliceText(3000)}\n\n${code}See [the map](http://example.org/map).\n`,
      );
      await d.page.getByTestId('open-training').click();
      await d.answerFileDialog([file]);
      await d.page.getByRole('button', { name: 'Add files…' }).click();
      const dropped = '---\ntitle: One\n---\n\n'.length + code.length + '(http://example.org/map)'.length;
      await expect
        .poll(() => d.page.getByTestId('markdown-dropped').innerText())
        .toBe(`${dropped} characters of Markdown left out: code, front matter, link targets and HTML.`);
      expect(await d.page.getByTestId('corpus-summary').innerText()).toMatch(/1 file, 3,0\d\d characters/);
      await d.screenshot('markdown-corpus-summary');
      await d.page.getByTestId('open-training').click();
    },
  },
  {
    name: 'accepts to the end of a phrase or a sentence, and takes the last accepted word back',
    async run({ driver: d }) {
      await editor(d).focus();
      await d.page.keyboard.press('ControlOrMeta+End');
      await d.page.keyboard.type('\n\nIt was late, and the old house', { delay: 5 });
      await ghost(d).waitFor({ timeout: 10_000 });
      const shown = (await ghost(d).textContent())!;
      const first = /^\s*\S+/u.exec(shown)![0];
      const second = /^\s*\S+/u.exec(shown.slice(first.length))?.[0] ?? '';
      await d.page.keyboard.press(ACCEPT_WORD);
      await d.page.keyboard.press(ACCEPT_WORD); // with a one-word ghost text, a cursor move at the end: nothing
      await expect.poll(docText(d)).toMatch(new RegExp(`old house${escape(first + second)}$`));
      // one key: the last word leaves the text and shows again as ghost text
      const [kept, takenBack] = second ? [first, second] : ['', first];
      await d.page.keyboard.press(UNDO_WORD);
      await expect.poll(docText(d)).toMatch(new RegExp(`old house${escape(kept)}$`));
      expect((await ghost(d).textContent())!.startsWith(takenBack)).toBe(true);
      await d.screenshot('undo-accepted-word');
      // to the end of the sentence, asking the model for the rest when the ghost text stops short
      await d.page.keyboard.press(ACCEPT_SENTENCE);
      await expect
        .poll(lastLine(d), { timeout: 15_000 })
        .toMatch(/^It was late, and the old house.*[.!?…]["'”’»)\]]*$/u);
      await d.page.keyboard.type(' Then', { delay: 5 });
      await ghost(d).waitFor({ timeout: 10_000 });
      await d.page.keyboard.press(ACCEPT_PHRASE);
      await expect.poll(lastLine(d), { timeout: 15_000 }).toMatch(/ Then[^.!?…]*[,;:.!?…—–]["'”’»)\]]*$/u);
      await d.screenshot('accepted-to-phrase');
    },
  },
  {
    name: 'changes a suggestion key in Settings, refusing one already taken',
    async run({ driver: d }) {
      await d.page.getByRole('button', { name: 'Settings', exact: true }).click();
      const field = d.page.getByTestId('key-acceptWord');
      await field.focus();
      await d.page.keyboard.press('Alt+w'); // pressed, not typed: the field records it
      await expect.poll(() => field.inputValue()).toBe('Alt-w');
      await expect.poll(() => savedSettings(d).keybindings).toEqual({ acceptWord: 'Alt-w' });
      // a key another command has: main says which, and the field goes back
      const phrase = d.page.getByTestId('key-acceptPhrase');
      await phrase.fill('Tab');
      await phrase.press('Enter');
      await expect
        .poll(() => d.page.getByRole('alert').allInnerTexts())
        .toContainEqual(expect.stringContaining('Tab is already “Accept the whole suggestion”'));
      await expect.poll(() => phrase.inputValue()).toBe(MAC ? 'Ctrl-,' : 'Alt-ArrowRight');
      await d.screenshot('settings-suggestion-keys');
      await d.page.getByRole('button', { name: 'Dismiss' }).first().click();
      // the new key accepts a word
      await editor(d).focus();
      await d.page.keyboard.press('ControlOrMeta+End');
      await d.page.keyboard.type(' She', { delay: 5 });
      await ghost(d).waitFor({ timeout: 10_000 });
      const word = /^\s*\S+/u.exec((await ghost(d).textContent())!)![0];
      await d.page.keyboard.press('Alt+w');
      await expect.poll(docText(d)).toMatch(new RegExp(` She${escape(word)}$`));
      // and back to the default
      await d.page.getByRole('button', { name: /Restore the default key for Accept the next word/ }).click();
      await expect.poll(() => savedSettings(d).keybindings).toEqual({});
      await d.page.getByRole('button', { name: 'Settings', exact: true }).click();
    },
  },
  {
    name: 'remembers which text came from suggestions: underline, share, undo and redo, kept with the file, reported',
    async run({ driver: d, workDir }) {
      const share = d.page.getByTestId('machine-share');
      const machine = d.page.locator('.cm-machine-text');
      const machineText = async () => (await machine.allInnerTexts()).join('');
      await d.page.keyboard.press('ControlOrMeta+n');
      // the Markdown flows' document was never saved: let it go
      const question = d.page.getByTestId('question-dialog');
      await question.waitFor({ timeout: 5_000 });
      await question.getByRole('button', { name: 'Don’t Save' }).click();
      await expect.poll(() => d.page.title()).toMatch(/^Untitled( \d+)? — Penwright$/);
      await editor(d).click();
      await d.page.keyboard.type('The night was cold, and', { delay: 5 });
      await ghost(d).waitFor({ timeout: 10_000 });
      const suggested = (await ghost(d).textContent())!;
      await d.page.keyboard.press('Tab');
      await expect.poll(() => share.textContent()).not.toMatch(/^0% /);
      expect(await d.page.getByTestId('accepted-session').textContent()).toMatch(/^[1-9][\d,]* accepted this session$/);
      // shown on request: the accepted words underlined, none of the writer's
      await share.click();
      await expect.poll(machineText).toBe(suggested);
      await editor(d).focus();
      // undo takes the accept back with its mark; redo brings both back
      await d.page.keyboard.press('ControlOrMeta+z');
      await expect.poll(() => machine.count()).toBe(0);
      await expect.poll(() => share.textContent()).toMatch(/^0% /);
      await d.page.keyboard.press(process.platform === 'darwin' ? 'Meta+Shift+z' : 'Control+y');
      await expect.poll(machineText).toBe(suggested);
      // the writer's own words after it stay the writer's
      await d.page.keyboard.press('Escape');
      await d.page.keyboard.type(' said nobody.', { delay: 5 });
      await d.page.keyboard.press('Escape');
      await expect.poll(machineText).toBe(suggested);
      await d.screenshot('authorship-underline');

      // saved: the record goes to the app's own folder, the file holds the text only
      const path = join(workDir, 'authored', 'night.md');
      mkdirSync(join(workDir, 'authored'), { recursive: true });
      await d.answerFileDialog(path);
      await d.page.keyboard.press('ControlOrMeta+s');
      await expect.poll(() => d.page.title()).toBe('night.md — Penwright');
      const saved = readFileSync(path, 'utf8');
      expect(saved).toBe(`The night was cold, and${suggested} said nobody.`);
      const records = join(d.userDataDir, 'authorship');
      const recorded = () =>
        existsSync(records) &&
        readdirSync(records).some((n) => JSON.parse(readFileSync(join(records, n), 'utf8')).path === path);
      await expect.poll(recorded).toBe(true);

      // opened again (from a new document, so the title says when it is open): the record comes back with it
      await d.page.keyboard.press('ControlOrMeta+n');
      await expect.poll(() => d.page.title()).toMatch(/^Untitled( \d+)? — Penwright$/);
      await d.answerFileDialog(path);
      await d.page.keyboard.press('ControlOrMeta+o');
      await expect.poll(() => d.page.title()).toBe('night.md — Penwright');
      await expect.poll(machineText).toBe(suggested);

      // exported as a plain report, where the writer chooses
      const report = join(workDir, 'night authorship.txt');
      await d.page.getByRole('button', { name: 'Settings', exact: true }).click();
      await d.answerFileDialog(report);
      await d.page.getByTestId('export-authorship').click();
      await expect.poll(() => existsSync(report)).toBe(true);
      expect(readFileSync(report, 'utf8')).toMatch(
        new RegExp(`From suggestions and drafts: ${suggested.length} characters[\\s\\S]*1\\. Line 1`),
      );

      // changed outside the app: the record no longer fits and is dropped, quietly
      writeFileSync(path, `${saved}\nAdded in another editor.`);
      await d.page.keyboard.press('ControlOrMeta+n');
      await expect.poll(() => d.page.title()).toMatch(/^Untitled( \d+)? — Penwright$/);
      await d.answerFileDialog(path);
      await d.page.keyboard.press('ControlOrMeta+o');
      await expect.poll(() => d.page.getByText(/changed outside Penwright/).count()).toBeGreaterThan(0);
      await expect.poll(editorText(d)).toContain('Added in another editor.');
      expect(await machine.count()).toBe(0);
      await d.screenshot('authorship-dropped');

      // turning the record off deletes it
      await d.page.getByTestId('settings-authorship').uncheck();
      await expect.poll(() => existsSync(records)).toBe(false);
      await expect.poll(() => share.count()).toBe(0);
      await d.page.getByTestId('settings-authorship').check();
      await d.page.getByRole('button', { name: 'Settings', exact: true }).click();
      await editor(d).focus();
    },
  },
  {
    name: 'remembers a model per folder: opening a document there switches to it, and suggestions can be off there',
    async run({ driver: d, workDir }) {
      const picker = d.page.getByTestId('model-picker');
      const names = await picker.locator('option').allTextContents();
      expect(names.length).toBeGreaterThanOrEqual(2);
      const [novelModel, lettersModel] = [names.find((n) => n !== 'Alice voice')!, 'Alice voice'];
      // night.md (in authored/) is open: the model chosen now is that folder's
      await picker.selectOption({ label: novelModel });
      await expect.poll(selectedModel(d), { timeout: 15_000 }).toBe(novelModel);
      const novelId = await modelIdNamed(d, novelModel);
      await expect.poll(() => folderModels(d), { timeout: 15_000 }).toContain(novelId);
      // a document in another folder, with its own model
      mkdirSync(join(workDir, 'letters'), { recursive: true });
      const letter = join(workDir, 'letters', 'dear.md');
      writeFileSync(letter, 'Dear friend,');
      await d.answerFileDialog(letter);
      await d.page.keyboard.press('ControlOrMeta+o');
      await expect.poll(() => d.page.title()).toBe('dear.md — Penwright');
      await expect.poll(selectedModel(d), { timeout: 15_000 }).toBe(novelModel); // letters/ has no model of its own yet
      await picker.selectOption({ label: lettersModel });
      await expect.poll(selectedModel(d), { timeout: 15_000 }).toBe(lettersModel);
      // remembered for letters/ before anything else happens (a switch still on its way would undo the next one)
      const lettersId = await modelIdNamed(d, lettersModel);
      await expect.poll(() => folderModels(d), { timeout: 15_000 }).toContain(lettersId);
      // back to the novel's folder: its model again, and the status bar says so
      await d.answerFileDialog(join(workDir, 'authored', 'night.md'));
      await d.page.keyboard.press('ControlOrMeta+o');
      await expect.poll(() => d.page.title()).toBe('night.md — Penwright');
      await expect.poll(selectedModel(d), { timeout: 15_000 }).toBe(novelModel);
      await expect
        .poll(() => d.page.getByTestId('folder-status').textContent())
        .toBe(`This folder’s model: ${novelModel}`);
      await d.screenshot('folder-model');
      // suggestions off in this folder only
      await d.page.getByTestId('folder-suggest').uncheck();
      const settingsFile = join(d.userDataDir, 'settings.json');
      await expect
        .poll(() => JSON.parse(readFileSync(settingsFile, 'utf8')).folderPreferences[join(workDir, 'authored')])
        .toEqual({ modelId: expect.any(String), suggest: false });
      await editor(d).click();
      await d.page.keyboard.press('ControlOrMeta+End');
      await d.page.keyboard.type(' Then', { delay: 5 });
      await d.page.waitForTimeout(800); // well past the pause: no suggestion may come
      expect(await ghost(d).count()).toBe(0);
      // the letters folder still suggests
      await d.page.keyboard.press('ControlOrMeta+s');
      await expect.poll(() => d.page.title()).toBe('night.md — Penwright');
      await d.answerFileDialog(letter);
      await d.page.keyboard.press('ControlOrMeta+o');
      await expect.poll(selectedModel(d), { timeout: 15_000 }).toBe(lettersModel);
      expect(await d.page.getByTestId('folder-suggest').isChecked()).toBe(true);
      await editor(d).click();
      await d.page.keyboard.press('ControlOrMeta+End');
      await d.page.keyboard.type(' I', { delay: 5 });
      await ghost(d).waitFor({ timeout: 10_000 });
    },
  },
  {
    name: 'shades words by surprise, says what the model expected, and checks the voice chapter by chapter',
    async run(state) {
      const d = state.driver;
      // the voice check needs a personal model: the Alice voice trained earlier
      expect(await updateSettings(d, { activeModelId: await modelIdNamed(d, 'Alice voice') })).toBe(true);
      await expect.poll(selectedModel(d)).toBe('Alice voice');
      const alice = aliceText(3_000)
        .split(/\n\s*\n/)
        .map((p) => p.replace(/\s+/g, ' ').trim())
        .filter((p) => p.length > 80);
      const path = join(state.workDir, 'manuscript.md');
      writeFileSync(
        path,
        `# Chapter One\n\n${alice.slice(0, 3).join('\n\n')}\n\n# Chapter Two\n\n${alice[3]}\n\nQuantum zebras philosophize about cryptocurrency on Tuesdays.`,
      );
      await d.answerFileDialog(path);
      await editor(d).click();
      await d.page.keyboard.press('ControlOrMeta+o');
      // the letter of the flow before has unsaved changes: let them go
      await dontSaveIfAsked(d);
      await expect.poll(() => d.page.title()).toBe('manuscript.md — Penwright');
      // off by default; the toolbar (as the View menu) turns it on. The map is the active model's: the default here
      await d.page.getByTestId('model-picker').selectOption('default');
      const tints = d.page.locator('.cm-content [class*="surprise-tint-"]');
      expect(await tints.count()).toBe(0);
      await d.page.getByTestId('toggle-surprise').click();
      await d.page.getByTestId('surprise-legend').waitFor();
      expect(await d.page.getByTestId('surprise-legend').innerText()).toMatch(/predictable[\s\S]*fresh/);
      await expect.poll(() => tints.count(), { timeout: 30_000 }).toBeGreaterThan(5);
      // the invented sentence is fresher to the model than Carroll's own
      const zebras = d.page.locator('.cm-line', { hasText: 'Quantum zebras' }).locator('[class*="surprise-tint-3"]');
      await expect.poll(() => zebras.count(), { timeout: 30_000 }).toBeGreaterThan(0);
      // the last line at the bottom of the window, the manuscript above it
      await zebras.last().evaluate((el) => el.scrollIntoView({ block: 'end' }));
      await zebras.last().hover();
      const tooltip = d.page.getByTestId('surprise-tooltip');
      await tooltip.waitFor({ timeout: 15_000 });
      expect(await tooltip.innerText()).toMatch(/nats[\s\S]*The model expected/);
      await expect.poll(() => tooltip.getByTestId('expected-word').count()).toBe(3);
      await d.screenshot('surprise-map');
      // typing goes on with the map on: ghost text still comes
      await editor(d).click();
      await d.page.keyboard.press('ControlOrMeta+End');
      await d.page.keyboard.type(' She', { delay: 5 });
      await ghost(d).waitFor({ timeout: 10_000 });
      await d.page.keyboard.press('Escape');
      // the voice check needs a personal model: the panel says so, then compares the Alice voice with the default
      await d.page.getByTestId('open-voice').click();
      await d.page.getByTestId('voice-unavailable').waitFor();
      expect(await d.page.getByTestId('voice-unavailable').innerText()).toMatch(/needs one of yours/);
      await d.page.getByTestId('model-picker').selectOption({ label: 'Alice voice' });
      await d.page.getByTestId('check-voice').click();
      const chapters = d.page.getByTestId('voice-chapter');
      await expect.poll(() => chapters.count(), { timeout: 60_000 }).toBe(2);
      const lines = await chapters.allInnerTexts();
      expect(lines[0]).toMatch(/^Chapter One[\s\S]*(In your voice|Fresh|Unlike you|Common) overall; of 3 paragraphs/);
      expect(lines[1]).toMatch(/^Chapter Two[\s\S]*of 2 paragraphs[\s\S]*nats per character/);
      const verdicts = await d.page.getByTestId('voice-paragraph').allInnerTexts();
      expect(verdicts).toHaveLength(5);
      for (const v of verdicts) expect(v).toMatch(/^(in your voice|fresh|unlike you|common)/);
      await d.screenshot('voice-check');
      // the map goes off again
      await d.page.getByTestId('toggle-surprise').click();
      await expect.poll(() => tints.count()).toBe(0);
      expect(await d.page.getByTestId('surprise-legend').count()).toBe(0);
    },
  },
  {
    name: 'learns a document as the writer writes, and keeps what it learned as a model to choose',
    async run({ driver: d }) {
      expect(await updateSettings(d, { activeModelId: 'default', adaptToDocument: true })).toBe(true);
      await editor(d).click();
      await d.page.keyboard.press('ControlOrMeta+n');
      // the manuscript of the flow before has unsaved changes: let them go
      await dontSaveIfAsked(d);
      await expect.poll(() => d.page.title()).toMatch(/^Untitled( \d+)? — Penwright$/);
      const title = (await d.page.title()).replace(/ — Penwright$/, '');
      await d.page.getByRole('button', { name: 'Models', exact: true }).click();
      const keep = d.page.getByRole('button', { name: 'Keep what it learned from this document as a model…' });
      await expect.poll(() => keep.isDisabled()).toBe(true); // nothing learned yet
      await editor(d).click();
      const line = 'Zorblatt the gardener walked to the Zorblatt orchard, where the Zorblatt pears grew. ';
      await d.page.keyboard.type(line.repeat(3), { delay: 2 });
      // after a pause it learns in the background; its weights take over at the next request, as the writer goes on
      await expect
        .poll(
          async () => {
            if (await keep.isEnabled()) return true;
            await editor(d).click();
            await d.page.keyboard.press('ControlOrMeta+End');
            await d.page.keyboard.type(' ');
            await d.page.waitForTimeout(1_500);
            return keep.isEnabled();
          },
          { timeout: 60_000, intervals: [0] },
        )
        .toBe(true);
      expect(await d.page.getByTestId('keep-adapted-status').innerText()).toMatch(/come from what it learned/);
      await keep.click();
      await d.page.getByLabel('Name for the kept model').fill('Zorblatt draft');
      await d.page.getByRole('button', { name: 'Keep', exact: true }).click();
      await d.page.getByText('Kept “Zorblatt draft”: it is in your models now').waitFor();
      const row = d.page.getByTestId('model-row').filter({ hasText: 'Zorblatt draft' });
      await expect.poll(() => row.count()).toBe(1);
      expect(await row.innerText()).toContain(`adapted to “${title}” while writing`);
      await d.screenshot('keep-adapted-model');
      // chosen like any other model
      await d.page.getByTestId('model-picker').selectOption({ label: 'Zorblatt draft' });
      await expect.poll(selectedModel(d)).toBe('Zorblatt draft');
      expect(await updateSettings(d, { activeModelId: 'default', adaptToDocument: false })).toBe(true);
    },
  },
];

const UNDO_WORD = MAC ? 'Control+;' : 'Control+ArrowLeft';
const ACCEPT_PHRASE = MAC ? 'Control+,' : 'Alt+ArrowRight';
const ACCEPT_SENTENCE = MAC ? 'Control+.' : 'Alt+Shift+ArrowRight';

/** Changes settings as the panel would (through main, which checks them); true when main took them. */
/** The id of the model the library lists under `name`. */
async function modelIdNamed(d: AppDriver, name: string): Promise<string> {
  type Summary = { modelId: string; name: string };
  return d.page.evaluate(
    (n) =>
      (globalThis as unknown as { penwright: { listModels(): Promise<{ ok: boolean; value: Summary[] }> } }).penwright
        .listModels()
        .then((r) => r.value.find((m) => m.name === n)!.modelId),
    name,
  );
}

/** Answers "Don’t Save" when the app asks about unsaved changes within 5 s; goes on when it does not ask. */
async function dontSaveIfAsked(d: AppDriver): Promise<void> {
  const question = d.page.getByTestId('question-dialog');
  const asked = await question.waitFor({ timeout: 5_000 }).then(
    () => true,
    () => false,
  );
  if (asked) await question.getByRole('button', { name: 'Don’t Save' }).click();
}

async function updateSettings(d: AppDriver, patch: object): Promise<boolean> {
  return d.page.evaluate(
    (p) =>
      (globalThis as unknown as { penwright: { updateSettings(p: object): Promise<{ ok: boolean }> } }).penwright
        .updateSettings(p)
        .then((r) => r.ok),
    patch,
  );
}

/** The settings as main saved them. */
/** The models folders remember, as main saved them. */
function folderModels(d: AppDriver): unknown[] {
  const prefs = (savedSettings(d).folderPreferences ?? {}) as Record<string, { modelId?: string }>;
  return Object.values(prefs).map((p) => p.modelId);
}

function savedSettings(d: AppDriver): Record<string, unknown> {
  return JSON.parse(readFileSync(join(d.userDataDir, 'settings.json'), 'utf8'));
}

/** No ghost text comes at the cursor, after longer than the pause and a suggestion take. */
async function expectNoGhost(d: AppDriver, where: string): Promise<void> {
  await d.page.waitForTimeout(800);
  expect(await ghost(d).count(), `ghost text ${where}`).toBe(0);
}

/** The document's text as the editor shows it, without the ghost text. */
const docText = (d: AppDriver) => () =>
  editor(d).evaluate((el) =>
    [...el.querySelectorAll('.cm-line')]
      .map((line) => {
        const copy = line.cloneNode(true) as HTMLElement;
        for (const g of copy.querySelectorAll('.cm-ghost-text')) g.remove();
        return copy.textContent ?? '';
      })
      .join('\n'),
  );

/** The document's last line of text. */
const lastLine = (d: AppDriver) => async () => (await docText(d)()).trimEnd().split('\n').pop() ?? '';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
