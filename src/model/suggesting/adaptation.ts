/**
 * Learning the document as the writer writes (dynamic evaluation, Krause et
 * al. 2017): a few gradient steps on the text just written move a copy of the
 * model's weights toward this document (its names, its phrases), each step
 * also pulling them back toward the base weights so a long document does not
 * drift away from the language the model learned. The adapted weights are
 * per document and start again from the base for every document.
 *
 * The update is RMS-normalised SGD: a running mean of each weight's squared
 * gradient (kept across the document's adaptations) scales its step, as the
 * paper found works better than plain SGD for character models.
 *
 * This file is the arithmetic only, synchronous and on flat Float32Arrays; it
 * runs wherever it is put: a worker thread in the app (adaptation-worker.ts,
 * so typing never waits for it), the benchmark's loop directly.
 */
import { computeGradients, type SequenceBatch } from '../network/sequence-lstm';
import type { NetworkConfig } from '../network/config';
import { kernelNetwork, nativeKernel } from '../network/native-kernel';
import { ParamLayout } from '../training/parallel/param-layout';

export interface AdaptationSettings {
  /** Step size of the RMS-normalised update. */
  learningRate: number;
  /** Share of the way back to the base weights each step goes (0: none). */
  decay: number;
  /** Characters per training window (windows start from a zero state, as in training). */
  windowChars: number;
  /** At most this many of the latest characters are learned from in one adaptation. */
  maxChars: number;
  /** Gradient steps per adaptation, each over all its windows. */
  passes: number;
  /** Windows per gradient call: between calls the runner may give way to the ghost text (`pause`). */
  chunkWindows: number;
}

/**
 * The learning rate chosen with `npm run bench:adaptation` on the gate slice (a sweep
 * 3e-4..3e-3), checked with `npm run bench:writer`; other recipes measured with
 * bench/adaptation-variants.ts did no better (README, "Learning the document as you write").
 */
export const ADAPTATION_DEFAULTS: Readonly<AdaptationSettings> = Object.freeze({
  learningRate: 1.5e-3,
  decay: 0.001,
  windowChars: 100,
  maxChars: 2_000,
  passes: 1,
  // about 10 ms of the default model's gradient per call here (0.1 s for 20 windows): what a keystroke may wait
  chunkWindows: 2,
});

/** The fewest new characters worth adapting on (fewer: wait for more). */
export const MIN_ADAPTATION_CHARS = 200;

/** Gradients of the mean loss over a batch, on flat weights: the compiled kernel's, or tfjs's. */
export type GradientFn = (params: Float32Array, grads: Float32Array, batch: SequenceBatch) => Promise<number>;

/** The native kernel where it loads (no dropout), else tfjs's whole-sequence pass. */
export function gradientFunction(network: NetworkConfig, vocabSize: number): GradientFn {
  const native = nativeKernel();
  if (native.available) {
    const net = kernelNetwork(network, vocabSize);
    return async (params, grads, b) =>
      native.kernel.gradients(net, params, grads, b.inputs, b.targets, b.batch, b.steps, 0, null) ?? NaN;
  }
  const layout = new ParamLayout(network, vocabSize);
  return async (params, grads, b) => {
    const weights = layout.read(params);
    try {
      const r = await computeGradients(weights, b, { dropout: 0 });
      layout.write(r.grads, grads);
      for (const g of r.grads.values()) g.dispose();
      return r.lossSum;
    } finally {
      for (const w of weights.values()) w.dispose();
    }
  };
}

/**
 * Training windows over the last `maxChars` ids of `ids`: consecutive
 * `windowChars`-long windows ending at the last id (the oldest one may be
 * shorter and is dropped), time-major as the kernels read them.
 */
export function adaptationBatch(ids: Int32Array, windowChars: number, maxChars: number): SequenceBatch | null {
  const take = ids.subarray(Math.max(0, ids.length - maxChars - 1));
  const T = windowChars;
  const B = Math.floor((take.length - 1) / T);
  if (B < 1) return null;
  const from = take.length - 1 - B * T;
  const inputs = new Int32Array(T * B);
  const targets = new Int32Array(T * B);
  for (let b = 0; b < B; b++) {
    const start = from + b * T;
    for (let t = 0; t < T; t++) {
      inputs[t * B + b] = take[start + t];
      targets[t * B + b] = take[start + t + 1];
    }
  }
  return { batch: B, steps: T, inputs, targets };
}

/** Windows [from, to) of a time-major batch, as a batch of their own. */
export function batchWindows(batch: SequenceBatch, from: number, to: number): SequenceBatch {
  const n = to - from;
  const inputs = new Int32Array(batch.steps * n);
  const targets = new Int32Array(batch.steps * n);
  for (let t = 0; t < batch.steps; t++) {
    inputs.set(batch.inputs.subarray(t * batch.batch + from, t * batch.batch + to), t * n);
    targets.set(batch.targets.subarray(t * batch.batch + from, t * batch.batch + to), t * n);
  }
  return { batch: n, steps: batch.steps, inputs, targets };
}

/** A copy of a model's weights that learns one document. */
export class DocumentAdapter {
  readonly layout: ParamLayout;
  /** The adapted weights (flat, as ParamLayout lays them out). */
  readonly params: Float32Array;
  /** The mean loss's gradient `gradient` computed last. */
  readonly grads: Float32Array;
  /** One chunk's gradient, before it is added to `grads`. */
  private readonly chunkGrads: Float32Array;
  /** Running mean of each weight's squared gradient. */
  private readonly meanSquare: Float32Array;
  private adaptations = 0;

  constructor(
    private readonly base: Float32Array,
    network: NetworkConfig,
    vocabSize: number,
    private readonly gradients: GradientFn,
    readonly settings: AdaptationSettings = ADAPTATION_DEFAULTS,
  ) {
    this.layout = new ParamLayout(network, vocabSize);
    if (base.length !== this.layout.total) throw new Error('the base weights do not fit the network');
    this.params = Float32Array.from(base);
    this.grads = new Float32Array(base.length);
    this.chunkGrads = new Float32Array(base.length);
    this.meanSquare = new Float32Array(base.length);
  }

  /** How many adaptations the weights have had since the base. */
  get count(): number {
    return this.adaptations;
  }

  /**
   * The mean loss's gradient over `batch` into `grads` at the current weights, `chunkWindows`
   * windows per call, `pause` between calls (where the app's thread waits
   * while a suggestion is being computed). Returns the summed loss.
   */
  async gradient(batch: SequenceBatch, pause?: () => Promise<void>): Promise<number> {
    const per = Math.max(1, this.settings.chunkWindows ?? batch.batch);
    if (per >= batch.batch) return this.gradients(this.params, this.grads, batch);
    const g = this.grads;
    const part = this.chunkGrads;
    g.fill(0);
    let lossSum = 0;
    for (let from = 0; from < batch.batch; from += per) {
      if (from > 0) await pause?.();
      const to = Math.min(batch.batch, from + per);
      lossSum += await this.gradients(this.params, part, batchWindows(batch, from, to));
      // each call's gradient is of its own mean: weigh it by its share of the windows
      const w = (to - from) / batch.batch;
      for (let i = 0; i < g.length; i++) g[i] += w * part[i];
    }
    return lossSum;
  }

  /**
   * Gradient steps on the latest text (its ids); returns the mean loss on it
   * before the first step (nats per character), or null when it is too short.
   * `pause`, awaited between gradient calls, lets the caller hold the work back.
   */
  async adapt(ids: Int32Array, pause?: () => Promise<void>): Promise<number | null> {
    const { learningRate, decay, windowChars, maxChars, passes } = this.settings;
    const batch = adaptationBatch(ids, windowChars, maxChars);
    if (!batch) return null;
    const p = this.params;
    const g = this.grads;
    const ms = this.meanSquare;
    const base = this.base;
    let firstLoss: number | null = null;
    for (let pass = 0; pass < passes; pass++) {
      const lossSum = await this.gradient(batch, pause);
      if (!Number.isFinite(lossSum)) throw new Error('the adaptation step diverged');
      firstLoss ??= lossSum / (batch.batch * batch.steps);
      // the first gradient sets the scale; later ones average into it
      const keep = this.adaptations === 0 && pass === 0 ? 0 : 0.9;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i];
        ms[i] = keep * ms[i] + (1 - keep) * gi * gi;
        p[i] += -learningRate * (gi / (Math.sqrt(ms[i]) + 1e-8)) + decay * (base[i] - p[i]);
      }
    }
    this.adaptations++;
    return firstLoss;
  }

  /** Back to the base weights (a new document). */
  reset(): void {
    this.params.set(this.base);
    this.meanSquare.fill(0);
    this.adaptations = 0;
  }
}
