import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DocumentInfo, OpenedDocument } from '../../src/shared/ipc-contract';
import { AUTOSAVE_MS, DocumentState } from '../../src/renderer/src/state/document.svelte';
import { Notices } from '../../src/renderer/src/state/notices.svelte';
import { Questions } from '../../src/renderer/src/state/questions.svelte';
import { fail, fakeMain, ok, type Answers } from './fake-main';

const info: DocumentInfo = {
  docId: 'd1',
  path: '/home/a/story.md',
  title: 'story.md',
  encoding: 'utf-8',
  lineEnding: 'lf',
  savedAt: null,
};
const opened: OpenedDocument = { ...info, text: 'Once' };
const counts = { words: 1, characters: 4 };

function setUp(answers: Answers) {
  const m = fakeMain({
    'recovery:list': () => ok([]),
    'documents:new': () => ok(opened),
    'documents:close': () => ok(null),
    ...answers,
  });
  const questions = new Questions();
  const notices = new Notices();
  const doc = new DocumentState(m.main, questions, notices);
  return { m, doc, questions, notices };
}

/** The writer answers the question on screen. */
async function answer(questions: Questions, choice: string) {
  await vi.waitFor(() => expect(questions.current).not.toBeNull());
  questions.current!.answer(choice);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the document', () => {
  it('opens a new document at start when nothing waits to be recovered', async () => {
    const { doc } = setUp({});
    await doc.load();
    expect(doc.info?.docId).toBe('d1');
    expect(doc.loaded?.text).toBe('Once');
    expect(doc.dirty).toBe(false);
  });

  it('saves what the editor last reported, and stays unsaved when typing went on meanwhile', async () => {
    let release: () => void = () => {};
    const saved: string[] = [];
    const { doc } = setUp({
      'documents:save': async ({ text }: { text: string }) => {
        saved.push(text);
        await new Promise<void>((r) => (release = r));
        return ok(info);
      },
    });
    await doc.load();
    doc.changed('Once upon', counts, true);
    const saving = doc.save();
    doc.changed('Once upon a time', counts, true); // typed while the save is on its way
    release();
    expect(await saving).toBe(true);
    expect(saved).toEqual(['Once upon']);
    expect(doc.dirty).toBe(true);
    doc.stop();
  });

  it('asks when the file changed on disk, and replaces it when told to', async () => {
    const overwrites: unknown[] = [];
    const { doc, questions } = setUp({
      'documents:save': ({ overwrite }: { overwrite?: boolean }) => {
        overwrites.push(overwrite);
        return overwrite ? ok(info) : fail('CONFLICT', 'story.md changed on disk.');
      },
    });
    await doc.load();
    doc.changed('Once upon', counts, true);
    const saving = doc.save();
    await answer(questions, 'overwrite');
    expect(await saving).toBe(true);
    expect(overwrites).toEqual([false, true]);
    expect(doc.dirty).toBe(false);
    doc.stop();
  });

  it('a failed save is said once, and the text stays unsaved', async () => {
    const { m, doc } = setUp({ 'documents:save': () => fail('FILE_ERROR', 'The disk is full.') });
    await doc.load();
    doc.changed('Once upon', counts, true);
    expect(await doc.save()).toBe(false);
    expect(m.reported).toEqual(['The disk is full.']);
    expect(doc.dirty).toBe(true);
    doc.stop();
  });

  it('autosaves the text after a pause in typing, and a failure is said', async () => {
    vi.useFakeTimers();
    const { m, doc } = setUp({ 'documents:autosave': () => fail('FILE_ERROR', 'Could not keep a recovery copy.') });
    await doc.load();
    doc.changed('Once upon', counts, true);
    vi.advanceTimersByTime(AUTOSAVE_MS - 1);
    doc.changed('Once upon a', counts, true);
    vi.advanceTimersByTime(AUTOSAVE_MS);
    await vi.waitFor(() => expect(m.count('documents:autosave')).toBe(1));
    expect(m.requests.find((r) => r.channel === 'documents:autosave')?.payload).toEqual({
      docId: 'd1',
      text: 'Once upon a',
    });
    await vi.waitFor(() => expect(m.reported).toEqual(['Could not keep a recovery copy.']));
  });

  it('a document loaded into the editor is not an edit', async () => {
    const { doc } = setUp({});
    await doc.load();
    doc.changed('Once', { words: 1, characters: 4 }, false);
    expect(doc.dirty).toBe(false);
    expect(doc.words).toBe(1);
  });

  it('keeps a recovered text listed when discarding it failed', async () => {
    const recovered = { recoveryId: 'r1', title: 'Untitled', path: null, savedAt: '', characters: 3, preview: 'Fox' };
    const { m, doc } = setUp({
      'recovery:list': () => ok([recovered]),
      'recovery:discard': () => fail('FILE_ERROR', 'Could not remove it.'),
    });
    await doc.load();
    await doc.discardRecovered('r1');
    expect(doc.recovered).toEqual([recovered]);
    expect(m.reported).toEqual(['Could not remove it.']);
  });

  it('restoring a second recovered text asks before it replaces unsaved text (review)', async () => {
    const record = (id: string) => ({
      recoveryId: id,
      title: 'Untitled',
      path: null,
      savedAt: '',
      characters: 3,
      preview: 'Fox',
    });
    const { m, doc, questions } = setUp({
      'recovery:list': () => ok([record('r1'), record('r2')]),
      'recovery:restore': ({ recoveryId }: { recoveryId: string }) =>
        ok({ ...opened, docId: `doc-${recoveryId}`, text: 'Fox', authorship: null }),
    });
    await doc.load();
    await doc.restore('r1'); // recovered text is unsaved
    expect(doc.dirty).toBe(true);
    const cancelled = doc.restore('r2');
    await answer(questions, 'cancel');
    await cancelled;
    expect(m.count('recovery:restore')).toBe(1);
    expect(doc.info?.docId).toBe('doc-r1');
    expect(doc.recovered.map((r) => r.recoveryId)).toEqual(['r2']);
    doc.stop();
  });

  it('before a new document: Save / Don’t Save / Cancel', async () => {
    const { m, doc, questions } = setUp({});
    await doc.load();
    doc.changed('Once upon', counts, true);
    const cancelled = doc.newDocument();
    await answer(questions, 'cancel');
    await cancelled;
    expect(m.count('documents:new')).toBe(1);
    const discarded = doc.newDocument();
    await answer(questions, 'discard');
    await discarded;
    expect(m.count('documents:new')).toBe(2);
    expect(m.count('documents:close')).toBe(1);
    doc.stop();
  });
});
