/**
 * The same flows as app.e2e.test.ts, inside the real Electron app: built
 * main process, preload and renderer, the shipped default model, native
 * dialogs answered from the test. Where the Electron binary is absent (it is
 * downloaded on first use, and some machines have no internet) one line says
 * so and the suite is skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flows, type FlowState } from './flows';
import { cannotRunElectron, launchElectronApp, startVirtualDisplay } from './electron-driver';

const why = cannotRunElectron();
if (why) console.log(`SKIPPED Electron end-to-end tests: ${why}.`);

describe.skipIf(why !== null)('Penwright in Electron', () => {
  const root = mkdtempSync(join(tmpdir(), 'penwright-electron-e2e-'));
  const state = { workDir: root } as FlowState;
  let display: Awaited<ReturnType<typeof startVirtualDisplay>> = null;

  beforeAll(async () => {
    display = await startVirtualDisplay();
    state.driver = await launchElectronApp({ userDataDir: join(root, 'user-data'), display: display?.display });
  }, 120_000);
  afterEach(() => {
    expect(state.driver?.takeErrors() ?? [], 'console errors').toEqual([]);
  });
  afterAll(async () => {
    await state.driver?.close();
    display?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps the renderer isolated: only the preload API, no Node', async () => {
    const page = state.driver.page;
    const keys = await page.evaluate(() => Object.keys((globalThis as unknown as { penwright: object }).penwright));
    expect(keys).toEqual(
      expect.arrayContaining(['openDocument', 'requestSuggestions', 'startTraining', 'onTrainingProgress']),
    );
    const globals = await page.evaluate(() => [
      typeof (globalThis as Record<string, unknown>).require,
      typeof (globalThis as Record<string, unknown>).process,
    ]);
    expect(globals).toEqual(['undefined', 'undefined']);
    // the CSP is enforced: an inline script is refused
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.head.append(s);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(ran).toBe(false);
    state.driver.takeErrors(); // the refused script logs a CSP error, as it should
  });

  for (const flow of flows) it(flow.name, () => flow.run(state), 120_000);
});
