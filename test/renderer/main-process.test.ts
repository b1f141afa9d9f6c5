import { describe, expect, it } from 'vitest';
import { fail, fakeMain, ok } from './fake-main';

describe("main's answers take one road", () => {
  it('gives the value', async () => {
    const m = fakeMain({ 'models:list': () => ok([]) });
    expect(await m.main.call(m.api.listModels())).toEqual([]);
    expect(m.reported).toEqual([]);
  });

  it("tells the writer main's sentence and gives undefined", async () => {
    const m = fakeMain({ 'models:delete': () => fail('IN_USE', 'Switch to another model first.') });
    expect(await m.main.call(m.api.deleteModel({ modelId: 'a' }))).toBeUndefined();
    expect(m.reported).toEqual(['Switch to another model first.']);
  });

  it('says nothing of a request a newer one replaced', async () => {
    const m = fakeMain({ 'suggestions:request': () => fail('SUPERSEDED') });
    expect(await m.main.call(m.api.requestSuggestions({ docId: 'd', textBefore: '' }))).toBeUndefined();
    expect(m.reported).toEqual([]);
  });

  it('leaves the codes a caller handles to it', async () => {
    const m = fakeMain({ 'documents:save': () => fail('CONFLICT', 'The file changed.') });
    const seen: string[] = [];
    const value = await m.main.call(m.api.saveDocument({ docId: 'd', text: '' }), {
      handle: { CONFLICT: (e) => (seen.push(e.message), null) },
    });
    expect(value).toBeNull();
    expect(seen).toEqual(['The file changed.']);
    expect(m.reported).toEqual([]);
  });

  it('reports a bridge that fails outright, as an error from main', async () => {
    const m = fakeMain();
    expect(await m.main.call(Promise.reject(new Error('main went away')))).toBeUndefined();
    expect(m.reported).toEqual(['main went away']);
  });
});
