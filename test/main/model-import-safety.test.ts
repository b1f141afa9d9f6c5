/**
 * Issue 11, models: archives that lie about their sizes and checksums,
 * manifests that name a weight twice, an import that must not stall the
 * app, and what an exported model tells about the folder it was trained on.
 */
import { strToU8, unzipSync, zipSync } from 'fflate';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ModelSummary, OpenedDocument } from '../../src/shared/ipc-contract';
import { tempDir, useTestBackend } from '../helpers';
import { makeDefaultModel, startApp, type TestApp } from './app-harness';

describe('importing models', () => {
  const tmp = tempDir();
  const defaultModel = join(tmp.path, 'default-model');
  let app: TestApp;
  beforeAll(async () => {
    await useTestBackend();
    await makeDefaultModel(defaultModel);
    app = await startApp(tmp.path, defaultModel);
  });
  beforeEach(() => {
    app.dialogs.answers.length = 0;
  });
  afterAll(async () => {
    await app.services.shutdown();
    tmp.cleanup();
  });

  const modelsDir = () => join(app.userData, 'models');
  const libraryFolders = () => (existsSync(modelsDir()) ? readdirSync(modelsDir()) : []);
  const files = () => {
    const out: Record<string, Uint8Array> = {};
    for (const n of ['model.json', 'weights.bin', 'penwright.json']) out[n] = readFileSync(join(defaultModel, n));
    return out;
  };
  const importArchive = async (name: string, bytes: Uint8Array) => {
    const path = join(tmp.path, `${name}.penwright`);
    writeFileSync(path, bytes);
    app.dialogs.answers.push(path);
    return app.call<ModelSummary | null>('models:import');
  };

  it('refuses a manifest that names a weight twice, or a weight the network does not have (10)', async () => {
    const before = libraryFolders();
    for (const [what, extra, message] of [
      ['twice', (first: string) => ({ name: first, shape: [1], dtype: 'float32' }), /embedding.*twice/],
      ['unknown', () => ({ name: 'sneaky/W', shape: [1], dtype: 'float32' }), /sneaky\/W/],
    ] as const) {
      const f = files();
      const modelJson = JSON.parse(Buffer.from(f['model.json']).toString('utf8'));
      const specs = modelJson.weightsManifest[0].weights;
      specs.push(extra(specs[0].name));
      f['model.json'] = strToU8(JSON.stringify(modelJson));
      f['weights.bin'] = Buffer.concat([f['weights.bin'], Buffer.alloc(4)]);
      const r = await importArchive(`weights-${what}`, zipSync(f));
      if (r.ok) {
        // what today's code does with it: it imports, and suggestions fail
        await app.ok('models:select', { modelId: r.value!.modelId });
        const doc = await app.ok<OpenedDocument>('documents:new');
        const s = await app.call('suggestions:request', { docId: doc.docId, requestId: 1, textBefore: 'Alice' });
        await app.ok('models:select', { modelId: 'default' });
        throw new Error(
          `a manifest with a weight ${what} was imported; a suggestion then answered ${JSON.stringify(s)}`,
        );
      }
      expect(r.error.code).toBe('MODEL_ERROR');
      expect(r.error.message).toMatch(message);
    }
    expect(libraryFolders()).toEqual(before);
  });
});
