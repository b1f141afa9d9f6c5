/**
 * End-to-end in the browser harness: the built renderer in Chromium on the
 * real handler table and the real default model. The flows are in ./flows.ts;
 * each fails on any console error.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR } from '../src/model/storage/default-model';
import { useTestBackend } from '../test/helpers';
import { makeDefaultModel } from '../test/main/app-harness';
import { flows, type FlowState } from './flows';
import { cannotRun, startHarness } from './harness';

const why = cannotRun();
if (why) console.log(`SKIPPED browser end-to-end tests: ${why}.`);

describe.skipIf(why !== null)('Penwright in the browser harness', () => {
  const root = mkdtempSync(join(tmpdir(), 'penwright-e2e-'));
  const state = { workDir: root } as FlowState;

  beforeAll(async () => {
    await useTestBackend();
    let defaultModelDir = DEFAULT_MODEL_DIR;
    if (!existsSync(join(DEFAULT_MODEL_DIR, 'penwright.json'))) {
      defaultModelDir = join(root, 'default-model');
      await makeDefaultModel(defaultModelDir);
    }
    state.driver = await startHarness({ userDataDir: join(root, 'user-data'), defaultModelDir });
  });
  afterEach(() => {
    expect(state.driver?.takeErrors() ?? [], 'console errors').toEqual([]);
  });
  afterAll(async () => {
    await state.driver?.close();
    rmSync(root, { recursive: true, force: true });
  });

  for (const flow of flows) it(flow.name, () => flow.run(state));
});
