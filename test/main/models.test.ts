import { zipSync } from 'fflate';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../src/shared/ipc-contract';
import { startApp, useTestApp } from './app-harness';

describe('model library', () => {
  const { app, tmp, defaultModel } = useTestApp();
  const exported = join(tmp.path, 'default.penwright');

  const modelsDir = () => join(app.userData, 'models');
  const models = () => app.ok<ModelSummary[]>('models:list');

  it('lists the read-only default model, active, with its details', async () => {
    const [d] = await models();
    expect(d).toMatchObject({ modelId: 'default', builtIn: true, active: true, name: 'Test default' });
    expect(d.sizeBytes).toBeGreaterThan(1000);
    expect(d.valLoss).toBeGreaterThan(0);
    expect(d.corpus).toBeNull();
    expect(await app.call('models:delete', { modelId: 'default' })).toMatchObject({
      ok: false,
      error: { code: 'READ_ONLY' },
    });
    expect(await app.call('models:rename', { modelId: 'default', name: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'READ_ONLY' },
    });
  });

  it('exports to one file and imports it back as a new model', async () => {
    app.dialogs.answers.push(exported);
    expect(await app.ok('models:export', { modelId: 'default' })).toEqual({ path: exported });
    app.dialogs.answers.push(exported);
    const imported = await app.ok<ModelSummary>('models:import');
    expect(imported).toMatchObject({ name: 'Test default', builtIn: false, active: false });
    // the word list travels with the model
    expect(readFileSync(join(modelsDir(), imported.modelId, 'words.txt'), 'utf8')).toBe(
      readFileSync(join(defaultModel, 'words.txt'), 'utf8'),
    );
    expect((await models()).map((m) => m.modelId)).toContain(imported.modelId);
    expect(app.events.some((e) => e.event === 'models:changed')).toBe(true);
  });

  it('selects, renames and deletes a model (not while it is active)', async () => {
    const mine = (await models()).find((m) => !m.builtIn)!;
    const selected = await app.ok<ModelSummary>('models:select', { modelId: mine.modelId });
    expect(selected.active).toBe(true);
    expect((await app.ok<{ settings: { activeModelId: string } }>('settings:get')).settings.activeModelId).toBe(
      mine.modelId,
    );
    expect(await app.call('models:delete', { modelId: mine.modelId })).toMatchObject({
      ok: false,
      error: { code: 'IN_USE' },
    });
    const renamed = await app.ok<ModelSummary>('models:rename', { modelId: mine.modelId, name: 'My voice' });
    expect(renamed.name).toBe('My voice');
    await app.ok('models:select', { modelId: 'default' });
    await app.ok('models:delete', { modelId: mine.modelId });
    expect((await models()).map((m) => m.modelId)).toEqual(['default']);
    expect(await app.call('models:select', { modelId: mine.modelId })).toMatchObject({
      ok: false,
      error: { code: 'MODEL_ERROR' },
    });
  });

  it('switches the model one way, from the Models panel or a settings change: same events, suggestions released', async () => {
    app.dialogs.answers.push(exported);
    const other = await app.ok<ModelSummary>('models:import');
    const released = () => (app.services.suggestions as unknown as { active: unknown }).active;
    const eventsOf = async (switchTo: () => Promise<unknown>) => {
      const from = app.events.length;
      await switchTo();
      return app.events.slice(from).map((e) => e.event);
    };
    const viaPanel = await eventsOf(() => app.ok('models:select', { modelId: other.modelId }));
    expect(released()).toBeNull();
    const viaSettings = await eventsOf(() => app.ok('settings:update', { activeModelId: 'default' }));
    expect(viaPanel).toEqual(['models:changed', 'settings:changed']);
    expect(viaSettings).toEqual(viaPanel);
    const active = (await models()).find((m) => m.active)!;
    expect(active.modelId).toBe('default');
    // a settings change that names the active model and nothing else changes nothing
    expect(await eventsOf(() => app.ok('settings:update', { activeModelId: 'default' }))).toEqual([]);
    await app.ok('models:delete', { modelId: other.modelId });
  });

  const files = () => {
    const out: Record<string, Uint8Array> = {};
    for (const n of ['model.json', 'weights.bin', 'penwright.json', 'words.txt']) {
      out[n] = readFileSync(join(defaultModel, n));
    }
    return out;
  };
  const hostile: [string, () => Uint8Array, RegExp][] = [
    ['not a zip', () => Buffer.from('just some text, not an archive'), /not a zip archive/],
    ['path traversal', () => zipSync({ ...files(), '../../evil.txt': Buffer.from('x') }), /unsafe path/],
    ['absolute path', () => zipSync({ ...files(), '/etc/cron.d/evil': Buffer.from('x') }), /unsafe path/],
    [
      'an extra file',
      () => zipSync({ ...files(), 'run-me.sh': Buffer.from('rm -rf ~') }),
      /a file a model does not have/,
    ],
    [
      'a missing file',
      () => zipSync({ 'model.json': files()['model.json'], 'penwright.json': files()['penwright.json'] }),
      /weights\.bin is missing/,
    ],
    [
      'truncated weights',
      () => zipSync({ ...files(), 'weights.bin': files()['weights.bin'].subarray(0, 64) }),
      /damaged.*bytes/,
    ],
    ['a damaged archive', () => zipSync(files()).subarray(0, 400), /damaged|missing/],
    [
      'no word list though its format has one',
      () => {
        const { 'words.txt': _, ...rest } = files();
        return zipSync(rest);
      },
      /words\.txt is missing/,
    ],
    [
      'a damaged word list',
      () =>
        zipSync({
          ...files(),
          'words.txt': Buffer.from('# Penwright word list: word<TAB>count, most frequent first\nrm -rf\t1\n'),
        }),
      /words\.txt line 2: not a listed word/,
    ],
    [
      'a word list its format does not have',
      () => {
        const meta = JSON.parse(Buffer.from(files()['penwright.json']).toString('utf8'));
        return zipSync({ ...files(), 'penwright.json': Buffer.from(JSON.stringify({ ...meta, formatVersion: 1 })) });
      },
      /holds words\.txt, which a model of format 1 does not have/,
    ],
    [
      'a foreign model',
      () => zipSync({ ...files(), 'penwright.json': Buffer.from('{"format":"keras"}') }),
      /not a Penwright model/,
    ],
  ];
  for (const [what, bytes, message] of hostile) {
    it(`refuses an archive with ${what}, leaving nothing behind`, async () => {
      const path = join(tmp.path, `hostile-${what.replace(/\W+/g, '-')}.penwright`);
      writeFileSync(path, bytes());
      app.dialogs.answers.push(path);
      const r = await app.call('models:import');
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(['FILE_ERROR', 'MODEL_ERROR']).toContain(r.error.code);
        expect(r.error.message).toMatch(message);
      }
      expect(readdirSync(modelsDir()).filter((n) => !n.startsWith('.deleting'))).toEqual([]);
      expect(existsSync(join(tmp.path, 'evil.txt'))).toBe(false);
    });
  }

  it('falls back to the default when the remembered model is gone', async () => {
    const root = join(tmp.path, 'second');
    const first = await startApp(root, defaultModel);
    await first.ok('settings:update', { trainingThreads: 1 });
    const settingsPath = join(first.userData, 'settings.json');
    const stored = JSON.parse(readFileSync(settingsPath, 'utf8'));
    writeFileSync(settingsPath, JSON.stringify({ ...stored, activeModelId: 'vanished-model' }));
    await first.services.shutdown();
    const second = await startApp(root, defaultModel);
    expect((await second.ok<{ settings: { activeModelId: string } }>('settings:get')).settings.activeModelId).toBe(
      'default',
    );
    await second.services.shutdown();
  });
});
