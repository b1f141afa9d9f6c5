import * as tf from '@tensorflow/tfjs-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentWords } from '../../src/model/suggesting/document-words';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { InferenceNet } from '../../src/model/network/inference';
import type { ModelSummary, OpenedDocument, Responses } from '../../src/shared/ipc-contract';
import { useTestApp } from './app-harness';

type Answer = Responses['suggestions:request'];

describe('suggestions through the handler table', () => {
  const { app, tmp } = useTestApp();
  let doc: OpenedDocument;
  beforeAll(async () => {
    doc = await app.ok<OpenedDocument>('documents:new');
  });

  it('answers with one continuation per temperature from the settings, and its latency', async () => {
    const r = await app.ok<Answer>('suggestions:request', {
      docId: doc.docId,

      textBefore: 'Alice was beginning to',
    });
    expect(r.modelId).toBe('default');
    expect(r.suggestions.map((s) => s.temperature)).toEqual([0.2, 0.5, 0.8, 1.2]);
    expect(r.latencyMs).toBeGreaterThan(0);
    for (const s of r.suggestions) expect([...s.text].length).toBeLessThanOrEqual(48);
  });

  it('answers the editor in two parts, the ghost text alone and then the rest, that make the whole answer', async () => {
    const ask = (part?: 'ghost' | 'rest') =>
      app.ok<Answer>('suggestions:request', {
        docId: doc.docId,
        textBefore: 'Alice was beginning to',
        seed: 11,
        ...(part ? { part } : {}),
      });
    const whole = await ask();
    const ghost = await ask('ghost');
    const rest = await ask('rest');
    expect(ghost.suggestions.map((s) => s.temperature)).toEqual([0.2]);
    expect(rest.suggestions.map((s) => s.temperature)).toEqual([0.5, 0.8, 1.2]);
    expect([...ghost.suggestions, ...rest.suggestions]).toEqual(whole.suggestions);
  });

  it('lets a request override temperatures and length (the drafts view)', async () => {
    const drafts = {
      docId: doc.docId,
      textBefore: 'Alice was beginning to',
      temperatures: [0.3, 1.0],
      maxChars: 120,
      stop: 'none',
      seed: 5,
    };
    const r = await app.ok<Answer>('suggestions:request', { ...drafts });
    expect(r.suggestions.map((s) => s.temperature)).toEqual([0.3, 1.0]);
    expect([...r.suggestions[0].text].length).toBe(120);
    // the same seed gives the same drafts
    const again = await app.ok<Answer>('suggestions:request', { ...drafts });
    expect(again.suggestions).toEqual(r.suggestions);
  });

  it('drops a request superseded by a newer one for the same document', async () => {
    const slow = app.call('suggestions:request', {
      docId: doc.docId,

      textBefore: 'The Queen',
      maxChars: 400,
      stop: 'none',
    });
    const fresh = app.call('suggestions:request', { docId: doc.docId, textBefore: 'The Queen said' });
    const [a, b] = await Promise.all([slow, fresh]);
    expect(a).toMatchObject({ ok: false, error: { code: 'SUPERSEDED' } });
    expect(b.ok).toBe(true);
  });

  it('stops decoding the older request as soon as a newer one for the document arrives, even for the same text', async () => {
    // the one road (model/suggesting/superseding.ts): without it the first would decode all 2,000 characters
    const steps = vi.spyOn(InferenceNet.prototype, 'step');
    try {
      const long = { docId: doc.docId, textBefore: 'The Hatter', temperatures: [1], maxChars: 2000, stop: 'none' };
      const first = app.call('suggestions:request', long);
      const second = app.call('suggestions:request', { ...long, maxChars: 3 });
      const [a, b] = await Promise.all([first, second]);
      expect(a).toMatchObject({ ok: false, error: { code: 'SUPERSEDED' } });
      expect(b.ok).toBe(true);
      expect(steps.mock.calls.length, 'network steps run by both requests').toBeLessThan(100);
    } finally {
      steps.mockRestore();
    }
  });

  it('supersedes a document’s request in flight when it closes (not an error the writer hears of)', async () => {
    const other = await app.ok<OpenedDocument>('documents:new');
    const steps = vi.spyOn(InferenceNet.prototype, 'step');
    try {
      const long = app.call('suggestions:request', {
        docId: other.docId,
        textBefore: 'The Hatter',
        temperatures: [1],
        maxChars: 2000,
        stop: 'none',
      });
      while (steps.mock.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 1)); // decoding
      await app.ok('documents:close', { docId: other.docId });
      const atClose = steps.mock.calls.length;
      expect(await long).toMatchObject({ ok: false, error: { code: 'SUPERSEDED' } });
      expect(atClose, 'stopped before the end').toBeLessThan(1999);
      expect(steps.mock.calls.length - atClose, 'network steps run after the close').toBeLessThan(5);
    } finally {
      steps.mockRestore();
    }
  });

  it('learns an opened document’s own words, the whole of it, and forgets them when it closes', async () => {
    const path = join(tmp.path, 'valley.md');
    // the name is far before any text the editor would send (4,000 characters before the cursor)
    writeFileSync(
      path,
      `In the valley of Qorvath the wolves ran.\n\n${'The snow fell and the night came on. '.repeat(400)}`,
    );
    app.dialogs.answers.push(path);
    const opened = await app.ok<OpenedDocument>('documents:open');
    const words = () =>
      (app.services.suggestions as unknown as { words: Map<string, DocumentWords> }).words.get(opened.docId);
    await vi.waitFor(() => expect(words()?.set().has('qorvath')).toBe(true), { timeout: 10_000 });
    await app.ok('documents:close', { docId: opened.docId });
    expect(words()).toBeUndefined();
  });

  it('keeps documents independent', async () => {
    const other = await app.ok<OpenedDocument>('documents:new');
    const [a, b] = await Promise.all([
      app.call('suggestions:request', { docId: doc.docId, textBefore: 'Alice' }),
      app.call('suggestions:request', { docId: other.docId, textBefore: 'The Hatter' }),
    ]);
    expect(a.ok && b.ok).toBe(true);
  });

  it('frees a document’s sessions, its drafts’ too, when it closes', async () => {
    const other = await app.ok<OpenedDocument>('documents:new');
    const before = tf.memory().numTensors;
    await app.ok('suggestions:request', { docId: other.docId, textBefore: 'Alice' });
    await app.ok('suggestions:request', { docId: other.docId, draftColumn: 0, textBefore: 'Alice', maxChars: 20 });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    await app.ok('documents:close', { docId: other.docId });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('follows the active model', async () => {
    app.dialogs.answers.push(join(tmp.path, 'copy.penwright'));
    await app.ok('models:export', { modelId: 'default' });
    app.dialogs.answers.push(join(tmp.path, 'copy.penwright'));
    const copy = await app.ok<ModelSummary>('models:import');
    await app.ok('models:select', { modelId: copy.modelId });
    const r = await app.ok<Answer>('suggestions:request', { docId: doc.docId, textBefore: 'Alice' });
    expect(r.modelId).toBe(copy.modelId);
    await app.ok('models:select', { modelId: 'default' });
  });
});
