import { describe, expect, it, vi } from 'vitest';
import type { ModelSummary } from '../../src/shared/ipc-contract';
import { ModelsState } from '../../src/renderer/src/state/models.svelte';
import { Notices } from '../../src/renderer/src/state/notices.svelte';
import { Questions } from '../../src/renderer/src/state/questions.svelte';
import { fail, fakeMain, ok, type Answers } from './fake-main';

const model = (modelId: string, name: string, active = false): ModelSummary => ({
  modelId,
  name,
  active,
  builtIn: modelId === 'default',
  sizeBytes: 1,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  preset: 'M',
  parameters: 1,
  valLoss: null,
  valBitsPerChar: null,
  trainingCharacters: 0,
  corpus: null,
  baseModel: null,
});

/** Main as it behaves: every change to the library is followed by models:changed with the new list. */
function setUp() {
  let library = [model('default', 'Penwright default', true), model('mine', 'My style')];
  const changed = () => m.emit('models:changed', { models: library });
  const answers: Answers = {
    'models:list': () => ok(library),
    'models:select': ({ modelId }: { modelId: string }) => {
      library = library.map((x) => ({ ...x, active: x.modelId === modelId }));
      changed();
      return ok(library.find((x) => x.modelId === modelId)!);
    },
    'models:rename': ({ modelId, name }: { modelId: string; name: string }) => {
      library = library.map((x) => (x.modelId === modelId ? { ...x, name } : x));
      changed();
      return ok(library.find((x) => x.modelId === modelId)!);
    },
    'models:delete': ({ modelId }: { modelId: string }) => {
      library = library.filter((x) => x.modelId !== modelId);
      changed();
      return ok(null);
    },
    'models:import': () => {
      library = [...library, model('imported', 'From a friend')];
      changed();
      return ok(library.at(-1)!);
    },
    'models:export': () => ok({ path: '/tmp/My style.penwright' }),
    'adaptation:keep': ({ docId, name }: { docId: string; name: string }) => {
      if (docId !== 'doc-1') return fail('NOT_FOUND', 'Nothing has been learned from this document yet.');
      library = [...library, model('kept', name)];
      changed();
      return ok(library.at(-1)!);
    },
  };
  const m = fakeMain(answers);
  const notices = new Notices();
  const questions = new Questions();
  const models = new ModelsState(m.main, notices, questions);
  const stop = models.listen();
  return { m, models, notices, questions, stop };
}

const names = (models: ModelsState) => models.list.map((x) => x.name);

describe('the model list', () => {
  it('follows the models:changed pushes, and never reads the list again after a change', async () => {
    const { m, models } = setUp();
    await models.load();
    expect(names(models)).toEqual(['Penwright default', 'My style']);
    expect(models.active?.modelId).toBe('default');

    expect(await models.select('mine')).toBe(true);
    expect(models.active?.modelId).toBe('mine');
    expect(await models.rename('mine', 'Alice voice')).toBe(true);
    expect(names(models)).toEqual(['Penwright default', 'Alice voice']);
    await models.importModel();
    expect(names(models)).toContain('From a friend');
    // only the first read, at start
    expect(m.count('models:list')).toBe(1);
  });

  it('a push from elsewhere (a model file opened from the desktop) shows too', async () => {
    const { m, models } = setUp();
    m.emit('models:changed', { models: [model('x', 'Opened', true)] });
    expect(names(models)).toEqual(['Opened']);
    expect(models.active?.name).toBe('Opened');
  });

  it('stops following when asked', () => {
    const { m, stop } = setUp();
    stop();
    expect(m.listening('models:changed')).toBe(0);
  });

  it('deletes only once the writer says so, then says it is done', async () => {
    const { m, models, notices, questions } = setUp();
    await models.load();
    const cancelled = models.remove('mine', 'My style');
    await vi.waitFor(() => expect(questions.current?.question.title).toBe('Delete “My style”?'));
    questions.current!.answer('cancel');
    await cancelled;
    expect(m.count('models:delete')).toBe(0);

    const deleting = models.remove('mine', 'My style');
    await vi.waitFor(() => expect(questions.current).not.toBeNull());
    questions.current!.answer('delete');
    await deleting;
    expect(names(models)).toEqual(['Penwright default']);
    expect(notices.list.map((n) => n.text)).toEqual(['Deleted My style']);
  });

  it('knows which documents have adapted weights in use, and keeps them as a model', async () => {
    const { m, models, notices, stop } = setUp();
    m.emit('adaptation:changed', { docId: 'doc-1', adaptations: 2 });
    m.emit('adaptation:changed', { docId: 'doc-2', adaptations: 1 });
    m.emit('adaptation:changed', { docId: 'doc-2', adaptations: 0 }); // closed, or the setting went off
    expect(models.adapted).toEqual({ 'doc-1': 2 });
    expect(await models.keepAdapted('doc-1', 'Alice, adapted')).toBe(true);
    expect(names(models)).toContain('Alice, adapted');
    expect(notices.list.map((n) => n.text)).toEqual(['Kept “Alice, adapted”: it is in your models now']);
    // one save at a time: a second press while the first is on its way keeps nothing more
    const first = models.keepAdapted('doc-1', 'Twice');
    expect(models.keeping).toBe(true);
    expect(await models.keepAdapted('doc-1', 'Twice')).toBe(false);
    expect(await first).toBe(true);
    expect(models.keeping).toBe(false);
    expect(names(models).filter((n) => n === 'Twice')).toHaveLength(1);
    // nothing learned: main's sentence, told once, and nothing kept
    expect(await models.keepAdapted('doc-2', 'Nothing')).toBe(false);
    expect(m.reported).toEqual(['Nothing has been learned from this document yet.']);
    stop();
    expect(m.listening('adaptation:changed')).toBe(0);
  });

  it('says where an export went', async () => {
    const { models, notices } = setUp();
    await models.exportModel('mine');
    expect(notices.list.map((n) => n.text)).toEqual(['Exported to /tmp/My style.penwright']);
  });
});
