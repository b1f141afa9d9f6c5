/**
 * The network's weights as named tensors, their initialisation, and the
 * vocabulary extension used when fine-tuning on text with new characters.
 *
 * Layout (gate order i, f, g, o along the 4H axis, as PyTorch):
 *   embedding   [V, E]
 *   lstmN/W     [in, 4H]   input weights of layer N
 *   lstmN/U     [H, 4H]    recurrent weights
 *   lstmN/b     [4H]
 *   output/W    [H, V]
 *   output/b    [V]
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NetworkConfig } from './config';
import { paramNames, paramShapes } from './param-shapes';

export type ParamMap = Map<string, tf.Tensor>;

export { paramNames, paramShapes };

/**
 * PyTorch's initialisation, so learning matches the reference run: LSTM and
 * output weights uniform in +-1/sqrt(H), embedding standard normal.
 */
export function initParams(config: NetworkConfig, vocabSize: number, seed: number): ParamMap {
  const params: ParamMap = new Map();
  let s = seed;
  const nextSeed = () => (s = (s * 1103515245 + 12345) % 2147483647);
  for (const [name, shape] of paramShapes(config, vocabSize)) {
    let t: tf.Tensor;
    if (name === 'embedding') {
      t = tf.randomNormal(shape, 0, 1, 'float32', nextSeed());
    } else {
      // nn.LSTM: 1/sqrt(hidden); nn.Linear: 1/sqrt(in_features)
      const fan = name.startsWith('output') ? config.hidden[config.hidden.length - 1] : shape[shape.length - 1] / 4;
      const k = 1 / Math.sqrt(fan);
      t = tf.randomUniform(shape, -k, k, 'float32', nextSeed());
    }
    params.set(name, t);
  }
  return params;
}

export function disposeParams(params: ParamMap): void {
  for (const t of params.values()) t.dispose();
}

export function cloneParams(params: ParamMap): ParamMap {
  return new Map([...params].map(([k, v]) => [k, tf.clone(v)]));
}

/**
 * Grows the vocabulary-sized tensors from `oldV` to `newV` rows/columns for
 * fine-tuning: a new character's embedding starts at the mean embedding (an
 * "average character"), its output column at zero and its output bias at the
 * lowest existing bias, so the model starts out treating it as rare rather
 * than predicting it at random.
 */
export function extendVocabulary(params: ParamMap, oldV: number, newV: number): ParamMap {
  if (newV === oldV) return params;
  const extra = newV - oldV;
  const emb = params.get('embedding') as tf.Tensor2D;
  const w = params.get('output/W') as tf.Tensor2D;
  const b = params.get('output/b') as tf.Tensor1D;
  const grown = tf.tidy(() => ({
    embedding: tf.concat([emb, tf.tile(tf.mean(emb, 0, true), [extra, 1])], 0),
    'output/W': tf.concat([w, tf.zeros([w.shape[0], extra])], 1),
    'output/b': tf.concat([b, tf.fill([extra], tf.min(b).dataSync()[0])], 0),
  }));
  const out: ParamMap = new Map(params);
  for (const [name, t] of Object.entries(grown)) {
    params.get(name)!.dispose();
    out.set(name, t);
  }
  return out;
}
