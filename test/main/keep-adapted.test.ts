/**
 * Issue 13 item 4, "optionally kept into a personal model": what "learn this
 * document as I write" learned from an open document is saved as a model of
 * the library through `adaptation:keep`: the adapted weights (not the base's),
 * a penwright.json that names its base and the document, the base's word list
 * with the document's words. Nothing learned, a closed document, the setting
 * off and hostile payloads get clear errors. A stand-in runner adapts (it
 * nudges the weights; the arithmetic is document-adaptation.test.ts's).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { NOTHING_LEARNED_YET } from '../../src/main/services/adaptation/adaptation-handlers';
import { disposeModel, loadModel } from '../../src/model/storage/persistence';
import type { Adaptation, AdaptationJob } from '../../src/model/suggesting/adaptation-runner';
import { ParamLayout } from '../../src/model/training/parallel/param-layout';
import type { ModelSummary, OpenedDocument } from '../../src/shared/ipc-contract';
import { aliceText } from '../helpers';
import { useTestApp } from './app-harness';

/** Adapts by adding 0.01 per adaptation to every weight; remembers what it returned. */
class StandInAdaptation implements Adaptation {
  readonly returned: Float32Array[] = [];
  private readonly runs = new Map<string, number>();

  async adapt(job: AdaptationJob): Promise<Float32Array> {
    const n = (this.runs.get(job.docId) ?? 0) + 1;
    this.runs.set(job.docId, n);
    const weights = job.base.map((w) => w + 0.01 * n);
    this.returned.push(weights);
    return Float32Array.from(weights);
  }
  forget(docId: string): void {
    this.runs.delete(docId);
  }
  async dispose(): Promise<void> {}
}

describe('keeping what a document taught the model as a model of its own', () => {
  const runner = new StandInAdaptation();
  // adaptNow below, not the pause
  const { app } = useTestApp({ adaptation: runner, adaptAfterPauseMs: 600_000 });
  const text = `${aliceText(600)} Zorblatt the quiet gardener watched the Zorblatt roses grow.`;

  async function adaptedDocument(): Promise<OpenedDocument> {
    await app.ok('settings:update', { adaptToDocument: true });
    const doc = await app.ok<OpenedDocument>('documents:new');
    await app.ok('suggestions:request', { docId: doc.docId, textBefore: text });
    await app.services.suggestions.adaptNow(doc.docId);
    // the adapted weights take over at the next request
    await app.ok('suggestions:request', { docId: doc.docId, textBefore: `${text} ` });
    return doc;
  }

  it('saves the adapted weights, its base and the document’s words, and the library lists it', async () => {
    const doc = await adaptedDocument();
    await app.waitFor('adaptation:changed', 5_000, (e) => e.docId === doc.docId && e.adaptations === 1);
    const kept = await app.ok<ModelSummary>('adaptation:keep', { docId: doc.docId, name: 'Zorblatt voice' });
    expect(kept).toMatchObject({
      name: 'Zorblatt voice',
      builtIn: false,
      baseModel: { name: 'Test default' },
      adaptedTo: { document: doc.title, adaptations: 1 },
    });
    const listed = await app.waitFor('models:changed', 5_000, (e) => e.models.some((m) => m.modelId === kept.modelId));
    expect(listed.models.find((m) => m.modelId === kept.modelId)?.name).toBe('Zorblatt voice');

    const model = await loadModel(app.services.library.dirOf(kept.modelId));
    const base = await loadModel(app.services.library.dirOf('default'));
    try {
      const flat = (m: typeof model) => new ParamLayout(m.meta.network, m.vocab.size).flatten(m.params);
      const saved = flat(model);
      expect(saved).toEqual(runner.returned.at(-1));
      expect(saved).not.toEqual(flat(base));
      expect(model.meta.baseModel).toEqual({ name: 'Test default', valLoss: null });
      expect(model.meta.adaptedTo).toEqual({ document: doc.title, adaptations: 1 });
      expect(model.meta.training.steps).toBe(1);
      expect(Date.now() - Date.parse(model.meta.createdAt)).toBeLessThan(60_000);
      expect(model.vocab.toJSON()).toEqual(base.vocab.toJSON());
      // the base's list, with the document's own words added
      expect(base.wordCounts?.has('zorblatt')).toBe(false);
      expect(model.wordCounts?.has('zorblatt')).toBe(true);
      for (const w of [...base.wordCounts!.keys()].slice(0, 50)) expect(model.wordCounts?.has(w)).toBe(true);
    } finally {
      disposeModel(model);
      disposeModel(base);
    }
    // selectable like any other model
    expect(await app.ok<ModelSummary>('models:select', { modelId: kept.modelId })).toMatchObject({ active: true });
    await app.ok('models:select', { modelId: 'default' });
    // no staging folder left behind
    expect(readdirSync(join(app.userData, 'models')).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('keeps the weights in use, not newer ones still waiting for the next request, and leaks no tensors', async () => {
    const doc = await adaptedDocument();
    const inUse = runner.returned.at(-1)!;
    // a second adaptation on more text: primed, waiting for the document's next request
    await app.ok('suggestions:request', { docId: doc.docId, textBefore: `${text} ${aliceText(300)}` });
    await app.services.suggestions.adaptNow(doc.docId);
    expect(runner.returned.at(-1)).not.toEqual(inUse);
    const tensorsBefore = tf.memory().numTensors;
    const kept = await app.ok<ModelSummary>('adaptation:keep', { docId: doc.docId, name: 'Weights in use' });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(kept.adaptedTo).toEqual({ document: doc.title, adaptations: 1 });
    const model = await loadModel(app.services.library.dirOf(kept.modelId));
    try {
      expect(new ParamLayout(model.meta.network, model.vocab.size).flatten(model.params)).toEqual(inUse);
    } finally {
      disposeModel(model);
    }
  });

  it('says so when nothing has been learned, the document is closed, or the setting went off', async () => {
    await app.ok('settings:update', { adaptToDocument: true });
    const fresh = await app.ok<OpenedDocument>('documents:new');
    const none = await app.call('adaptation:keep', { docId: fresh.docId, name: 'Too soon' });
    expect(none).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: NOTHING_LEARNED_YET } });
    // learned, but not yet in use (it takes over at the next request): still nothing to keep
    await app.ok('suggestions:request', { docId: fresh.docId, textBefore: text });
    await app.services.suggestions.adaptNow(fresh.docId);
    expect(await app.call('adaptation:keep', { docId: fresh.docId, name: 'Too soon' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });

    const closed = await adaptedDocument();
    await app.ok('documents:close', { docId: closed.docId });
    await app.waitFor('adaptation:changed', 5_000, (e) => e.docId === closed.docId && e.adaptations === 0);
    expect(await app.call('adaptation:keep', { docId: closed.docId, name: 'Gone' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'That document is no longer open.' },
    });

    const off = await adaptedDocument();
    await app.ok('settings:update', { adaptToDocument: false });
    // gone at once, not at the document's next request
    await app.waitFor('adaptation:changed', 5_000, (e) => e.docId === off.docId && e.adaptations === 0);
    expect(await app.call('adaptation:keep', { docId: off.docId, name: 'Off' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: NOTHING_LEARNED_YET },
    });
  });

  it('refuses hostile payloads, and a name is only a name', async () => {
    const doc = await adaptedDocument();
    for (const payload of [
      { docId: doc.docId, name: 'n'.repeat(121) },
      { docId: doc.docId, name: '   ' },
      { docId: doc.docId, name: 42 },
      { docId: 42, name: 'x' },
      { docId: '../../settings', name: 'x' },
      { docId: doc.docId },
      { docId: doc.docId, name: 'x', path: '/tmp' },
    ]) {
      const r = await app.call('adaptation:keep', payload);
      expect(r, JSON.stringify(payload).slice(0, 80)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    // path separators and dots stay in the name; the folder is the library's own
    const kept = await app.ok<ModelSummary>('adaptation:keep', { docId: doc.docId, name: '../../etc/x\\y' });
    expect(kept.name).toBe('../../etc/x\\y');
    expect(kept.modelId).toMatch(/^[a-z0-9-]+$/);
    expect(readdirSync(join(app.userData, 'models'))).toContain(kept.modelId);
  });
});
