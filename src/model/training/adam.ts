/**
 * Adam with global-norm gradient clipping, written out (a dozen tensor ops) so
 * that its state is plain named tensors we can save in checkpoints, restore on
 * resume, and step identically in every data-parallel replica.
 *
 * Matches PyTorch's torch.optim.Adam (bias-corrected, eps added after sqrt),
 * which the reference run used.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamMap } from '../network/params';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Rescale gradients whose global L2 norm exceeds this; 0 disables. */
  clipNorm?: number;
}

export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  learningRate: number;
  clipNorm: number;
  /** Updates applied so far (for bias correction). */
  step = 0;
  private readonly m: ParamMap = new Map();
  private readonly v: ParamMap = new Map();

  constructor(options: AdamOptions) {
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.clipNorm = options.clipNorm ?? 5;
  }

  /**
   * Applies one update. Replaces (and disposes) the tensors in `params`;
   * leaves `grads` to the caller. Returns the gradient norm before clipping.
   */
  apply(params: ParamMap, grads: ParamMap): number {
    const norm = globalNorm(grads);
    const scale = this.clipNorm > 0 && norm > this.clipNorm ? this.clipNorm / norm : 1;
    const { learningRateT: lrT, epsilonHat: epsHat } = this.nextStep();
    for (const [name, p] of params) {
      const g0 = grads.get(name);
      if (!g0) throw new Error(`no gradient for ${name}`);
      const m0 = this.m.get(name);
      const v0 = this.v.get(name);
      const [pNew, m, v] = tf.tidy(() => {
        const g = scale === 1 ? g0 : tf.mul(g0, scale);
        const m = m0 ? tf.add(tf.mul(m0, this.beta1), tf.mul(g, 1 - this.beta1)) : tf.mul(g, 1 - this.beta1);
        const v = v0
          ? tf.add(tf.mul(v0, this.beta2), tf.mul(tf.square(g), 1 - this.beta2))
          : tf.mul(tf.square(g), 1 - this.beta2);
        const pNew = tf.sub(p, tf.mul(tf.div(m, tf.add(tf.sqrt(v), epsHat)), lrT));
        return [pNew, m, v];
      });
      p.dispose();
      m0?.dispose();
      v0?.dispose();
      params.set(name, pNew);
      this.m.set(name, m);
      this.v.set(name, v);
    }
    return norm;
  }

  /**
   * Counts one more update and returns its bias-corrected step sizes, the same
   * for every parameter (the compiled kernel takes them as they are).
   */
  nextStep(): { learningRateT: number; epsilonHat: number } {
    this.step++;
    return {
      learningRateT: (this.learningRate * Math.sqrt(1 - this.beta2 ** this.step)) / (1 - this.beta1 ** this.step),
      // eps is added to sqrt(v_hat); folded into the bias-corrected step size
      epsilonHat: this.epsilon * Math.sqrt(1 - this.beta2 ** this.step),
    };
  }

  /** The moment tensors by `m/<param>` and `v/<param>`, for checkpoints (not copies). */
  stateTensors(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [k, t] of this.m) out.set(`m/${k}`, t);
    for (const [k, t] of this.v) out.set(`v/${k}`, t);
    return out;
  }

  /** Takes ownership of moment tensors read from a checkpoint. */
  restore(step: number, tensors: Map<string, tf.Tensor>): void {
    this.dispose();
    this.step = step;
    for (const [k, t] of tensors) {
      if (k.startsWith('m/')) this.m.set(k.slice(2), t);
      else if (k.startsWith('v/')) this.v.set(k.slice(2), t);
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}

export function globalNorm(grads: ParamMap): number {
  return tf.tidy(() => {
    const sums = [...grads.values()].map((g) => tf.sum(tf.square(g)));
    return Math.sqrt(tf.addN(sums).dataSync()[0]);
  });
}
