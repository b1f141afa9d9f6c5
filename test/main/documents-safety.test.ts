/**
 * Issue 11, the writer's text: what a real disk and an impatient writer
 * produce (names the dialog did not show, symlinks, pipes and devices,
 * overlapping saves and autosaves, overlapping settings updates), through the
 * real handler table.
 */
import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentInfo, OpenedDocument } from '../../src/shared/ipc-contract';
import { tempDir, useTestBackend } from '../helpers';
import { makeDefaultModel, startApp, type TestApp } from './app-harness';

describe('the writer’s text is never lost or silently replaced', () => {
  const tmp = tempDir();
  const defaultModel = join(tmp.path, 'default-model');
  const files = join(tmp.path, 'files');
  let app: TestApp;
  beforeAll(async () => {
    await useTestBackend();
    await makeDefaultModel(defaultModel);
    mkdirSync(files, { recursive: true });
    app = await startApp(tmp.path, defaultModel);
  });
  beforeEach(() => {
    app.dialogs.answers.length = 0;
  });
  afterAll(async () => {
    await app.services.shutdown();
    tmp.cleanup();
  });

  it('Save As asks again, with the real name, before replacing a file the dialog never named (1)', async () => {
    const existing = join(files, 'chapter1.md');
    writeFileSync(existing, 'The finished chapter.');
    const doc = await app.ok<OpenedDocument>('documents:new');
    // the writer types "chapter1"; the dialog saw no chapter1 and asked nothing
    app.dialogs.answers.push(join(files, 'chapter1'), null);
    const r = await app.call('documents:saveAs', { docId: doc.docId, text: 'A new draft.' });
    expect(readFileSync(existing, 'utf8')).toBe('The finished chapter.');
    expect(r).toEqual({ ok: true, value: null }); // the second dialog was cancelled
    expect(app.dialogs.asked.at(-1)).toEqual({ dialog: 'saveDocument', suggested: existing });
    // choosing chapter1.md itself there (where the system dialog asks about replacing) replaces it
    app.dialogs.answers.push(join(files, 'chapter1'), existing);
    const saved = await app.ok<DocumentInfo>('documents:saveAs', { docId: doc.docId, text: 'A new draft.' });
    expect(saved.path).toBe(existing);
    expect(readFileSync(existing, 'utf8')).toBe('A new draft.');
    // a bare name with no file behind its .md is saved at once
    app.dialogs.answers.push(join(files, 'fresh'));
    expect((await app.ok<DocumentInfo>('documents:saveAs', { docId: doc.docId, text: 'x' })).path).toBe(
      join(files, 'fresh.md'),
    );
  });

  it('saves through a symlink into the real file, and the link stays a link (2)', async () => {
    const real = join(files, 'real', 'novel.md');
    mkdirSync(join(files, 'real'), { recursive: true });
    mkdirSync(join(files, 'links'), { recursive: true });
    writeFileSync(real, 'First version.');
    const link = join(files, 'links', 'novel.md');
    symlinkSync(join('..', 'real', 'novel.md'), link); // relative, as `ln -s` makes them
    const chained = join(files, 'links', 'alias.md');
    symlinkSync('novel.md', chained); // a link to the link
    app.dialogs.answers.push(chained);
    const doc = await app.ok<OpenedDocument>('documents:open');
    expect(doc.text).toBe('First version.');
    await app.ok('documents:save', { docId: doc.docId, text: 'Second version.' });
    expect(readFileSync(real, 'utf8')).toBe('Second version.');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(lstatSync(chained).isSymbolicLink()).toBe(true);
    expect(readlinkSync(chained)).toBe('novel.md');
    // and the next save is no conflict: what is on disk is what was saved
    await app.ok('documents:save', { docId: doc.docId, text: 'Third version.' });
    expect(readFileSync(real, 'utf8')).toBe('Third version.');
  });
});
