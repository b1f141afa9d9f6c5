/**
 * Data-safety review 3: a file that cannot be replaced by a new one (it has
 * several names, or an owner we cannot give a new file) is rewritten in
 * place, which is not atomic. Its new text is kept as a recovery record
 * first, never over newer typed text, and never skipped; a longer text
 * claims its room before any old byte goes; a write that fails halfway says
 * so, and the next save is no false conflict. Through the real handler
 * table, with a disk that fails on cue (failing-disk.ts).
 */
import {
  chownSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/main/services/atomic-write';
import type { OpenedDocument, RecoveredDocument } from '../../src/shared/ipc-contract';
import { tempDir, useTestBackend } from '../helpers';
import { makeDefaultModel, startApp, type TestApp } from './app-harness';
import { failWrites } from './failing-disk';

describe.skipIf(process.platform === 'win32')('files rewritten in place', () => {
  const tmp = tempDir();
  const defaultModel = join(tmp.path, 'default-model');
  const files = join(tmp.path, 'files');
  const apps: TestApp[] = [];
  let roots = 0;
  beforeAll(async () => {
    await useTestBackend();
    await makeDefaultModel(defaultModel);
    mkdirSync(files, { recursive: true });
  });
  afterAll(async () => {
    for (const app of apps) await app.services.shutdown();
    tmp.cleanup();
  });

  /** An app over a fresh user-data folder (or `root`'s again: the next start). */
  const start = async (root = join(tmp.path, `root-${roots++}`)) => {
    const app = await startApp(root, defaultModel);
    apps.push(app);
    return { app, root };
  };
  /** `name` with `text`, and a second name for it; opened in `app`. */
  const openLinked = async (app: TestApp, name: string, text: string) => {
    const path = join(files, name);
    const other = join(files, `other-${name}`);
    writeFileSync(path, text);
    linkSync(path, other);
    app.dialogs.answers.push(path);
    const doc = await app.ok<OpenedDocument>('documents:open');
    return { path, other, doc };
  };
  const records = (app: TestApp, docId: string) => {
    const dir = join(app.userData, 'recovery');
    return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith(docId)) : [];
  };
  const recordText = (app: TestApp, docId: string) =>
    JSON.parse(readFileSync(join(app.userData, 'recovery', `${docId}.json`), 'utf8')).text as string;

  it('text typed while a hard-linked file is saved survives the save: its copy never replaces a newer autosave (1)', async () => {
    const { app, root } = await start();
    const { doc, other } = await openLinked(app, 'typed-during.md', 'Old chapter.');
    // the autosave timer fires as the writer presses Save: the autosave arrives second, and lands first
    const [saved, autosaved] = await Promise.all([
      app.call('documents:save', { docId: doc.docId, text: 'Saved.' }),
      app.call('documents:autosave', { docId: doc.docId, text: 'Saved. Typed during the save.' }),
    ]);
    expect(saved.ok && autosaved.ok).toBe(true);
    expect(readFileSync(other, 'utf8')).toBe('Saved.');
    expect(records(app, doc.docId)).toEqual([`${doc.docId}.json`]);
    expect(recordText(app, doc.docId)).toBe('Saved. Typed during the save.');
    // after a crash, the next start offers it
    const { app: after } = await start(root);
    const offered = await after.ok<RecoveredDocument[]>('recovery:list');
    expect(offered.map((r) => r.preview)).toEqual(['Saved. Typed during the save.']);
  });

  it('keeps the new text whole before the first byte is rewritten, and drops it once the file holds it (1, 5)', async () => {
    const { app } = await start();
    const { doc, path, other } = await openLinked(
      app,
      'kept-first.md',
      'Old chapter, a little longer than the new one.',
    );
    const kept: (string | null)[] = [];
    const open = fsp.open;
    // the moment the file is opened for rewriting in place: what does the recovery folder hold?
    fsp.open = async function (this: unknown, ...args: Parameters<typeof open>) {
      if (args[0] === path && args[1] === 'r+') {
        kept.push(records(app, doc.docId).length ? recordText(app, doc.docId) : null);
      }
      return open.apply(this, args);
    } as typeof open;
    try {
      await app.ok('documents:save', { docId: doc.docId, text: 'New chapter.' });
    } finally {
      fsp.open = open;
    }
    expect(kept).toEqual(['New chapter.']);
    expect(readFileSync(other, 'utf8')).toBe('New chapter.');
    expect(records(app, doc.docId)).toEqual([]);
  });

  it('refuses to rewrite a hard-linked file in place when the copy of its new text cannot be kept (2)', async () => {
    const { app } = await start();
    const { doc, path, other } = await openLinked(app, 'no-copy.md', 'The old chapter, whole.');
    // the user-data disk fails under the recovery area (here: the folder replaced by a file)
    rmSync(join(app.userData, 'recovery'), { recursive: true, force: true });
    writeFileSync(join(app.userData, 'recovery'), 'not a folder');
    const r = await app.call('documents:save', { docId: doc.docId, text: 'The new chapter.' });
    expect(r).toMatchObject({ ok: false, error: { code: 'FILE_ERROR', message: /could not keep a copy/ } });
    expect(readFileSync(path, 'utf8')).toBe('The old chapter, whole.');
    expect(readFileSync(other, 'utf8')).toBe('The old chapter, whole.');
  });

  it('a longer text claims its room first: a full disk leaves the old text whole (2)', async () => {
    const { app } = await start();
    const old = 'Old chapter. '.repeat(100);
    const { doc, path, other } = await openLinked(app, 'full-disk.md', old);
    const longer = 'New chapter, and longer. '.repeat(200);
    const restore = await failWrites({ path, kind: 'full', limit: old.length + 700 });
    let r;
    try {
      r = await app.call('documents:save', { docId: doc.docId, text: longer });
    } finally {
      restore();
    }
    expect(r).toMatchObject({ ok: false, error: { code: 'FILE_ERROR', message: /disk is full/ } });
    expect(readFileSync(other, 'utf8')).toBe(old);
    expect(statSync(path).size).toBe(old.length);
    // with room again, it saves (the file is what the document knew: no conflict)
    await app.ok('documents:save', { docId: doc.docId, text: longer });
    expect(readFileSync(other, 'utf8')).toBe(longer);
  });

  it('a write that fails halfway says the file may be torn, keeps the text, and the next save is no false conflict (2)', async () => {
    const { app } = await start();
    const { doc, path, other } = await openLinked(
      app,
      'torn.md',
      'The old chapter, before the writer cut it. '.repeat(50),
    );
    const restore = await failWrites({ path, kind: 'eio' });
    let r;
    try {
      r = await app.call('documents:save', { docId: doc.docId, text: 'The chapter, cut.' });
    } finally {
      restore();
    }
    expect(r).toMatchObject({ ok: false, error: { code: 'FILE_ERROR', message: /only part of/ } });
    expect(r!.ok === false && r!.error.message).not.toMatch(/not changed|still holds/);
    // the whole text is kept for the next start
    expect(recordText(app, doc.docId)).toBe('The chapter, cut.');
    const again = await app.call('documents:save', { docId: doc.docId, text: 'The chapter, cut.' });
    expect(again).toMatchObject({ ok: true });
    expect(readFileSync(other, 'utf8')).toBe('The chapter, cut.');
    expect(records(app, doc.docId)).toEqual([]);
  });

  it('a torn Save As leaves the document where it was: its next Save is no false conflict', async () => {
    const { app } = await start();
    const { doc, path } = await openLinked(app, 'mine.md', 'My chapter as it stands. '.repeat(20));
    // Save As onto another hard-linked file, whose disk fails halfway through the rewrite
    const target = join(files, 'theirs.md');
    writeFileSync(target, 'Another chapter entirely. '.repeat(40));
    linkSync(target, join(files, 'other-theirs.md'));
    const restore = await failWrites({ path: target, kind: 'eio' });
    app.dialogs.answers.push(target);
    let r;
    try {
      r = await app.call('documents:saveAs', { docId: doc.docId, text: 'My chapter, revised.' });
    } finally {
      restore();
    }
    expect(r).toMatchObject({ ok: false, error: { code: 'FILE_ERROR', message: /only part of/ } });
    // the document is still mine.md, unchanged on disk: saving it is an ordinary save
    const saved = await app.call('documents:save', { docId: doc.docId, text: 'My chapter, revised.' });
    expect(saved).toMatchObject({ ok: true });
    expect(readFileSync(path, 'utf8')).toBe('My chapter, revised.');
  });
});

describe.skipIf(process.platform === 'win32')('saving a file someone else owns (3)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  /** As a user who may not give a file away (anyone but root): chown to another owner is refused. */
  async function asOrdinaryUser<T>(task: () => Promise<T>): Promise<T> {
    const probe = await fsp.open(process.execPath, 'r');
    const proto = Object.getPrototypeOf(probe) as { chown: (uid: number, gid: number) => Promise<void> };
    await probe.close();
    const chown = proto.chown;
    const me = process.getuid!();
    proto.chown = function (this: unknown, uid: number, gid: number) {
      if (uid !== -1 && uid !== me)
        return Promise.reject(Object.assign(new Error('EPERM: simulated'), { code: 'EPERM' }));
      return chown.call(this, uid, gid);
    };
    try {
      return await task();
    } finally {
      proto.chown = chown;
    }
  }

  it('keeps its group when its owner cannot be kept; rewrites it in place when the caller keeps a copy', async () => {
    if (process.getuid!() !== 0) {
      // an ordinary user can only make a file of another owner in a test as root; the group part can be real
      const group = process.getgroups!().find((g) => g !== process.getgid!());
      if (group === undefined) {
        console.log('skipped: not root, and no second group to give a file (item 3 untested here)');
        return;
      }
      const path = join(tmp.path, 'shared-group.md');
      writeFileSync(path, 'Before.');
      chownSync(path, -1, group);
      await writeFileAtomic(path, 'After.');
      expect(statSync(path).gid).toBe(group);
      return;
    }
    // root: files of user 1 (daemon), group 4; saved as an ordinary user would (chown to another owner refused)
    const path = join(tmp.path, 'theirs.md');
    writeFileSync(path, 'Before.');
    chownSync(path, 1, 4);
    await asOrdinaryUser(() => writeFileAtomic(path, 'After.'));
    expect(readFileSync(path, 'utf8')).toBe('After.');
    expect(statSync(path).gid, 'the group is kept').toBe(4);

    const inPlace = join(tmp.path, 'theirs-in-place.md');
    writeFileSync(inPlace, 'Before, and longer.');
    chownSync(inPlace, 1, 4);
    const ino = statSync(inPlace).ino;
    let kept = 0;
    await asOrdinaryUser(() => writeFileAtomic(inPlace, 'After.', { beforeInPlace: async () => void kept++ }));
    expect(readFileSync(inPlace, 'utf8')).toBe('After.');
    expect(kept).toBe(1);
    expect({ ino: statSync(inPlace).ino, uid: statSync(inPlace).uid, gid: statSync(inPlace).gid }).toEqual({
      ino,
      uid: 1,
      gid: 4,
    });
    expect(readdirSync(tmp.path).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
