/**
 * The authorship record in the window's state: loaded with a document opened
 * from its file (a dropped record is said quietly), sent after a save with
 * the ranges read together with the text that save wrote, nothing when it is
 * off; and a folder's model and suggestions switch as the status bar shows them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuthorshipRange } from '../../src/shared/authorship';
import { DEFAULT_SETTINGS, type DocumentInfo, type OpenedDocument, type Settings } from '../../src/shared/ipc-contract';
import { AuthorshipState } from '../../src/renderer/src/state/authorship.svelte';
import { AUTOSAVE_MS, DocumentState } from '../../src/renderer/src/state/document.svelte';
import { FolderState } from '../../src/renderer/src/state/folders.svelte';
import { Notices } from '../../src/renderer/src/state/notices.svelte';
import { Questions } from '../../src/renderer/src/state/questions.svelte';
import { SettingsState } from '../../src/renderer/src/state/settings.svelte';
import { fakeMain, ok, type Answers } from './fake-main';

const info: DocumentInfo = {
  docId: 'd1',
  path: '/home/a/novel/story.md',
  title: 'story.md',
  encoding: 'utf-8',
  lineEnding: 'lf',
  savedAt: null,
};
const opened: OpenedDocument = { ...info, text: 'Once upon a time' };
const counts = { words: 1, characters: 4 };

function setUp(answers: Answers, record = true) {
  const m = fakeMain({
    'documents:open': () => ok(opened),
    'documents:close': () => ok(null),
    'authorship:saved': () => ok({ recorded: true }),
    ...answers,
  });
  const notices = new Notices();
  const settings = new SettingsState(m.main, notices);
  settings.current = { ...structuredClone(DEFAULT_SETTINGS), authorshipRecord: record };
  const authorship = new AuthorshipState(m.main, notices, settings);
  let ranges: AuthorshipRange[] = [];
  authorship.attach(() => ({ text: 'Once upon a time', ranges }));
  const doc = new DocumentState(m.main, new Questions(), notices, authorship);
  return { m, doc, authorship, notices, settings, setRanges: (r: AuthorshipRange[]) => (ranges = r) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the authorship record in the window', () => {
  it('loads the record with a document opened from its file, and says quietly when it was dropped', async () => {
    const { doc, notices } = setUp({
      'authorship:load': () => ok({ ranges: [[4, 9]], notice: 'story.md was changed outside Penwright…' }),
    });
    await doc.open();
    expect(doc.loaded?.authorship).toEqual([[4, 9]]);
    expect(notices.list.map((n) => [n.kind, n.text])).toEqual([['info', 'story.md was changed outside Penwright…']]);
  });

  it('sends the ranges read with the text of a save, after the save', async () => {
    let release: () => void = () => {};
    const { m, doc, setRanges } = setUp({
      'authorship:load': () => ok({ ranges: [], notice: null }),
      'documents:save': async () => {
        await new Promise<void>((r) => (release = r));
        return ok(info);
      },
    });
    await doc.open();
    setRanges([[4, 9]]);
    doc.changed('Once upon a time', counts, true);
    const saving = doc.save();
    setRanges([
      [4, 9],
      [10, 12],
    ]); // an accept while the save is on its way: not in the file
    release();
    expect(await saving).toBe(true);
    const sent = m.requests.filter((r) => r.channel === 'authorship:saved').map((r) => r.payload);
    expect(sent).toEqual([{ docId: 'd1', ranges: [[4, 9]] }]);
    doc.stop();
  });

  it('neither loads nor sends anything when the record is off', async () => {
    const { m, doc, authorship } = setUp({ 'documents:save': () => ok(info) }, false);
    await doc.open();
    expect(doc.loaded?.authorship).toEqual([]);
    doc.changed('Once', counts, true);
    await doc.save();
    expect(m.count('authorship:load') + m.count('authorship:saved')).toBe(0);
    expect(authorship.snapshot()).toEqual([]);
    doc.stop();
  });

  it('autosaves the passages with the text they describe', async () => {
    vi.useFakeTimers();
    const { m, doc, setRanges } = setUp({
      'authorship:load': () => ok({ ranges: [[4, 9]], notice: null }),
      'documents:autosave': () => ok({ savedAt: 'now' }),
    });
    await doc.open();
    setRanges([[4, 9]]);
    doc.changed('Once upon a time', counts, true);
    vi.advanceTimersByTime(AUTOSAVE_MS);
    await vi.waitFor(() => expect(m.count('documents:autosave')).toBe(1));
    expect(m.requests.find((r) => r.channel === 'documents:autosave')?.payload).toEqual({
      docId: 'd1',
      text: 'Once upon a time',
      authorship: [[4, 9]],
    });
    doc.stop();
  });

  it('a document restored after a crash keeps the passages kept with its text, and its save records them', async () => {
    const { m, doc, setRanges } = setUp({
      'recovery:restore': () => ok({ ...opened, authorship: [[5, 9]] }),
      'documents:save': () => ok(info),
    });
    await doc.restore('d1');
    // from the recovery record, not from the stored record (that one describes the saved text)
    expect(doc.loaded?.authorship).toEqual([[5, 9]]);
    expect(m.count('authorship:load')).toBe(0);
    setRanges([[5, 9]]); // the editor holds what it was given
    expect(await doc.save()).toBe(true);
    const sent = m.requests.filter((r) => r.channel === 'authorship:saved').map((r) => r.payload);
    expect(sent).toEqual([{ docId: 'd1', ranges: [[5, 9]] }]);
    doc.stop();
  });

  it('leaves the stored record alone when a restored document’s passages are not known', async () => {
    vi.useFakeTimers();
    const { m, doc } = setUp({
      'recovery:restore': () => ok({ ...opened, authorship: null }),
      'documents:save': () => ok(info),
      'documents:autosave': () => ok({ savedAt: 'now' }),
    });
    await doc.restore('d1');
    expect(doc.loaded?.authorship).toEqual([]);
    doc.changed('Once upon a time!', counts, true);
    vi.advanceTimersByTime(AUTOSAVE_MS);
    await vi.waitFor(() => expect(m.count('documents:autosave')).toBe(1));
    expect(m.requests.find((r) => r.channel === 'documents:autosave')?.payload).toEqual({
      docId: 'd1',
      text: 'Once upon a time!',
    });
    expect(await doc.save()).toBe(true);
    // an empty list would delete the record the crashed session kept: none is sent
    expect(m.count('authorship:saved')).toBe(0);
    doc.stop();
  });

  it('gives the machine’s share in words a status bar can show', () => {
    const { authorship } = setUp({});
    expect(authorship.share).toBe('0%');
    authorship.counted(3, 1000);
    expect(authorship.share).toBe('under 1%');
    authorship.counted(250, 1000);
    expect(authorship.share).toBe('25%');
    authorship.accepted(12);
    authorship.accepted(5);
    expect(authorship.acceptedThisSession).toBe(17);
  });
});

describe('a folder’s model and suggestions in the window', () => {
  it('says when opening switched to the folder’s model, and reads the folder’s suggestions switch', async () => {
    const { m, settings } = setUp({
      'folders:opened': () => ok({ folder: '/home/a/novel', switchedTo: 'Alice voice' }),
      'folders:suggest': ({ suggest }: { suggest: boolean }) => {
        const folderPreferences: Settings['folderPreferences'] = suggest ? {} : { '/home/a/novel': { suggest: false } };
        return ok({ ...settings.current!, folderPreferences });
      },
    });
    const folders = new FolderState(m.main, settings);
    await folders.opened('d1');
    expect(folders.message).toBe('This folder’s model: Alice voice');
    expect(folders.suggests(info.path)).toBe(true);
    await folders.setSuggest('d1', false);
    expect(folders.suggests(info.path)).toBe(false);
    expect(folders.suggests('/home/a/other/x.md')).toBe(true);
    expect(folders.suggests(null)).toBe(true);
  });
});
