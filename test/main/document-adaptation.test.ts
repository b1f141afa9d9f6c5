/**
 * Issue 13 item 4, in the suggestion service: "learn this document as I
 * write" adapts a document's own copy of the weights after a pause, primes a
 * session on them and moves the document onto it only at its next request;
 * off, closed, switched or too little new text, nothing is learned or kept.
 * The app's thread runner gives the same weights as running it here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdaptationThread } from '../../src/main/services/adaptation/adaptation-thread';
import { newSince } from '../../src/main/services/adaptation/document-adaptations';
import { SuggestionService } from '../../src/main/services/suggestions';
import { InProcessAdaptation } from '../../src/model/suggesting/adaptation-runner';
import { disposeModel, saveModel, type CharModel } from '../../src/model/storage/persistence';
import { ParamLayout } from '../../src/model/training/parallel/param-layout';
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/ipc-contract';
import { aliceText, tempDir, trainTiny, useTestBackend } from '../helpers';

describe('learning the document as the writer writes', () => {
  const dir = tempDir('penwright-adapt-');
  let model: CharModel;
  const text = aliceText(3000);

  beforeAll(async () => {
    await useTestBackend();
    model = (await trainTiny({ documents: [aliceText(20_000)], maxSteps: 20 })).model;
    await saveModel(join(dir.path, 'm'), model);
  }, 120_000);
  afterAll(() => {
    disposeModel(model);
    dir.cleanup();
  });

  function service(settings: Partial<Settings> = {}, pauseMs: number | null = null) {
    const current: Settings = {
      ...structuredClone(DEFAULT_SETTINGS),
      activeModelId: 'm',
      adaptToDocument: true,
      ...settings,
    };
    const runner = new InProcessAdaptation();
    const forgotten: string[] = [];
    const forget = runner.forget.bind(runner);
    runner.forget = (docId) => {
      forgotten.push(docId);
      forget(docId);
    };
    const s = new SuggestionService({
      modelDir: (id) => join(dir.path, id),
      settings: () => current,
      adaptation: runner,
      adaptAfterPauseMs: pauseMs,
    });
    return { s, runner, settings: current, forgotten };
  }
  const ask = (s: SuggestionService, textBefore: string, draftColumn?: number) =>
    s.request({
      docId: 'doc',
      textBefore,
      seed: 1,
      ...(draftColumn === undefined ? {} : { draftColumn, temperatures: [1] }),
    });

  it('adapts after new text, primes in the background and takes over at the next request', async () => {
    const { s, runner } = service();
    await ask(s, text.slice(0, 1000));
    await s.adaptNow('doc');
    expect(runner.runs).toBe(1);
    expect(s.adaptationOf('doc')).toEqual({ swaps: 0, ready: true });
    const answer = await ask(s, text.slice(0, 1005));
    expect(answer.suggestions.length).toBeGreaterThan(0);
    expect(s.adaptationOf('doc')).toEqual({ swaps: 1, ready: false });
    // fewer than MIN_ADAPTATION_CHARS new: nothing to learn yet
    await ask(s, text.slice(0, 1100));
    await s.adaptNow('doc');
    expect(runner.runs).toBe(1);
    await ask(s, text.slice(0, 1400));
    await s.adaptNow('doc');
    expect(runner.runs).toBe(2);
    s.release();
  }, 60_000);

  it('answers drafts on the adapted weights too, and frees every tensor when the document closes', async () => {
    const { s, forgotten } = service();
    await ask(s, 'Alice'); // the model loaded
    const before = tf.memory().numTensors;
    await ask(s, text.slice(0, 1000));
    await s.adaptNow('doc');
    await ask(s, text.slice(0, 1001));
    expect((await ask(s, text.slice(0, 1001), 0)).suggestions).toHaveLength(1);
    s.closeDocument('doc');
    expect(forgotten).toEqual(['doc']);
    expect(tf.memory().numTensors, 'tensors left after closing').toBeLessThanOrEqual(before);
    expect(s.adaptationOf('doc')).toBeNull();
    s.release();
  }, 60_000);

  it('learns nothing with the setting off, and turning it off goes back to the model’s own weights', async () => {
    const off = service({ adaptToDocument: false });
    await ask(off.s, text.slice(0, 1000));
    await off.s.adaptNow('doc');
    expect(off.runner.runs).toBe(0);
    off.s.release();

    const on = service();
    await ask(on.s, text.slice(0, 1000));
    await on.s.adaptNow('doc');
    await ask(on.s, text.slice(0, 1001));
    expect(on.s.adaptationOf('doc')?.swaps).toBe(1);
    on.settings.adaptToDocument = false;
    await ask(on.s, text.slice(0, 1002));
    expect(on.s.adaptationOf('doc')).toBeNull();
    expect(on.forgotten).toEqual(['doc']);
    on.s.release();
  }, 60_000);

  it('drops an adaptation that finishes after the model changed, keeping no tensor of it', async () => {
    const { s } = service();
    await ask(s, text.slice(0, 1000));
    s.release();
    const before = tf.memory().numTensors; // nothing loaded
    await ask(s, text.slice(0, 1000));
    const adapting = s.adaptNow('doc');
    s.release(); // a model switch releases the loaded model mid-adaptation
    await adapting;
    expect(s.adaptationOf('doc')).toBeNull();
    expect(tf.memory().numTensors, 'tensors left by the dropped adaptation').toBe(before);
  }, 60_000);

  it('counts what is new in a window that moves with the cursor, not from a common start', () => {
    const doc = aliceText(6000);
    const learned = doc.slice(0, 4000); // the window the editor sent then
    expect(newSince(learned, doc.slice(150, 4150))).toBe(150); // 150 typed: the window moved 150
    expect(newSince(learned, doc.slice(300, 4300))).toBe(300);
    expect(newSince('', 'abc')).toBe(3);
    // the learned end is gone (an edit there, or the cursor elsewhere): all of it is new
    expect(newSince(learned, doc.slice(4500, 6000))).toBe(1500);
  });

  it('adapts once per 200 new characters in a long document, however the window moves', async () => {
    const doc = aliceText(9000);
    const { s, runner } = service();
    await ask(s, doc.slice(0, 4000));
    await s.adaptNow('doc');
    expect(runner.runs).toBe(1);
    for (const end of [4050, 4100, 4150]) {
      await ask(s, doc.slice(end - 4000, end)); // the editor's window: the last 4,000 characters
      await s.adaptNow('doc');
    }
    expect(runner.runs, 'fewer than 200 new characters: nothing to learn yet').toBe(1);
    await ask(s, doc.slice(4210 - 4000, 4210));
    await s.adaptNow('doc');
    expect(runner.runs).toBe(2);
    s.release();
  }, 60_000);

  it('adapts on its own after a pause in the editor’s requests', async () => {
    const { s, runner } = service({}, 30);
    await ask(s, text.slice(0, 1000));
    for (let i = 0; i < 100 && !s.adaptationOf('doc')?.ready; i++) await new Promise((r) => setTimeout(r, 50));
    expect(runner.runs).toBe(1);
    expect(s.adaptationOf('doc')?.ready).toBe(true);
    s.release();
  }, 60_000);

  it('runs in a thread of its own in the app, with the same result as here', async () => {
    const base = new ParamLayout(model.meta.network, model.vocab.size).flatten(model.params);
    const job = {
      docId: 'doc',
      modelId: 'm',
      network: model.meta.network,
      vocabSize: model.vocab.size,
      base,
      ids: model.vocab.encode(text),
    };
    const thread = new AdaptationThread(
      pathToFileURL(join(import.meta.dirname, '../../src/main/services/adaptation/adaptation-worker.ts')),
    );
    const here = new InProcessAdaptation();
    try {
      const [a1, b1] = [await thread.adapt(job), await here.adapt(job)];
      // the second job of the same model goes without the base weights: the thread kept them
      const [a2, b2] = [await thread.adapt(job), await here.adapt(job)];
      expect(a1.length).toBe(base.length);
      let worst = 0;
      for (let i = 0; i < a2.length; i++) worst = Math.max(worst, Math.abs(a1[i] - b1[i]), Math.abs(a2[i] - b2[i]));
      // the same steps (the compiled kernel's sums may differ in the last bits with its buffers' alignment)
      expect(worst).toBeLessThan(1e-4);
      expect(a2).not.toEqual(a1);
    } finally {
      await thread.dispose();
    }
  }, 60_000);
});
