/**
 * Issue 11, the writer's text: what a real disk and an impatient writer
 * produce (names the dialog did not show, symlinks, pipes and devices,
 * overlapping saves and autosaves, overlapping settings updates), through the
 * real handler table.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentInfo, OpenedDocument, RecoveredDocument } from '../../src/shared/ipc-contract';
import { startApp, useTestApp } from './app-harness';

/** The promise, or a rejection after `ms`: a hang fails the test instead of stalling the run. */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise,
    new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}

/** Lets a reader blocked on a FIFO go (a writer opens and closes it), so a failing run can end. */
function releaseFifo(path: string): void {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // nobody was reading it
  }
}

describe('the writer’s text is never lost or silently replaced', () => {
  const { app, tmp, defaultModel } = useTestApp();
  const files = join(tmp.path, 'files');
  beforeAll(async () => {
    mkdirSync(files, { recursive: true });
  });
  beforeEach(() => {
    app.dialogs.answers.length = 0;
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

  it('saves through a link inside a symlinked folder into the file the kernel reaches (2, review)', async () => {
    // home/docs is a link to mnt/docs; inside it, novel.md -> ../real/novel.md climbs out of mnt/docs
    const base = join(files, 'layout');
    mkdirSync(join(base, 'mnt', 'docs'), { recursive: true });
    mkdirSync(join(base, 'mnt', 'real'), { recursive: true });
    mkdirSync(join(base, 'home'), { recursive: true });
    const real = join(base, 'mnt', 'real', 'novel.md');
    writeFileSync(real, 'OLD');
    symlinkSync(join(base, 'mnt', 'docs'), join(base, 'home', 'docs'));
    symlinkSync(join('..', 'real', 'novel.md'), join(base, 'mnt', 'docs', 'novel.md'));
    app.dialogs.answers.push(join(base, 'home', 'docs', 'novel.md'));
    const doc = await app.ok<OpenedDocument>('documents:open');
    expect(doc.text).toBe('OLD');
    await app.ok('documents:save', { docId: doc.docId, text: 'NEW' });
    expect(readFileSync(real, 'utf8')).toBe('NEW');
    // no stray copy where a textual '..' would have led
    expect(existsSync(join(base, 'home', 'real'))).toBe(false);
  });

  it.skipIf(process.platform === 'win32')(
    'refuses pipes, devices and folders by name, at once, instead of hanging or filling memory (6)',
    async () => {
      const fifo = join(files, 'pipe.txt');
      execFileSync('mkfifo', [fifo]);
      const zero = join(files, 'zero.txt');
      symlinkSync('/dev/zero', zero);
      const folder = join(files, 'folder.md');
      mkdirSync(folder);
      const archive = join(files, 'pipe.penwright');
      execFileSync('mkfifo', [archive]);
      try {
        for (const [path, message] of [
          [fifo, /pipe\.txt is a named pipe, not a file/],
          [zero, /zero\.txt is a device, not a file/],
          [folder, /folder\.md is a folder, not a file/],
        ] as const) {
          app.dialogs.answers.push(path);
          const r = await within(3000, app.call('documents:open'), path);
          expect(r, path).toMatchObject({ ok: false, error: { code: 'FILE_ERROR', message } });
        }
        app.dialogs.answers.push(archive);
        const r = await within(3000, app.call('models:import'), 'importing a pipe');
        expect(r).toMatchObject({ ok: false, error: { code: 'FILE_ERROR', message: /named pipe/ } });
      } finally {
        releaseFifo(fifo);
        releaseFifo(archive);
      }
    },
  );

  it.skipIf(process.platform === 'win32')('saving never hangs on a pipe put where the file was (6)', async () => {
    const path = join(files, 'swapped.md');
    writeFileSync(path, 'Mine.');
    app.dialogs.answers.push(path);
    const doc = await app.ok<OpenedDocument>('documents:open');
    rmSync(path);
    execFileSync('mkfifo', [path]);
    try {
      const r = await within(3000, app.call('documents:save', { docId: doc.docId, text: 'Mine, longer.' }), 'save');
      // something else is there now: ask before replacing it
      expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    } finally {
      releaseFifo(path);
    }
  });

  it.skipIf(process.platform === 'win32')(
    'Save keeps the file’s permissions: a private draft stays private, a shared one group-writable (review)',
    async () => {
      const umask = process.umask(0o022); // the usual one, which a new file's mode passes through
      try {
        for (const mode of [0o600, 0o660, 0o664, 0o640]) {
          const path = join(files, `mode-${mode.toString(8)}.md`);
          writeFileSync(path, 'Before.');
          chmodSync(path, mode);
          app.dialogs.answers.push(path);
          const doc = await app.ok<OpenedDocument>('documents:open');
          await app.ok('documents:save', { docId: doc.docId, text: 'After.' });
          expect(readFileSync(path, 'utf8')).toBe('After.');
          expect((statSync(path).mode & 0o7777).toString(8), path).toBe(mode.toString(8));
          await app.ok('documents:close', { docId: doc.docId });
        }
      } finally {
        process.umask(umask);
      }
    },
  );

  it.skipIf(process.platform === 'win32')(
    'Save keeps a hard-linked file linked: every name holds the new text (review)',
    async () => {
      const path = join(files, 'linked.md');
      const other = join(files, 'linked-elsewhere.md');
      writeFileSync(path, 'Old chapter, a little longer than the new one.');
      linkSync(path, other);
      app.dialogs.answers.push(path);
      const doc = await app.ok<OpenedDocument>('documents:open');
      await app.ok('documents:save', { docId: doc.docId, text: 'New chapter.' });
      expect(readFileSync(other, 'utf8')).toBe('New chapter.');
      expect(statSync(path).ino).toBe(statSync(other).ino);
      expect(statSync(path).nlink).toBe(2);
      // the save landed: the copy kept for it (a recovery record) is gone, and the next save is no conflict
      // (that the copy exists before the first byte is rewritten: in-place-saves.test.ts)
      expect(existsSync(join(app.userData, 'recovery', `${doc.docId}.json`))).toBe(false);
      await app.ok('documents:save', { docId: doc.docId, text: 'Newer chapter, and longer than both.' });
      expect(readFileSync(other, 'utf8')).toBe('Newer chapter, and longer than both.');
      expect(readdirSync(files).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      await app.ok('documents:close', { docId: doc.docId });
    },
  );

  it('an open document’s own autosave cannot be restored or discarded by its id (review)', async () => {
    const doc = await app.ok<OpenedDocument>('documents:new');
    await app.ok('documents:autosave', { docId: doc.docId, text: 'Typed, not saved.' });
    for (const channel of ['recovery:restore', 'recovery:discard']) {
      expect(await app.call(channel, { recoveryId: doc.docId }), channel).toMatchObject({
        ok: false,
        error: { code: 'IN_USE' },
      });
    }
    // its autosaves still land
    await app.ok('documents:autosave', { docId: doc.docId, text: 'Typed, not saved, and more.' });
    await app.ok('documents:close', { docId: doc.docId });
  });

  it('saves the document even when the recovery area cannot be written (review)', async () => {
    const root = join(tmp.path, 'broken-recovery');
    const path = join(files, 'still-saves.md');
    writeFileSync(path, 'Before.');
    const broken = await startApp(root, defaultModel);
    broken.dialogs.answers.push(path);
    const doc = await broken.ok<OpenedDocument>('documents:open');
    // the user-data disk fails under the recovery area (here: the folder replaced by a file)
    rmSync(join(broken.userData, 'recovery'), { recursive: true, force: true });
    writeFileSync(join(broken.userData, 'recovery'), 'not a folder');
    const saved = await broken.call('documents:save', { docId: doc.docId, text: 'After.' });
    expect(saved.ok).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('After.');
  });

  it('a restored document keeps the conflict check: a file changed meanwhile is not overwritten (3)', async () => {
    const root = join(tmp.path, 'restore-conflict');
    const path = join(files, 'restored.md');
    writeFileSync(path, 'What the writer opened.');
    const first = await startApp(root, defaultModel);
    first.dialogs.answers.push(path, path);
    const doc = await first.ok<OpenedDocument>('documents:open');
    await first.ok('documents:autosave', { docId: doc.docId, text: 'What the writer opened, and more.' });
    const other = await first.ok<OpenedDocument>('documents:open'); // the same file, untouched: a clean restore below
    await first.ok('documents:autosave', { docId: other.docId, text: 'Untouched, and more.' });
    // the app crashes; another program changes the file; the app starts again
    writeFileSync(path, 'What another program wrote.');
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const again = await startApp(root, defaultModel);
    const list = await again.ok<RecoveredDocument[]>('recovery:list');
    const entry = list.find((r) => r.preview.startsWith('What the writer opened'))!;
    const restored = await again.ok<OpenedDocument>('recovery:restore', { recoveryId: entry.recoveryId });
    const r = await again.call('documents:save', { docId: restored.docId, text: restored.text });
    expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(readFileSync(path, 'utf8')).toBe('What another program wrote.');
    // told to, it replaces the file
    await again.ok('documents:save', { docId: restored.docId, text: restored.text, overwrite: true });
    expect(readFileSync(path, 'utf8')).toBe('What the writer opened, and more.');
    await again.services.shutdown();
    await first.services.shutdown();
  });

  it('a restored document whose file did not change saves without a question (3)', async () => {
    const root = join(tmp.path, 'restore-clean');
    const path = join(files, 'clean.md');
    writeFileSync(path, 'Opened.');
    const first = await startApp(root, defaultModel);
    first.dialogs.answers.push(path);
    const doc = await first.ok<OpenedDocument>('documents:open');
    await first.ok('documents:autosave', { docId: doc.docId, text: 'Opened, and more.' });
    const again = await startApp(root, defaultModel);
    const [entry] = await again.ok<RecoveredDocument[]>('recovery:list');
    const restored = await again.ok<OpenedDocument>('recovery:restore', { recoveryId: entry.recoveryId });
    await again.ok('documents:save', { docId: restored.docId, text: restored.text });
    expect(readFileSync(path, 'utf8')).toBe('Opened, and more.');
    await again.services.shutdown();
    await first.services.shutdown();
  });

  it('an autosave overlapping a save never leaves a stale recovery record (4)', async () => {
    const root = join(tmp.path, 'overlap');
    const overlapping = await startApp(root, defaultModel);
    const recoveryDir = join(overlapping.userData, 'recovery');
    const records = (docId: string) =>
      existsSync(recoveryDir) ? readdirSync(recoveryDir).filter((n) => n.startsWith(docId)) : [];
    const open = async (name: string) => {
      const path = join(files, name);
      writeFileSync(path, 'Start.');
      overlapping.dialogs.answers.push(path);
      return overlapping.ok<OpenedDocument>('documents:open');
    };
    // how long a save takes here, to spread the autosaves over it
    const probe = await open('overlap-probe.md');
    const t0 = performance.now();
    await overlapping.ok('documents:save', { docId: probe.docId, text: 'Start. Probe. '.repeat(2000) });
    const saveMs = performance.now() - t0;
    let stale = 0;
    for (let run = 0; run < 24; run++) {
      const doc = await open(`overlap-${run}.md`);
      const text = `Start. Run ${run}. `.repeat(2000);
      // the autosave timer fires around the moment the writer presses Save,
      // with the same text: just before it, or at some point while it runs
      const autosave = () => overlapping.call('documents:autosave', { docId: doc.docId, text });
      const save = overlapping.call('documents:save', { docId: doc.docId, text });
      const delay = run === 0 ? -1 : ((run - 1) / 23) * saveMs * 1.2;
      const answers = await Promise.all([
        save,
        delay < 0 ? autosave() : new Promise((r) => setTimeout(r, delay)).then(autosave),
      ]);
      expect(answers.every((a) => a.ok)).toBe(true);
      if (records(doc.docId).length) stale++;
    }
    console.log(`save ${saveMs.toFixed(1)} ms; ${stale} of 24 overlapping autosaves left a record behind`);
    expect(stale, 'runs that left a recovery record behind a clean save').toBe(0);
    // and text typed after the save began is kept until it is saved
    const path = join(files, 'overlap-newer.md');
    writeFileSync(path, 'Start.');
    overlapping.dialogs.answers.push(path);
    const doc = await overlapping.ok<OpenedDocument>('documents:open');
    const [saved, autosaved] = await Promise.all([
      overlapping.call('documents:save', { docId: doc.docId, text: 'Saved.' }),
      overlapping.call('documents:autosave', { docId: doc.docId, text: 'Saved. Typed during the save.' }),
    ]);
    expect(saved.ok && autosaved.ok).toBe(true);
    expect(records(doc.docId)).toEqual([`${doc.docId}.json`]);
    const after = await startApp(root, defaultModel);
    const offered = await after.ok<RecoveredDocument[]>('recovery:list');
    expect(offered.map((r) => r.preview)).toEqual(['Saved. Typed during the save.']);
    await after.services.shutdown();
    await overlapping.services.shutdown();
  });

  it('overlapping settings and window-state updates all land, in order, in memory and on disk (5)', async () => {
    const root = join(tmp.path, 'overlapping-settings');
    const busy = await startApp(root, defaultModel);
    const answers = await Promise.all([
      busy.call('settings:update', { fontSize: 19 }),
      busy.call('settings:update', { fontSize: 20 }),
      busy.call('settings:update', { fontSize: 21 }),
      busy.call('settings:update', { theme: 'dark' }),
    ]);
    expect(answers.every((a) => a.ok)).toBe(true);
    const { settings } = await busy.ok<{ settings: { fontSize: number; theme: string } }>('settings:get');
    expect(settings).toMatchObject({ fontSize: 21, theme: 'dark' });
    const stored = JSON.parse(readFileSync(join(busy.userData, 'settings.json'), 'utf8'));
    expect(stored).toMatchObject({ fontSize: 21, theme: 'dark' });
    // the window moves while a document is opened (recent files)
    const path = join(files, 'state.md');
    writeFileSync(path, 'x');
    busy.dialogs.answers.push(path);
    await Promise.all([
      busy.services.appState.update({ window: { width: 900, height: 700, maximized: false } }),
      busy.call('documents:open'),
      busy.services.appState.update({ window: { width: 901, height: 701, maximized: true } }),
    ]);
    const onDisk = JSON.parse(readFileSync(join(busy.userData, 'state.json'), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(busy.services.appState.current)));
    expect(onDisk.window).toMatchObject({ width: 901, maximized: true });
    expect(onDisk.recentFiles).toContain(path);
    await busy.services.shutdown();
  });

  it('one bad setting in settings.json resets that setting only (5)', async () => {
    const root = join(tmp.path, 'one-bad-setting');
    const userData = join(root, 'user-data');
    mkdirSync(userData, { recursive: true });
    writeFileSync(
      join(userData, 'settings.json'),
      JSON.stringify({ pauseMs: 300, theme: 'dark', fontSize: 99, temperatures: [0.4, 0.9], stopRule: 'bogus' }),
    );
    const again = await startApp(root, defaultModel);
    const { settings, notice } = await again.ok<{ settings: Record<string, unknown>; notice: string }>('settings:get');
    expect(settings).toMatchObject({
      pauseMs: 300,
      theme: 'dark',
      temperatures: [0.4, 0.9],
      fontSize: 18,
      stopRule: 'phrase',
    });
    expect(notice).toMatch(/fontSize.*stopRule|stopRule.*fontSize/);
    expect(notice).toMatch(/kept as settings\.json\.damaged-/);
    expect(readdirSync(userData).some((n) => n.startsWith('settings.json.damaged-'))).toBe(true);
    // and what was kept is on disk, so the next start has it too
    await again.services.shutdown();
    const third = await startApp(root, defaultModel);
    const next = await third.ok<{ settings: Record<string, unknown>; notice: string | null }>('settings:get');
    expect(next.settings).toMatchObject({ pauseMs: 300, theme: 'dark' });
    expect(next.notice).toBeNull();
    await third.services.shutdown();
  });
});
