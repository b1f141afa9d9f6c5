/**
 * One LSTM step at a time, for suggestions: the weights are rearranged once so
 * each layer costs one matmul per step (layer 0 reads a precomputed
 * embedding x input-weights table; higher layers multiply [x, h] by the
 * stacked [W; U]), and the state is carried between calls so typing one
 * character costs one step, never a re-read of the context.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CharModel } from '../storage/persistence';

/** h and c of every layer, each [K, H] for K parallel streams. */
export interface LstmState {
  h: tf.Tensor2D[];
  c: tf.Tensor2D[];
}

export function disposeState(state: LstmState): void {
  for (const t of [...state.h, ...state.c]) t.dispose();
}

export function cloneState(state: LstmState): LstmState {
  return { h: state.h.map((t) => tf.clone(t)), c: state.c.map((t) => tf.clone(t)) };
}

/** Repeats a one-stream state for k streams. */
export function tileState(state: LstmState, k: number): LstmState {
  return { h: state.h.map((t) => tf.tile(t, [k, 1])), c: state.c.map((t) => tf.tile(t, [k, 1])) };
}

export class InferenceNet {
  readonly hidden: number[];
  readonly vocabSize: number;
  /** Layer 0: embedding @ W0 + b0, [V, 4H0]. */
  private readonly inputTable: tf.Tensor2D;
  private readonly u0: tf.Tensor2D;
  /** Layers above 0: [W; U] stacked, [in + H, 4H], and biases. */
  private readonly stacked: tf.Tensor2D[];
  private readonly biases: tf.Tensor1D[];
  private readonly outW: tf.Tensor2D;
  private readonly outB: tf.Tensor1D;

  constructor(model: CharModel) {
    const p = (n: string) => model.params.get(n)!;
    this.hidden = model.meta.network.hidden;
    this.vocabSize = model.vocab.size;
    const built = tf.tidy(() => ({
      inputTable: tf.add(tf.matMul(p('embedding'), p('lstm0/W')), p('lstm0/b')) as tf.Tensor2D,
      u0: tf.clone(p('lstm0/U')) as tf.Tensor2D,
      stacked: this.hidden
        .slice(1)
        .map((_, i) => tf.concat([p(`lstm${i + 1}/W`), p(`lstm${i + 1}/U`)], 0) as tf.Tensor2D),
      biases: this.hidden.slice(1).map((_, i) => tf.clone(p(`lstm${i + 1}/b`)) as tf.Tensor1D),
      outW: tf.clone(p('output/W')) as tf.Tensor2D,
      outB: tf.clone(p('output/b')) as tf.Tensor1D,
    }));
    this.inputTable = built.inputTable;
    this.u0 = built.u0;
    this.stacked = built.stacked;
    this.biases = built.biases;
    this.outW = built.outW;
    this.outB = built.outB;
  }

  zeroState(k = 1): LstmState {
    return {
      h: this.hidden.map((h) => tf.zeros([k, h]) as tf.Tensor2D),
      c: this.hidden.map((h) => tf.zeros([k, h]) as tf.Tensor2D),
    };
  }

  /**
   * Advances every stream by one character. Disposes `state` and returns the
   * new one, with the next-character logits [K, V] when `withLogits`.
   */
  step(state: LstmState, ids: Int32Array, withLogits: boolean): { state: LstmState; logits?: tf.Tensor2D } {
    const result = tf.tidy(() => {
      const k = ids.length;
      const h: tf.Tensor2D[] = [];
      const c: tf.Tensor2D[] = [];
      let x: tf.Tensor2D | undefined;
      this.hidden.forEach((units, l) => {
        const z =
          l === 0
            ? tf.add(tf.gather(this.inputTable, tf.tensor1d(ids, 'int32')), tf.matMul(state.h[0], this.u0))
            : tf.add(tf.matMul(tf.concat([x!, state.h[l]], 1), this.stacked[l - 1]), this.biases[l - 1]);
        const a = tf.sigmoid(z);
        const i = tf.slice(a, [0, 0], [k, units]);
        const f = tf.slice(a, [0, units], [k, units]);
        const g = tf.tanh(tf.slice(z, [0, 2 * units], [k, units]));
        const o = tf.slice(a, [0, 3 * units], [k, units]);
        const cNew = tf.add(tf.mul(f, state.c[l]), tf.mul(i, g)) as tf.Tensor2D;
        const hNew = tf.mul(o, tf.tanh(cNew)) as tf.Tensor2D;
        h.push(hNew);
        c.push(cNew);
        x = hNew;
      });
      const logits = withLogits ? (tf.add(tf.matMul(x!, this.outW), this.outB) as tf.Tensor2D) : undefined;
      return { h, c, logits };
    });
    disposeState(state);
    return { state: { h: result.h, c: result.c }, logits: result.logits };
  }

  /** Logits for the next character from a state, without advancing it. */
  logitsOf(state: LstmState): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(state.h[state.h.length - 1], this.outW), this.outB) as tf.Tensor2D);
  }

  dispose(): void {
    tf.dispose([this.inputTable, this.u0, ...this.stacked, ...this.biases, this.outW, this.outB]);
  }
}
