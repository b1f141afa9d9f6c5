/**
 * A model per project, and the authorship record's switch, through the
 * handler table as main runs it: a folder remembers the model chosen while
 * writing there, opening a document from it switches to that model, and
 * suggestions as you type can be off for a folder. Turning the authorship
 * record off deletes every record.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DocumentInfo, ModelSummary, OpenedDocument, Settings } from '../../src/shared/ipc-contract';
import { withFolder } from '../../src/main/services/settings/folder-preferences';
import { folderOf, folderPreference, MAX_FOLDER_PREFERENCES } from '../../src/shared/folders';
import { useTestApp } from './app-harness';

describe('a model per folder', () => {
  const { app, tmp } = useTestApp();
  const open = async (path: string) => {
    app.dialogs.answers.push(path);
    return app.ok<OpenedDocument>('documents:open');
  };
  const settings = async () => (await app.ok<{ settings: Settings }>('settings:get')).settings;

  it('remembers the model chosen in a folder and switches to it when a document from there opens', async () => {
    const novel = join(tmp.path, 'novel');
    const letters = join(tmp.path, 'letters');
    mkdirSync(novel);
    mkdirSync(letters);
    for (const [dir, name] of [
      [novel, 'one.md'],
      [novel, 'two.md'],
      [letters, 'dear.md'],
    ]) {
      writeFileSync(join(dir, name), `Text of ${name}.`);
    }
    // a second model: the default, exported and imported again
    app.dialogs.answers.push(join(tmp.path, 'copy.penwright'));
    await app.ok('models:export', { modelId: 'default' });
    app.dialogs.answers.push(join(tmp.path, 'copy.penwright'));
    const second = await app.ok<ModelSummary>('models:import');
    expect(second.modelId).not.toBe('default');

    const one = await open(join(novel, 'one.md'));
    await app.ok('models:select', { modelId: second.modelId, forDocId: one.docId });
    expect((await settings()).folderPreferences).toEqual({ [novel]: { modelId: second.modelId } });
    // chosen elsewhere (no document named): not remembered for the folder
    await app.ok('models:select', { modelId: 'default' });
    expect((await settings()).folderPreferences[novel]).toEqual({ modelId: second.modelId });

    const dear = await open(join(letters, 'dear.md'));
    expect(await app.ok('folders:opened', { docId: dear.docId })).toEqual({ folder: letters, switchedTo: null });
    expect((await settings()).activeModelId).toBe('default');

    const events = app.events.length;
    const two = await open(join(novel, 'two.md'));
    expect(await app.ok('folders:opened', { docId: two.docId })).toEqual({ folder: novel, switchedTo: second.name });
    expect((await settings()).activeModelId).toBe(second.modelId);
    // the window hears of it as of any switch
    expect(app.events.slice(events).map((e) => e.event)).toContain('models:changed');
    // opening again in the same folder: already in use, nothing to say
    expect(await app.ok('folders:opened', { docId: two.docId })).toEqual({ folder: novel, switchedTo: null });

    // a folder's model deleted since: forgotten, and the model in use stays
    await app.ok('models:select', { modelId: 'default' });
    await app.ok('models:delete', { modelId: second.modelId });
    const again = await open(join(novel, 'one.md'));
    expect(await app.ok('folders:opened', { docId: again.docId })).toEqual({ folder: novel, switchedTo: null });
    expect((await settings()).folderPreferences[novel]).toBeUndefined();
    expect((await settings()).activeModelId).toBe('default');
  });

  it('switches suggestions as you type off for one folder only, and refuses a document with no folder', async () => {
    const quiet = join(tmp.path, 'quiet');
    mkdirSync(quiet);
    writeFileSync(join(quiet, 'notes.md'), 'Notes.');
    const notes = await open(join(quiet, 'notes.md'));
    const next = await app.ok<Settings>('folders:suggest', { docId: notes.docId, suggest: false });
    expect(next.folderPreferences[quiet]).toEqual({ suggest: false });
    expect(next.autoSuggest).toBe(true); // the global switch is untouched
    expect(folderPreference(next.folderPreferences, join(quiet, 'other.md')).suggest).toBe(false);
    expect(folderPreference(next.folderPreferences, join(tmp.path, 'novel', 'one.md')).suggest).toBeUndefined();
    expect(app.events.at(-1)?.event).toBe('settings:changed');
    // on again: nothing left to remember
    const on = await app.ok<Settings>('folders:suggest', { docId: notes.docId, suggest: true });
    expect(on.folderPreferences[quiet]).toBeUndefined();

    const untitled = await app.ok<OpenedDocument>('documents:new');
    expect(await app.call('folders:suggest', { docId: untitled.docId, suggest: false })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/Save this document first/) },
    });
    expect(await app.ok('folders:opened', { docId: untitled.docId })).toEqual({ folder: null, switchedTo: null });
    // a folder the renderer names itself is no part of the request
    expect(await app.call('folders:suggest', { docId: notes.docId, suggest: false, folder: '/etc' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });

  it('turning the authorship record off deletes every record, and nothing is kept while it is off', async () => {
    const path = join(tmp.path, 'kept.md');
    writeFileSync(path, 'Kept text here.');
    const doc = await open(path);
    expect(await app.ok('authorship:saved', { docId: doc.docId, ranges: [[5, 9]] })).toEqual({ recorded: true });
    const dir = join(app.userData, 'authorship');
    expect(existsSync(dir)).toBe(true);
    await app.ok('settings:update', { authorshipRecord: false });
    expect(existsSync(dir)).toBe(false);
    expect(await app.ok('authorship:saved', { docId: doc.docId, ranges: [[5, 9]] })).toEqual({ recorded: false });
    expect(await app.ok('authorship:load', { docId: doc.docId })).toEqual({ ranges: [], notice: null });
    await app.ok('settings:update', { authorshipRecord: true });
    await app.ok<DocumentInfo>('documents:save', { docId: doc.docId, text: 'Kept text here!' });
    expect(await app.ok('authorship:saved', { docId: doc.docId, ranges: [[5, 9]] })).toEqual({ recorded: true });
    expect(await app.ok('authorship:load', { docId: doc.docId })).toEqual({ ranges: [[5, 9]], notice: null });
    // a save's record on its way as the writer turns the record off: it does not come back
    const inFlight = app.ok('authorship:saved', { docId: doc.docId, ranges: [[0, 4]] });
    const off = app.ok<Settings>('settings:update', { authorshipRecord: false });
    await Promise.all([inFlight, off]);
    expect((await off).authorshipRecord).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('folder preferences', () => {
  it('finds a file’s folder on either separator, the root included', () => {
    expect(folderOf('/home/w/novel/one.md')).toBe('/home/w/novel');
    expect(folderOf('C:\\Users\\w\\one.md')).toBe('C:\\Users\\w');
    expect(folderOf('/one.md')).toBe('/');
    expect(folderOf('C:\\one.md')).toBe('C:\\');
    expect(folderOf('one.md')).toBeNull();
  });

  it('keeps the most recently changed folders, up to the cap', () => {
    let prefs: Settings['folderPreferences'] = {};
    for (let i = 0; i <= MAX_FOLDER_PREFERENCES; i++) prefs = withFolder(prefs, `/f${i}`, { modelId: 'm' });
    expect(Object.keys(prefs)).toHaveLength(MAX_FOLDER_PREFERENCES);
    expect(prefs['/f0']).toBeUndefined();
    prefs = withFolder(prefs, '/f1', { suggest: false });
    expect(Object.keys(prefs).at(-1)).toBe('/f1');
    expect(prefs['/f1']).toEqual({ modelId: 'm', suggest: false });
    // nothing left to remember: the folder goes
    expect(withFolder({ '/a': { suggest: false } }, '/a', { suggest: undefined })).toEqual({});
  });
});
