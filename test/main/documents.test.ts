import { existsSync, readdirSync, readFileSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenedDocument, RecoveredDocument, DocumentInfo } from '../../src/shared/ipc-contract';
import { startApp, useTestApp } from './app-harness';

describe('documents, recovery and settings through the handler table', () => {
  const { app, tmp, defaultModel } = useTestApp();
  const files = join(tmp.path, 'files');
  beforeAll(async () => {
    writeFileSync(join(tmp.path, 'marker'), '');
  });

  it('creates, saves (asking where), and finds the file on disk', async () => {
    const doc = await app.ok<OpenedDocument>('documents:new');
    expect(doc.path).toBeNull();
    const path = join(files, 'chapter-one.md');
    app.dialogs.answers.push(path);
    const saved = await app.ok<DocumentInfo>('documents:save', { docId: doc.docId, text: '# One\n\nIt began.' });
    expect(saved.path).toBe(path);
    expect(saved.title).toBe('chapter-one.md');
    expect(readFileSync(path, 'utf8')).toBe('# One\n\nIt began.');
    // saving again needs no dialog
    await app.ok('documents:save', { docId: doc.docId, text: '# One\n\nIt began again.' });
    expect(readFileSync(path, 'utf8')).toBe('# One\n\nIt began again.');
    expect(await app.ok<string[]>('documents:recent')).toContain(path);
  });

  it('returns null when the save dialog is cancelled, and adds .md to a bare name', async () => {
    const doc = await app.ok<OpenedDocument>('documents:new');
    app.dialogs.answers.push(null);
    expect(await app.ok('documents:save', { docId: doc.docId, text: 'x' })).toBeNull();
    app.dialogs.answers.push(join(files, 'notes'));
    const saved = await app.ok<DocumentInfo>('documents:saveAs', { docId: doc.docId, text: 'x' });
    expect(saved.path).toBe(join(files, 'notes.md'));
  });

  it('keeps a file’s encoding and line endings when saving it back', async () => {
    const utf16 = join(files, 'utf16.txt');
    const body = Buffer.from('Ünïcödé 🦊\r\nline two', 'utf16le');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), body]));
    app.dialogs.answers.push(utf16);
    const doc = await app.ok<OpenedDocument>('documents:open');
    expect(doc.text).toBe('Ünïcödé 🦊\nline two');
    expect(doc.encoding).toBe('utf-16le');
    expect(doc.lineEnding).toBe('crlf');
    await app.ok('documents:save', { docId: doc.docId, text: doc.text + '\nthree' });
    const bytes = readFileSync(utf16);
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(bytes.subarray(2).toString('utf16le')).toBe('Ünïcödé 🦊\r\nline two\r\nthree');
  });

  it('refuses to overwrite a file another program changed, unless told to', async () => {
    const path = join(files, 'shared.txt');
    writeFileSync(path, 'original');
    app.dialogs.answers.push(path);
    const doc = await app.ok<OpenedDocument>('documents:open');
    writeFileSync(path, 'changed elsewhere, and longer');
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const r = await app.call('documents:save', { docId: doc.docId, text: 'mine' });
    expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(readFileSync(path, 'utf8')).toBe('changed elsewhere, and longer');
    await app.ok('documents:save', { docId: doc.docId, text: 'mine', overwrite: true });
    expect(readFileSync(path, 'utf8')).toBe('mine');
    // a touch without a change is not a conflict
    utimesSync(path, new Date(), new Date(Date.now() + 10_000));
    await app.ok('documents:save', { docId: doc.docId, text: 'mine again' });
  });

  it('refuses binary, undecodable, huge and foreign files with a sentence', async () => {
    const cases: [string, Buffer, RegExp][] = [
      ['image.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), /not plain text|binary/],
      ['latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9]), /not valid UTF-8/],
      ['huge.txt', Buffer.alloc(21 * 1024 * 1024, 0x61), /MB; Penwright opens documents up to/],
      ['report.pdf', Buffer.from('%PDF-1.4'), /not a \.txt or \.md file/],
    ];
    for (const [name, bytes, message] of cases) {
      const path = join(files, name);
      writeFileSync(path, bytes);
      app.dialogs.answers.push(path);
      const r = await app.call('documents:open');
      expect(r.ok, name).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('FILE_ERROR');
        expect(r.error.message).toMatch(message);
      }
    }
  });

  it('opens only recent files by path (a renderer cannot name arbitrary files)', async () => {
    const r = await app.call('documents:openRecent', { path: '/etc/passwd' });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const recent = await app.ok<string[]>('documents:recent');
    const doc = await app.ok<OpenedDocument>('documents:openRecent', { path: recent[0] });
    expect(doc.path).toBe(recent[0]);
  });

  it('recovers unsaved text after a crash, once', async () => {
    const doc = await app.ok<OpenedDocument>('documents:new');
    await app.ok('documents:autosave', { docId: doc.docId, text: 'Unsaved brilliance 🦊' });
    // "crash": a second app on the same folder, without closing the first
    const after = await startApp(tmp.path, defaultModel);
    const list = await after.ok<RecoveredDocument[]>('recovery:list');
    const entry = list.find((r) => r.preview.startsWith('Unsaved brilliance'));
    expect(entry).toBeDefined();
    const restored = await after.ok<OpenedDocument>('recovery:restore', { recoveryId: entry!.recoveryId });
    expect(restored.text).toBe('Unsaved brilliance 🦊');
    expect((await after.ok<RecoveredDocument[]>('recovery:list')).some((r) => r.recoveryId === entry!.recoveryId)).toBe(
      false,
    );
    // saving the restored document clears its recovery record
    after.dialogs.answers.push(join(files, 'recovered.md'));
    await after.ok('documents:save', { docId: restored.docId, text: restored.text });
    expect(readdirSync(join(app.userData, 'recovery')).some((n) => n.startsWith(restored.docId))).toBe(false);
    await after.services.shutdown();
  });

  it('closing a document discards its recovery record', async () => {
    const doc = await app.ok<OpenedDocument>('documents:new');
    await app.ok('documents:autosave', { docId: doc.docId, text: 'temporary' });
    expect(existsSync(join(app.userData, 'recovery', `${doc.docId}.json`))).toBe(true);
    await app.ok('documents:close', { docId: doc.docId });
    expect(existsSync(join(app.userData, 'recovery', `${doc.docId}.json`))).toBe(false);
  });

  it('survives a damaged settings file: defaults, a notice, and the bad file kept aside', async () => {
    const root = join(tmp.path, 'damaged-settings');
    const userData = join(root, 'user-data');
    const other = await startApp(root, defaultModel);
    await other.ok('settings:update', { pauseMs: 300 });
    await other.services.shutdown();
    writeFileSync(join(userData, 'settings.json'), '{"pauseMs": 300, "temperatures": [');
    const again = await startApp(root, defaultModel);
    const { settings, notice } = await again.ok<{ settings: { pauseMs: number }; notice: string }>('settings:get');
    expect(settings.pauseMs).toBe(150);
    expect(notice).toMatch(/damaged.*defaults.*kept as settings\.json\.damaged-/);
    expect(readdirSync(userData).some((n) => n.startsWith('settings.json.damaged-'))).toBe(true);
    await again.services.shutdown();
  });

  it('validates settings updates', async () => {
    const r = await app.call('settings:update', { temperatures: [0.2, 99] });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const next = await app.ok<{ suggestionChars: number }>('settings:update', { suggestionChars: 30 });
    expect(next.suggestionChars).toBe(30);
    const stored = JSON.parse(readFileSync(join(app.userData, 'settings.json'), 'utf8'));
    expect(stored.suggestionChars).toBe(30);
  });

  it('changes only the settings a patch names', async () => {
    await app.ok('settings:update', { pauseMs: 400, theme: 'dark' });
    const next = await app.ok<{ pauseMs: number; theme: string; fontSize: number }>('settings:update', {
      fontSize: 20,
    });
    expect(next).toMatchObject({ pauseMs: 400, theme: 'dark', fontSize: 20 });
    const stored = JSON.parse(readFileSync(join(app.userData, 'settings.json'), 'utf8'));
    expect(stored).toMatchObject({ pauseMs: 400, theme: 'dark', fontSize: 20 });
  });
});
