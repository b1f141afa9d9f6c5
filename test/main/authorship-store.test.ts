/**
 * The authorship record on disk: kept in the app's data folder keyed by the
 * document's path with the hash of the saved bytes; dropped when the file
 * changed outside the app; carried to a renamed file and through Save As;
 * set aside with a clear message when damaged; deleted when turned off;
 * hostile ranges refused. And the report it exports.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorshipReport } from '../../src/main/services/authorship/authorship-report';
import { createAuthorshipHandlers } from '../../src/main/services/authorship/authorship-handlers';
import { AuthorshipStore } from '../../src/main/services/authorship/authorship-store';
import { createDocumentHandlers } from '../../src/main/services/documents/document-handlers';
import { MAX_AUTHORSHIP_RANGES } from '../../src/shared/authorship';
import { requestSchemas } from '../../src/shared/ipc-contract';
import { tempDir } from '../helpers';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

let tmp: { path: string; cleanup: () => void };
let store: AuthorshipStore;
let docs: string;
beforeEach(() => {
  tmp = tempDir();
  store = new AuthorshipStore(join(tmp.path, 'user-data', 'authorship'));
  docs = join(tmp.path, 'docs');
  mkdirSync(docs);
});
afterEach(() => tmp.cleanup());

describe('the authorship store', () => {
  it('keeps a record in its own folder, never beside the document, and reads it back while the file is unchanged', async () => {
    const path = join(docs, 'story.md');
    writeFileSync(path, 'It was a dark night.');
    await store.write(path, sha('It was a dark night.'), [[9, 19]]);
    expect(readdirSync(docs)).toEqual(['story.md']);
    expect(readdirSync(store.dir)).toHaveLength(1);
    expect(await store.read(path, sha('It was a dark night.'))).toEqual({ ranges: [[9, 19]], notice: null });
  });

  it('drops the record when the file’s hash no longer matches (changed outside the app), and says so', async () => {
    const path = join(docs, 'story.md');
    await store.write(path, sha('before'), [[0, 3]]);
    const read = await store.read(path, sha('after'));
    expect(read.ranges).toEqual([]);
    expect(read.notice).toMatch(/story\.md was changed outside Penwright.*cleared/);
    expect(existsSync(store.fileFor(path))).toBe(false);
    // and stays dropped, quietly
    expect(await store.read(path, sha('before'))).toEqual({ ranges: [], notice: null });
  });

  it('sets a damaged record aside with a clear message and starts a fresh one', async () => {
    const path = join(docs, 'story.md');
    for (const damage of ['{not json', JSON.stringify({ version: 1, path, sha256: 'x', ranges: [[5, 2]] }), '']) {
      mkdirSync(store.dir, { recursive: true });
      writeFileSync(store.fileFor(path), damage);
      const read = await store.read(path, sha('text'));
      expect(read.ranges).toEqual([]);
      expect(read.notice).toMatch(
        /could not be read, so a fresh record starts now\. The old one was kept as .*damaged/,
      );
      expect(existsSync(store.fileFor(path))).toBe(false);
      // the fresh record works
      await store.write(path, sha('text'), [[0, 2]]);
      expect((await store.read(path, sha('text'))).ranges).toEqual([[0, 2]]);
      await store.write(path, sha('text'), []);
    }
    expect(readdirSync(store.dir).filter((n) => n.includes('.damaged-'))).toHaveLength(3);
  });

  it('carries the record to a document renamed outside the app, but not to a copy', async () => {
    const old = join(docs, 'draft.md');
    const renamed = join(docs, 'chapter-1.md');
    writeFileSync(old, 'Same bytes.');
    await store.write(old, sha('Same bytes.'), [[5, 10]]);
    // a copy while the original is still there: not the same document
    writeFileSync(renamed, 'Same bytes.');
    expect((await store.read(renamed, sha('Same bytes.'))).ranges).toEqual([]);
    // renamed: the old name is gone
    renameSync(old, renamed);
    expect(await store.read(renamed, sha('Same bytes.'))).toEqual({ ranges: [[5, 10]], notice: null });
    expect(existsSync(store.fileFor(old))).toBe(false);
    expect(existsSync(store.fileFor(renamed))).toBe(true);
  });

  it('moves a record to a new name', async () => {
    await store.write('/a/one.md', sha('x'), [[0, 1]]);
    await store.move('/a/one.md', '/b/two.md');
    expect((await store.read('/b/two.md', sha('x'))).ranges).toEqual([[0, 1]]);
    expect(existsSync(store.fileFor('/a/one.md'))).toBe(false);
  });

  it('deletes every record when turned off', async () => {
    await store.write('/a/one.md', sha('x'), [[0, 1]]);
    await store.write('/a/two.md', sha('y'), [[0, 1]]);
    await store.deleteAll();
    expect(existsSync(store.dir)).toBe(false);
    expect((await store.read('/a/one.md', sha('x'))).ranges).toEqual([]);
  });

  it('never lets a write still on its way bring a record back after it was turned off', async () => {
    const on = { enabled: true };
    const guarded = new AuthorshipStore(store.dir, () => on.enabled);
    await guarded.write('/a/one.md', sha('x'), [[0, 1]]);
    // a save's record write queued behind a slow read of the same document, then the writer turns the record off
    const slowRead = guarded.read('/a/one.md', sha('x'));
    const write = guarded.write('/a/one.md', sha('y'), [[0, 2]]);
    on.enabled = false;
    const deleted = guarded.deleteAll();
    await Promise.all([slowRead, write, deleted]);
    expect(existsSync(guarded.dir)).toBe(false);
    // and later writes and reads find it off
    await guarded.write('/a/two.md', sha('z'), [[0, 1]]);
    expect(existsSync(guarded.dir)).toBe(false);
    on.enabled = true;
    expect(await guarded.read('/a/one.md', sha('y'))).toEqual({ ranges: [], notice: null });
  });

  it('deletes only after the writes already running have finished', async () => {
    const on = { enabled: true };
    const guarded = new AuthorshipStore(store.dir, () => on.enabled);
    // the write's task starts (finds the record on) before the setting flips; the delete waits for it
    const writes = Array.from({ length: 5 }, (_, i) => guarded.write(`/a/${i}.md`, sha(`${i}`), [[0, 1]]));
    await Promise.resolve();
    on.enabled = false;
    await guarded.deleteAll();
    await Promise.all(writes);
    expect(existsSync(guarded.dir)).toBe(false);
  });

  it('refuses ranges that are unsorted, overlapping, empty, negative, fractional or too many', async () => {
    for (const bad of [
      [
        [5, 9],
        [1, 2],
      ],
      [
        [1, 5],
        [4, 8],
      ],
      [[3, 3]],
      [[-1, 2]],
      [[0.5, 2]],
      [[0, 2, 3]],
    ]) {
      await expect(store.write('/a/x.md', sha('x'), bad as never), JSON.stringify(bad)).rejects.toThrow();
    }
    const many = Array.from({ length: MAX_AUTHORSHIP_RANGES + 1 }, (_, i) => [2 * i, 2 * i + 1] as [number, number]);
    await expect(store.write('/a/x.md', sha('x'), many)).rejects.toThrow();
    expect(existsSync(store.dir)).toBe(false);
  });
});

describe('the authorship handlers over real documents', () => {
  function setUp(enabled = true) {
    const answers: (string | null)[] = [];
    const next = async () => answers.shift() ?? null;
    const text = createDocumentHandlers({
      recoveryDir: join(tmp.path, 'user-data', 'recovery'),
      dialogs: { openDocument: next, saveDocument: next },
      recent: { list: () => [], remember: async () => {}, forget: async () => {} },
    });
    const on = { enabled };
    const handlers = createAuthorshipHandlers({
      store,
      documents: text.documents,
      enabled: () => on.enabled,
      dialogs: { exportReport: next },
    });
    const open = async (path: string) => {
      answers.push(path);
      return (await text.handlers['documents:open']({}))!;
    };
    return { text, handlers, answers, open, on };
  }

  it('records the ranges of a save, gives them back when the file is opened again, and drops them when it changed outside', async () => {
    const { text, handlers, open } = setUp();
    const path = join(docs, 'story.md');
    writeFileSync(path, 'Once.');
    const doc = await open(path);
    expect(await handlers['authorship:load']({ docId: doc.docId })).toEqual({ ranges: [], notice: null });
    await text.handlers['documents:save']({ docId: doc.docId, text: 'Once upon a time.' });
    expect(await handlers['authorship:saved']({ docId: doc.docId, ranges: [[4, 16]] })).toEqual({ recorded: true });
    expect(readFileSync(path, 'utf8')).toBe('Once upon a time.'); // the writer's file holds the text only
    text.documents.close(doc.docId);

    const again = await open(path);
    expect(await handlers['authorship:load']({ docId: again.docId })).toEqual({ ranges: [[4, 16]], notice: null });
    text.documents.close(again.docId);

    writeFileSync(path, 'Once upon a time, edited elsewhere.');
    const changed = await open(path);
    const read = await handlers['authorship:load']({ docId: changed.docId });
    expect(read.ranges).toEqual([]);
    expect(read.notice).toMatch(/changed outside Penwright/);
  });

  it('carries the record through Save As, and leaves the old file’s record as it was', async () => {
    const { text, handlers, open, answers } = setUp();
    const first = join(docs, 'first.md');
    writeFileSync(first, 'Hello there.');
    const doc = await open(first);
    await handlers['authorship:saved']({ docId: doc.docId, ranges: [[5, 11]] });
    answers.push(join(docs, 'second.md'));
    await text.handlers['documents:saveAs']({ docId: doc.docId, text: 'Hello there.' });
    // the renderer sends the ranges of the text it saved, as after every save
    await handlers['authorship:saved']({ docId: doc.docId, ranges: [[5, 11]] });
    text.documents.close(doc.docId);
    for (const name of ['first.md', 'second.md']) {
      const reopened = await open(join(docs, name));
      expect((await handlers['authorship:load']({ docId: reopened.docId })).ranges, name).toEqual([[5, 11]]);
      text.documents.close(reopened.docId);
    }
  });

  it('keeps nothing for a document never saved, or when the record is off', async () => {
    const { text, handlers, open, on } = setUp();
    const untitled = text.documents.create('abc');
    expect(await handlers['authorship:saved']({ docId: untitled.docId, ranges: [[0, 1]] })).toEqual({
      recorded: false,
    });
    on.enabled = false;
    const path = join(docs, 'x.md');
    writeFileSync(path, 'abc');
    const doc = await open(path);
    expect(await handlers['authorship:saved']({ docId: doc.docId, ranges: [[0, 1]] })).toEqual({ recorded: false });
    expect(existsSync(store.dir)).toBe(false);
  });

  it('refuses ranges past the end of the saved file, and an unknown document', async () => {
    const { handlers, open } = setUp();
    const path = join(docs, 'short.md');
    writeFileSync(path, 'abc');
    const doc = await open(path);
    await expect(handlers['authorship:saved']({ docId: doc.docId, ranges: [[0, 4]] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(handlers['authorship:load']({ docId: 'no-such-doc' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('exports a plain report where the writer chooses, never over the document itself', async () => {
    const { handlers, open, answers } = setUp();
    const path = join(docs, 'tale.md');
    writeFileSync(path, 'Start. Machine words.\nMine.');
    const doc = await open(path);
    const payload = { docId: doc.docId, text: 'Start. Machine words.\nMine.', ranges: [[7, 21]] as [number, number][] };
    answers.push(join(docs, 'tale report'));
    expect(await handlers['authorship:export'](payload)).toEqual({ path: join(docs, 'tale report.txt') });
    const report = readFileSync(join(docs, 'tale report.txt'), 'utf8');
    expect(report).toMatch(/From suggestions and drafts: 14 characters \(52%\), in 1 passage/);
    expect(report).toContain('1. Line 1, 14 characters:\n    Machine words.');
    // cancelled
    answers.push(null);
    expect(await handlers['authorship:export'](payload)).toBeNull();
    // the document's own file
    answers.push(path);
    await expect(handlers['authorship:export'](payload)).rejects.toMatchObject({ code: 'FILE_ERROR' });
    expect(readFileSync(path, 'utf8')).toBe('Start. Machine words.\nMine.');
    // ranges beyond the text sent
    await expect(handlers['authorship:export']({ ...payload, ranges: [[7, 99]] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('keeps the passages through a crash: autosaved with the text, restored with it, recorded by the next save', async () => {
    const crashed = setUp();
    const path = join(docs, 'tale.md');
    writeFileSync(path, 'Start. Machine words.');
    const doc = await crashed.open(path);
    await crashed.handlers['authorship:saved']({ docId: doc.docId, ranges: [[7, 21]] });
    // typed and accepted more, autosaved, then the app died before a save
    const typed = 'Start. Machine words. Mine. More machine.';
    const passages: [number, number][] = [
      [7, 21],
      [28, 41],
    ];
    await crashed.text.handlers['documents:autosave']({ docId: doc.docId, text: typed, authorship: passages });

    const next = setUp(); // the next start: a fresh process over the same folders
    const [entry] = await next.text.handlers['recovery:list']({});
    const restored = await next.text.handlers['recovery:restore']({ recoveryId: entry!.recoveryId });
    expect(restored).toMatchObject({ text: typed, path, authorship: passages });
    // the stored record (of the saved text) is still there until the restored text is saved
    expect((await store.read(path, sha('Start. Machine words.'))).ranges).toEqual([[7, 21]]);
    await next.text.handlers['documents:save']({ docId: restored.docId, text: typed });
    await next.handlers['authorship:saved']({ docId: restored.docId, ranges: restored.authorship! });
    next.text.documents.close(restored.docId);
    const reopened = await next.open(path);
    expect(await next.handlers['authorship:load']({ docId: reopened.docId })).toEqual({
      ranges: passages,
      notice: null,
    });
  });

  it('restores the text, with its passages unknown, from a record that kept none or damaged ones', async () => {
    const crashed = setUp();
    const path = join(docs, 'old.md');
    writeFileSync(path, 'Saved.');
    const doc = await crashed.open(path);
    await crashed.text.handlers['documents:autosave']({ docId: doc.docId, text: 'Saved. Typed.' });
    const again = setUp();
    const [entry] = await again.text.handlers['recovery:list']({});
    expect(await again.text.handlers['recovery:restore']({ recoveryId: entry!.recoveryId })).toMatchObject({
      text: 'Saved. Typed.',
      authorship: null,
    });
    // passages beyond the text (or not passages at all) cost nothing but themselves
    const file = join(tmp.path, 'user-data', 'recovery', `${entry!.recoveryId}.json`);
    for (const bad of [[[0, 99]], 'nonsense', [[5, 2]]]) {
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), authorship: bad }));
      const third = setUp();
      expect(await third.text.handlers['recovery:restore']({ recoveryId: entry!.recoveryId })).toMatchObject({
        text: 'Saved. Typed.',
        authorship: null,
      });
      third.text.documents.close(entry!.recoveryId);
    }
    // an autosave whose passages run past its text keeps the text, not the passages
    const fourth = setUp();
    const reopened = await fourth.open(path);
    await fourth.text.handlers['documents:autosave']({ docId: reopened.docId, text: 'Short', authorship: [[0, 9]] });
    const kept = JSON.parse(
      readFileSync(join(tmp.path, 'user-data', 'recovery', `${reopened.docId}.json`), 'utf8'),
    ) as { text: string; authorship?: unknown };
    expect(kept.text).toBe('Short');
    expect(kept.authorship).toBeUndefined();
  });

  it('never replaces a file the dialog did not ask about, nor any open document under another name', async () => {
    const { handlers, open, answers } = setUp();
    const path = join(docs, 'tale.md');
    writeFileSync(path, 'Start. Machine words.');
    const other = join(docs, 'other.md');
    writeFileSync(other, 'Another chapter.');
    const doc = await open(path);
    await open(other);
    const payload = { docId: doc.docId, text: 'Start. Machine words.', ranges: [[7, 21]] as [number, number][] };
    // "chapter1" typed without an extension: the dialog asked about chapter1, not chapter1.txt, which exists
    writeFileSync(join(docs, 'chapter1.txt'), 'The writer’s own chapter.');
    answers.push(join(docs, 'chapter1'));
    await expect(handlers['authorship:export'](payload)).rejects.toMatchObject({
      code: 'FILE_ERROR',
      message: expect.stringMatching(/chapter1\.txt is already there.*type the name with \.txt to replace it/),
    });
    expect(readFileSync(join(docs, 'chapter1.txt'), 'utf8')).toBe('The writer’s own chapter.');
    // named with .txt the dialog asked, so the file may go
    answers.push(join(docs, 'chapter1.txt'));
    expect(await handlers['authorship:export'](payload)).toEqual({ path: join(docs, 'chapter1.txt') });
    // another open document, and an open document through a link or a link to its folder
    symlinkSync(path, join(docs, 'link.md'));
    symlinkSync(docs, join(tmp.path, 'docs-link'));
    for (const target of [other, join(docs, 'link.md'), join(tmp.path, 'docs-link', 'other.md')]) {
      answers.push(target);
      await expect(handlers['authorship:export'](payload), target).rejects.toMatchObject({ code: 'FILE_ERROR' });
    }
    expect(readFileSync(path, 'utf8')).toBe('Start. Machine words.');
    expect(readFileSync(other, 'utf8')).toBe('Another chapter.');
    // where names ignore case (macOS, Windows), another spelling of an open document's name is that document
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    try {
      answers.push(join(docs, 'TALE.MD'));
      await expect(handlers['authorship:export'](payload)).rejects.toMatchObject({
        message: expect.stringMatching(/cannot replace tale\.md, which is open/),
      });
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
    expect(existsSync(join(docs, 'TALE.MD'))).toBe(false);
  });
});

describe('hostile authorship payloads', () => {
  it('are refused by the contract before any handler runs', () => {
    const saved = requestSchemas['authorship:saved'];
    expect(saved.safeParse({ docId: 'd', ranges: [[0, 1]] }).success).toBe(true);
    for (const bad of [
      { docId: 'd', ranges: [[1, 0]] },
      {
        docId: 'd',
        ranges: [
          [0, 2],
          [1, 3],
        ],
      },
      { docId: 'd', ranges: [['0', 1]] },
      { docId: 'd', ranges: { 0: [0, 1] } },
      { docId: 'd', ranges: [[0, 1e12]] },
      { docId: '../etc', ranges: [] },
      { docId: 'd', ranges: [], path: '/etc/passwd' },
      { docId: 'd', ranges: Array.from({ length: MAX_AUTHORSHIP_RANGES + 1 }, (_, i) => [2 * i, 2 * i + 1]) },
    ]) {
      expect(saved.safeParse(bad).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
    expect(requestSchemas['authorship:export'].safeParse({ docId: 'd', text: 1, ranges: [] }).success).toBe(false);
  });
});

describe('the authorship report', () => {
  it('says the share, and each passage with its line', () => {
    const text = 'My line.\nA suggested line.\nMine again, then more\nfrom the machine.';
    const a = text.indexOf('suggested');
    const b = text.indexOf('more');
    const report = authorshipReport(
      'novel.md',
      text,
      [
        [a, a + 9],
        [b, text.length],
      ],
      new Date('2025-01-02T03:04:05Z'),
    );
    expect(report).toBe(
      [
        'Authorship report: novel.md',
        'Made by Penwright on 2025-01-02.',
        '',
        `The document has ${text.length} characters.`,
        'From suggestions and drafts: 31 characters (47%), in 2 passages.',
        `Written by the writer: ${text.length - 31} characters (53%).`,
        '',
        '1. Line 2, 9 characters:',
        '    suggested',
        '',
        '2. Line 3, 22 characters:',
        '    more',
        '    from the machine.',
        '',
      ].join('\n'),
    );
    expect(authorshipReport('empty.md', '', [])).toMatch(
      /0 characters \(0%\), in 0 passages[\s\S]*No passage in it came/,
    );
  });
});
