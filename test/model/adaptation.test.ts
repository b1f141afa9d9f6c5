/**
 * Issue 13 item 4: learning the document as the writer writes. A few gradient
 * steps on text just written make that text (a name the model never saw)
 * more probable, pulled back toward the base weights; the windows are cut
 * from the latest text; the service moves a document's sessions onto the new
 * weights only once they are primed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADAPTATION_DEFAULTS,
  adaptationBatch,
  DocumentAdapter,
  gradientFunction,
} from '../../src/model/suggesting/adaptation';
import { Adapters } from '../../src/model/suggesting/adaptation-runner';
import { disposeModel, type CharModel } from '../../src/model/storage/persistence';
import { ParamLayout } from '../../src/model/training/parallel/param-layout';
import { evaluateText } from '../../src/model/training/evaluate';
import { aliceText, trainTiny, useTestBackend } from '../helpers';

describe('adaptation windows', () => {
  const ids = Int32Array.from({ length: 1000 }, (_, i) => i);

  it('cuts consecutive windows that end at the latest character, time-major', () => {
    const b = adaptationBatch(ids, 100, 450)!;
    expect([b.batch, b.steps]).toEqual([4, 100]);
    // the last window predicts the last id from the one before it
    expect(b.targets[99 * 4 + 3]).toBe(999);
    expect(b.inputs[99 * 4 + 3]).toBe(998);
    // windows follow each other without overlap
    expect(b.inputs[0 * 4 + 1] - b.inputs[0 * 4 + 0]).toBe(100);
    expect(Math.min(...b.inputs)).toBe(999 - 400);
  });

  it('has nothing to learn from less than one window', () => {
    expect(adaptationBatch(ids.subarray(0, 100), 100, 2000)).toBeNull();
    expect(adaptationBatch(ids.subarray(0, 101), 100, 2000)?.batch).toBe(1);
  });
});

describe('a document adapter', () => {
  let model: CharModel;
  let base: Float32Array;
  const name = 'Quixblath';
  const written = `${aliceText(600)} ${name} went on. ${name} said nothing. And ${name} smiled at ${name}. `.repeat(2);

  beforeAll(async () => {
    await useTestBackend();
    model = (await trainTiny({ documents: [aliceText(20_000)], maxSteps: 30 })).model;
    base = new ParamLayout(model.meta.network, model.vocab.size).flatten(model.params);
  }, 120_000);
  afterAll(() => disposeModel(model));

  const adapter = (settings = ADAPTATION_DEFAULTS) =>
    new DocumentAdapter(
      base,
      model.meta.network,
      model.vocab.size,
      gradientFunction(model.meta.network, model.vocab.size),
      {
        ...settings,
        windowChars: 32,
      },
    );
  const lossWith = async (flat: Float32Array, text: string) => {
    const params = new ParamLayout(model.meta.network, model.vocab.size).read(flat);
    try {
      return (await evaluateText(params, model.vocab.encode(text), { batchSize: 8, seqLength: 32 })).loss;
    } finally {
      tf.dispose([...params.values()]);
    }
  };

  it('makes what was just written more probable, and leaves the base weights alone', async () => {
    const a = adapter({ ...ADAPTATION_DEFAULTS, learningRate: 1e-2 });
    const baseCopy = Float32Array.from(base);
    const before = await lossWith(base, written);
    for (let i = 0; i < 6; i++) expect(await a.adapt(model.vocab.encode(written))).toBeGreaterThan(0);
    const after = await lossWith(a.params, written);
    expect(after, `loss ${before.toFixed(3)} -> ${after.toFixed(3)}`).toBeLessThan(before * 0.95);
    expect(a.count).toBe(6);
    expect(base).toEqual(baseCopy);
    a.reset();
    expect(a.params).toEqual(base);
    expect(a.count).toBe(0);
  }, 60_000);

  it('pulls the weights back toward the base as it goes (decay)', async () => {
    const free = adapter({ ...ADAPTATION_DEFAULTS, learningRate: 3e-3, decay: 0 });
    const held = adapter({ ...ADAPTATION_DEFAULTS, learningRate: 3e-3, decay: 0.2 });
    const distance = (p: Float32Array) => p.reduce((s, v, i) => s + (v - base[i]) ** 2, 0);
    for (let i = 0; i < 3; i++) {
      await free.adapt(model.vocab.encode(written));
      await held.adapt(model.vocab.encode(written));
    }
    expect(distance(held.params)).toBeLessThan(distance(free.params) * 0.8);
  }, 60_000);

  it('gives way between gradient calls, with the same step as one call over all windows', async () => {
    const whole = adapter({ ...ADAPTATION_DEFAULTS, chunkWindows: 1000 });
    const chunked = adapter({ ...ADAPTATION_DEFAULTS, chunkWindows: 2 });
    let pauses = 0;
    await whole.adapt(model.vocab.encode(written));
    await chunked.adapt(model.vocab.encode(written), async () => void pauses++);
    const windows = Math.floor((model.vocab.encode(written).length - 1) / 32);
    expect(pauses).toBe(Math.ceil(windows / 2) - 1);
    let worst = 0;
    for (let i = 0; i < base.length; i++) worst = Math.max(worst, Math.abs(whole.params[i] - chunked.params[i]));
    expect(worst).toBeLessThan(1e-4);
    expect(chunked.params).not.toEqual(base);
  }, 60_000);

  it('weighs each call’s gradient by its share of the windows', async () => {
    // a stand-in kernel: each call's "gradient" is its first window's first input id, everywhere
    const calls: number[] = [];
    const spy = async (_p: Float32Array, g: Float32Array, b: { batch: number; inputs: Int32Array }) => {
      calls.push(b.batch);
      g.fill(b.inputs[0]);
      return 0;
    };
    const ids = Int32Array.from({ length: 5 * 10 + 1 }, (_, i) => i);
    const batch = adaptationBatch(ids, 10, 1000)!; // 5 windows, starting at 0, 10, 20, 30, 40
    const a = new DocumentAdapter(base, model.meta.network, model.vocab.size, spy, {
      ...ADAPTATION_DEFAULTS,
      chunkWindows: 2,
    });
    await a.gradient(batch);
    expect(calls).toEqual([2, 2, 1]);
    // chunks start at windows 0, 2, 4: ids 0, 20, 40, weighted 2/5, 2/5, 1/5
    expect(a.grads[0]).toBeCloseTo((2 / 5) * 0 + (2 / 5) * 20 + (1 / 5) * 40, 4);
    expect(a.grads[a.grads.length - 1]).toBeCloseTo(16, 4);
  });

  it('learns nothing from too little text, and refuses weights of another network', async () => {
    const a = adapter();
    expect(await a.adapt(model.vocab.encode('short'))).toBeNull();
    expect(a.params).toEqual(base);
    expect(() => new DocumentAdapter(base.subarray(1), model.meta.network, model.vocab.size, async () => 0)).toThrow(
      /do not fit/,
    );
  });

  it('keeps one copy per document, started again from the base when the model changes', async () => {
    const adapters = new Adapters();
    const job = { network: model.meta.network, vocabSize: model.vocab.size, base, ids: model.vocab.encode(written) };
    const first = await adapters.adapt({ ...job, docId: 'a', modelId: 'm1' });
    const second = await adapters.adapt({ ...job, docId: 'a', modelId: 'm1' });
    const other = await adapters.adapt({ ...job, docId: 'b', modelId: 'm1' });
    const switched = await adapters.adapt({ ...job, docId: 'a', modelId: 'm2' });
    // (the compiled kernel's sums may differ in the last bits with its buffers' alignment)
    const gap = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    expect(gap(second, first)).toBeGreaterThan(1e-4); // learned twice
    expect(gap(other, first)).toBeLessThan(1e-5); // its own copy, from the base
    expect(gap(switched, first)).toBeLessThan(1e-5); // a new model: from its base again
    // a copy the caller keeps: the next adaptation does not change it
    const kept = Float32Array.from(first);
    await adapters.adapt({ ...job, docId: 'b', modelId: 'm1' });
    expect(first).toEqual(kept);
  }, 60_000);
});
