/**
 * Issue 11: suggestion sessions are for open documents (and their compare
 * drafts) only, so a renderer cannot make main keep sessions for ids it
 * invents.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenedDocument } from '../../src/shared/ipc-contract';
import { useTestApp } from './app-harness';

describe('suggestion sessions (12)', () => {
  const { app } = useTestApp();
  beforeAll(async () => {
    // the model loaded, so what follows counts sessions only
    const doc = await app.ok<OpenedDocument>('documents:new');
    await app.ok('suggestions:request', { docId: doc.docId, textBefore: 'Alice', maxChars: 2 });
    await app.ok('documents:close', { docId: doc.docId });
  });

  const ask = (docId: string, draftColumn?: unknown) =>
    app.call('suggestions:request', { docId, draftColumn, textBefore: 'Alice', maxChars: 2 });

  it('keeps no session for a document that is not open', async () => {
    const before = tf.memory().numTensors;
    const answers = [];
    for (let i = 0; i < 200; i++) answers.push(await ask(`never-opened-${i}`));
    const kept = tf.memory().numTensors - before;
    expect(answers.filter((a) => a.ok).length, 'requests answered for documents never opened').toBe(0);
    expect(answers[0]).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(kept, 'tensors kept by sessions for those ids').toBe(0);
  });

  it('serves an open document and up to four compare drafts of it, and no more', async () => {
    const doc = await app.ok<OpenedDocument>('documents:new');
    expect((await ask(doc.docId)).ok).toBe(true);
    for (let i = 0; i < 4; i++) expect((await ask(doc.docId, i)).ok, `draft ${i}`).toBe(true);
    for (const column of [4, 10, -1, 0.5, '0', null, Infinity, 2 ** 53, [0], { column: 0 }]) {
      expect(await ask(doc.docId, column), `column ${String(column)}`).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    }
    // the key is explicit: an id naming a draft is just an id of no open document
    for (const id of [`${doc.docId}.draft0`, `${doc.docId}.other`, `${doc.docId}x`]) {
      expect(await ask(id), id).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    const before = tf.memory().numTensors;
    await app.ok('documents:close', { docId: doc.docId });
    expect(tf.memory().numTensors).toBeLessThan(before);
    expect((await ask(doc.docId, 0)).ok, 'a draft of a closed document').toBe(false);
  });

  it('gives the editor and each drafts column a session of its own, closed with the document', async () => {
    const doc = await app.ok<OpenedDocument>('documents:new');
    const before = tf.memory().numTensors;
    await ask(doc.docId);
    const perSession = tf.memory().numTensors - before;
    expect(perSession).toBeGreaterThan(0);
    // side by side: no request supersedes another's
    const answers = await Promise.all([ask(doc.docId), ask(doc.docId, 0), ask(doc.docId, 1), ask(doc.docId, 3)]);
    expect(answers.map((a) => a.ok)).toEqual([true, true, true, true]);
    expect(tf.memory().numTensors - before, 'four sessions').toBe(4 * perSession);
    await app.ok('documents:close', { docId: doc.docId });
    expect(tf.memory().numTensors, 'all four freed').toBe(before);
  });
});
