import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initParams, paramNames, disposeParams, type ParamMap } from '../../src/model/network/params';
import {
  computeGradients,
  evaluateLoss,
  tallTransposeMatMul,
  type SequenceBatch,
} from '../../src/model/network/sequence-lstm';
import { shardBatch } from '../../src/model/training/batches';
import { maxAbsDiff, useTestBackend } from '../helpers';

/** The textbook per-step LSTM, differentiated by tfjs autodiff. */
function referenceMeanLoss(p: Record<string, tf.Tensor>, layers: number, data: SequenceBatch): tf.Scalar {
  const { batch, steps } = data;
  let x = tf.gather(p.embedding, tf.tensor1d(data.inputs, 'int32')) as tf.Tensor2D;
  for (let l = 0; l < layers; l++) {
    const w = p[`lstm${l}/W`],
      u = p[`lstm${l}/U`],
      b = p[`lstm${l}/b`];
    const hidden = u.shape[0];
    let h: tf.Tensor = tf.zeros([batch, hidden]);
    let c: tf.Tensor = tf.zeros([batch, hidden]);
    const outs: tf.Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const xt = tf.slice(x, [t * batch, 0], [batch, x.shape[1]]);
      const z = tf.add(tf.add(tf.matMul(xt, w), tf.matMul(h, u)), b);
      const [zi, zf, zg, zo] = tf.split(z, 4, 1);
      c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
      h = tf.mul(tf.sigmoid(zo), tf.tanh(c));
      outs.push(h);
    }
    x = tf.concat(outs, 0) as tf.Tensor2D;
  }
  const logp = tf.logSoftmax(tf.add(tf.matMul(x, p['output/W']), p['output/b']));
  const vocab = p['output/b'].shape[0];
  const oneHot = tf.cast(tf.oneHot(tf.tensor1d(data.targets, 'int32'), vocab, 1, 0, 'int32'), 'float32');
  return tf.div(tf.neg(tf.sum(tf.mul(oneHot, logp))), batch * steps) as tf.Scalar;
}

function randomBatch(batch: number, steps: number, vocab: number, seed: number): SequenceBatch {
  let s = seed;
  const rand = () => (s = (s * 16807) % 2147483647) % vocab;
  return {
    batch,
    steps,
    inputs: Int32Array.from({ length: batch * steps }, rand),
    targets: Int32Array.from({ length: batch * steps }, rand),
    windowSeeds: Int32Array.from({ length: batch }, (_, i) => seed * 31 + i),
  };
}

describe('whole-sequence LSTM', () => {
  beforeAll(useTestBackend);

  it('matches tfjs autodiff of a per-step LSTM, for every parameter', async () => {
    const config = { embedDim: 8, hidden: [12, 10], dropout: 0 };
    const vocab = 11;
    const params = initParams(config, vocab, 7);
    const data = randomBatch(3, 6, vocab, 42);
    const names = paramNames(config);
    const fast = await computeGradients(params, data, { dropout: 0 });
    const { value, grads } = tf.tidy(() => {
      const f = (...xs: tf.Tensor[]) => referenceMeanLoss(Object.fromEntries(names.map((n, i) => [n, xs[i]])), 2, data);
      const { value, grads } = tf.valueAndGrads(f)(names.map((n) => params.get(n)!));
      return { value, grads };
    });
    expect(fast.lossSum / fast.count).toBeCloseTo(value.dataSync()[0], 5);
    names.forEach((name, i) => {
      const diff = maxAbsDiff(fast.grads.get(name)!, grads[i]);
      expect(diff, `gradient of ${name}`).toBeLessThan(2e-5);
    });
    tf.dispose([value, ...grads, ...fast.grads.values()]);
    disposeParams(params);
  });

  it('evaluates the same loss as the training pass without dropout', async () => {
    const config = { embedDim: 4, hidden: [6], dropout: 0 };
    const params: ParamMap = initParams(config, 9, 3);
    const data = randomBatch(2, 5, 9, 5);
    const train = await computeGradients(params, data, { dropout: 0 });
    const evaluation = await evaluateLoss(params, data);
    expect(evaluation.lossSum).toBeCloseTo(train.lossSum, 4);
    tf.dispose([...train.grads.values()]);
    disposeParams(params);
  });

  it('gives the same gradients for a batch split in shards, dropout included', async () => {
    const config = { embedDim: 6, hidden: [10, 10], dropout: 0.3 };
    const params = initParams(config, 9, 4);
    const data = randomBatch(5, 7, 9, 11);
    const whole = await computeGradients(params, data, { dropout: 0.3 });
    const shards = shardBatch(data, 2);
    expect(shards.map((s) => s.batch)).toEqual([3, 2]);
    const parts = await Promise.all(shards.map((s) => computeGradients(params, s, { dropout: 0.3 })));
    expect(parts[0].lossSum + parts[1].lossSum).toBeCloseTo(whole.lossSum, 3);
    for (const [name, g] of whole.grads) {
      const combined = tf.tidy(() => tf.addN(parts.map((p) => tf.mul(p.grads.get(name)!, p.count / whole.count))));
      expect(maxAbsDiff(combined, g), name).toBeLessThan(1e-5);
      combined.dispose();
    }
    tf.dispose([...whole.grads.values(), ...parts.flatMap((p) => [...p.grads.values()])]);
    disposeParams(params);
  });

  it('sums chunked A^T B exactly like one product', () => {
    const a = tf.randomNormal([37, 5]) as tf.Tensor2D;
    const b = tf.randomNormal([37, 3]) as tf.Tensor2D;
    const chunked = tallTransposeMatMul(a, b, 4);
    expect(maxAbsDiff(chunked, tf.matMul(a, b, true, false))).toBeLessThan(1e-5);
    tf.dispose([a, b, chunked]);
  });

  it('leaves no tensors behind, also when cancelled', async () => {
    const config = { embedDim: 4, hidden: [6, 6], dropout: 0.2 };
    const params = initParams(config, 9, 3);
    const data = randomBatch(2, 40, 9, 5);
    const before = tf.memory().numTensors;
    const r = await computeGradients(params, data, { dropout: 0.2 });
    tf.dispose([...r.grads.values()]);
    expect(tf.memory().numTensors).toBe(before);
    const controller = new AbortController();
    controller.abort();
    await expect(computeGradients(params, data, { dropout: 0.2, signal: controller.signal })).rejects.toThrow(
      /cancelled/,
    );
    expect(tf.memory().numTensors).toBe(before);
    disposeParams(params);
  });
});
