/**
 * The loss at every position of whole sequences, in one forward pass (the
 * surprise map's scoring): as in training's sequence-lstm.ts, the input
 * projection of many time steps is one matmul for every sequence at once, and
 * only the recurrent product and the gates run inside the step loop. Not the
 * one-step network (inference.ts), which would cost one call per character.
 *
 * Two differences from training's pass: the pass runs a window of time steps
 * at a time and carries h and c across windows, so no single operation holds
 * main's thread for long and the caller can pause between windows (while a
 * suggestion is being computed); and it keeps no backward caches.
 */
import * as tf from '@tensorflow/tfjs-core';
import { preferSigmoidTanh } from '../network/backend';
import type { ParamMap } from '../network/params';
import { cancelledError } from '../errors';

export interface SequenceScoreOptions {
  /** Checked between windows: an aborted signal stops the pass (CANCELLED). */
  signal?: AbortSignal;
  /** Awaited between windows: where the caller yields to the event loop, or waits for a suggestion to finish. */
  pause?: () => Promise<void>;
  /** Rows (time steps x sequences) per window; smaller windows hold the thread for less time. */
  windowRows?: number;
}

/** Measured on wasm with the M model: 64 rows held the thread ~5 ms, 256 rows ~36 ms, at about the same speed; 32 keeps a waiting suggestion's wait short. */
const DEFAULT_WINDOW_ROWS = 32;

function layerCount(params: ParamMap): number {
  let n = 0;
  while (params.has(`lstm${n}/W`)) n++;
  return n;
}

function tanh(x: tf.Tensor): tf.Tensor {
  // wasm's tanh is ~8x slower than its sigmoid; the identity is exact in real arithmetic
  return preferSigmoidTanh() ? tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1) : tf.tanh(x);
}

/**
 * For each sequence of n ids, n - 1 losses: entry i is -log p(ids[i + 1] |
 * ids[0..i]) in nats. Sequences may differ in length: shorter ones are padded
 * at the end, which cannot change what came before them.
 */
export async function sequenceLosses(
  params: ParamMap,
  sequences: readonly Int32Array[],
  options: SequenceScoreOptions = {},
): Promise<Float32Array[]> {
  const batch = sequences.length;
  const out = sequences.map((s) => new Float32Array(Math.max(0, s.length - 1)));
  const steps = Math.max(0, ...out.map((o) => o.length));
  if (batch === 0 || steps === 0) return out;
  const layers = layerCount(params);
  const p = (name: string) => params.get(name)!;
  const vocabSize = p('output/b').shape[0];
  const windowSteps = Math.max(1, Math.floor((options.windowRows ?? DEFAULT_WINDOW_ROWS) / batch));

  // time-major ids: row t*B + b is time t of sequence b
  const inputs = new Int32Array(steps * batch);
  const targets = new Int32Array(steps * batch);
  sequences.forEach((s, b) => {
    for (let t = 0; t + 1 < s.length; t++) {
      inputs[t * batch + b] = s[t];
      targets[t * batch + b] = s[t + 1];
    }
  });

  const held: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => (held.push(t), t);
  try {
    const inputTable = keep(
      tf.tidy(() => tf.add(tf.matMul(p('embedding'), p('lstm0/W')), p('lstm0/b')) as tf.Tensor2D),
    );
    const hidden = Array.from({ length: layers }, (_, l) => p(`lstm${l}/U`).shape[0]);
    let h = hidden.map((units) => tf.zeros([batch, units]) as tf.Tensor2D);
    let c = hidden.map((units) => tf.zeros([batch, units]) as tf.Tensor2D);
    try {
      for (let start = 0; start < steps; start += windowSteps) {
        const len = Math.min(windowSteps, steps - start);
        const rows = len * batch;
        let x: tf.Tensor2D | undefined;
        for (let l = 0; l < layers; l++) {
          const units = hidden[l];
          const projected = tf.tidy(() =>
            l === 0
              ? (tf.gather(
                  inputTable,
                  tf.tensor1d(inputs.subarray(start * batch, start * batch + rows), 'int32'),
                ) as tf.Tensor2D)
              : (tf.add(tf.matMul(x!, p(`lstm${l}/W`)), p(`lstm${l}/b`)) as tf.Tensor2D),
          );
          x?.dispose();
          const outputs: tf.Tensor2D[] = [];
          for (let t = 0; t < len; t++) {
            const [hNew, cNew] = tf.tidy(() => {
              const z = tf.add(
                tf.slice(projected, [t * batch, 0], [batch, 4 * units]),
                tf.matMul(h[l], p(`lstm${l}/U`)),
              );
              const a = tf.sigmoid(z);
              const i = tf.slice(a, [0, 0], [batch, units]);
              const f = tf.slice(a, [0, units], [batch, units]);
              const g = tanh(tf.slice(z, [0, 2 * units], [batch, units]));
              const o = tf.slice(a, [0, 3 * units], [batch, units]);
              const cNext = tf.add(tf.mul(f, c[l]), tf.mul(i, g));
              return [tf.mul(o, tanh(cNext)), cNext] as tf.Tensor2D[];
            });
            h[l].dispose();
            c[l].dispose();
            h[l] = hNew;
            c[l] = cNew;
            outputs.push(tf.clone(hNew));
          }
          projected.dispose();
          x = tf.concat(outputs, 0) as tf.Tensor2D;
          for (const o of outputs) o.dispose();
        }
        const top = x!;
        const losses = tf.tidy(() => {
          const logp = tf.logSoftmax(tf.add(tf.matMul(top, p('output/W')), p('output/b')));
          const ids = tf.tensor1d(targets.subarray(start * batch, start * batch + rows), 'int32');
          // wasm's float32 oneHot returns int32 bit patterns: build it as int32, then cast
          const oneHot = tf.cast(tf.oneHot(ids, vocabSize, 1, 0, 'int32'), 'float32');
          return tf.neg(tf.sum(tf.mul(oneHot, logp), 1));
        });
        top.dispose();
        const values = await losses.data();
        losses.dispose();
        for (let r = 0; r < rows; r++) {
          const t = start + Math.floor(r / batch);
          const b = r % batch;
          if (t < out[b].length) out[b][t] = values[r];
        }
        await options.pause?.();
        if (options.signal?.aborted) throw cancelledError('Scoring');
      }
    } finally {
      tf.dispose([...h, ...c]);
      h = [];
      c = [];
    }
    return out;
  } finally {
    tf.dispose(held);
  }
}
