/**
 * Training steps on the compiled kernel (penwright-native). The weights, the
 * gradient slots and Adam's moments live in flat Float32Arrays, the weights
 * and slots on SharedArrayBuffers that the helper threads' kernels read and
 * write in place: a step is one kernel call per helper thread (one helper per
 * thread asked for; this thread only waits, so a cancel reaches it at once and
 * raises the shared abort flag the kernels poll), a weighted sum of the slots,
 * and one kernel Adam update, with no tfjs tensors in between.
 *
 * The run's tensors (Start.params, the Adam moments) stay the record that
 * evaluation, checkpoints, resume and the final save read: `sync` writes the
 * flat state back into them before any of those, so they work unchanged.
 */
import * as tf from '@tensorflow/tfjs-core';
import { cancelledError } from '../errors';
import { kernelNetwork, nativeLabel, type Kernel, type KernelNetwork, type Variant } from '../network/native-kernel';
import type { SequenceBatch } from '../network/sequence-lstm';
import { meanWindowLoss } from './evaluate';
import { ParamLayout, type ParamSlot } from './parallel/param-layout';
import { GradientWorkerPool } from './parallel/worker-pool';
import type { Start } from './run-start';
import type { StepEngine, StepEngineOptions, ValidationWindows } from './step-engine';

export interface NativeEngineOptions extends StepEngineOptions {
  kernel: Kernel;
  variant: Variant;
}

export class NativeEngine implements StepEngine {
  readonly label: string;
  readonly threads: number;
  private readonly network: KernelNetwork;
  private readonly layout: ParamLayout;
  private readonly params: Float32Array;
  private readonly slots: Float32Array[];
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private pool: GradientWorkerPool | undefined;
  /** Raised (to 1) to stop the helpers' kernels mid-pass. */
  private readonly abort = new Int32Array(new SharedArrayBuffer(4));
  /** Whether the flat weights have moved on since the last sync. */
  private dirty = false;

  private constructor(
    private readonly s: Start,
    private readonly options: NativeEngineOptions,
  ) {
    this.threads = options.threads;
    const { network } = s.meta;
    this.label = nativeLabel(options.variant);
    this.network = kernelNetwork(network, s.vocab.size);
    this.layout = new ParamLayout(network, s.vocab.size);
    const total = this.layout.total;
    this.params = new Float32Array(new SharedArrayBuffer(total * 4));
    const grads = new SharedArrayBuffer(total * 4 * options.threads);
    this.slots = Array.from({ length: options.threads }, (_, i) => new Float32Array(grads, i * total * 4, total));
    this.m = new Float32Array(total);
    this.v = new Float32Array(total);
    this.layout.write(s.params, this.params);
    // a resumed run brings Adam's moments; a new one starts them at zero (as Adam does)
    const moments = s.adam.stateTensors();
    for (const slot of this.layout.slots) {
      const m = moments.get(`m/${slot.name}`);
      const v = moments.get(`v/${slot.name}`);
      if (m) this.m.set(m.dataSync() as Float32Array, slot.offset);
      if (v) this.v.set(v.dataSync() as Float32Array, slot.offset);
    }
  }

  /** Copies the run's weights and optimiser state in and starts the helper threads (one per thread asked for). */
  static async start(s: Start, options: NativeEngineOptions): Promise<NativeEngine> {
    const engine = new NativeEngine(s, options);
    engine.pool = await GradientWorkerPool.start({
      engine: 'native',
      buffers: {
        params: engine.params.buffer as SharedArrayBuffer,
        grads: engine.slots[0].buffer as SharedArrayBuffer,
        abort: engine.abort.buffer as SharedArrayBuffer,
      },
      network: s.meta.network,
      vocabSize: s.vocab.size,
      threads: options.threads,
      workerUrl: options.workerUrl,
      crashOnStep: options.crashOnStep,
    });
    return engine;
  }

  /** Runs `work` with the shared abort flag raised as soon as `signal` fires. */
  private async abortable<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    if (signal?.aborted) throw cancelledError('Training');
    Atomics.store(this.abort, 0, 0);
    const raise = () => Atomics.store(this.abort, 0, 1);
    signal?.addEventListener('abort', raise, { once: true });
    try {
      return await work();
    } finally {
      signal?.removeEventListener('abort', raise);
    }
  }

  /** One batch over the helpers and one Adam update; returns the summed loss and the characters predicted. */
  async step(batch: SequenceBatch, dropout: number, signal?: AbortSignal): Promise<{ lossSum: number; count: number }> {
    const parts = await this.abortable(signal, () => this.pool!.computeShards(batch, dropout));
    const count = parts.reduce((n, p) => n + p.count, 0);
    const lossSum = parts.reduce((n, p) => n + p.lossSum, 0);
    this.combineSlots(parts.map((p) => p.count / count));
    const adam = this.s.adam;
    this.options.kernel.adam(this.params, this.slots[0], this.m, this.v, {
      ...adam.nextStep(),
      beta1: adam.beta1,
      beta2: adam.beta2,
      clipNorm: adam.clipNorm,
    });
    this.dirty = true;
    return { lossSum, count };
  }

  /**
   * Slot 0 becomes the whole batch's gradient: each shard's mean weighted by
   * its share of the rows. Only the slots of shards that ran count (a batch of
   * fewer windows than threads leaves the last slots untouched).
   */
  private combineSlots(weights: number[]): void {
    const own = this.slots[0];
    const n = own.length;
    if (weights[0] !== 1) for (let i = 0; i < n; i++) own[i] *= weights[0];
    for (let k = 1; k < weights.length; k++) {
      const slot = this.slots[k];
      const w = weights[k];
      for (let i = 0; i < n; i++) own[i] += slot[i] * w;
    }
  }

  /** Mean validation loss (nats per character) over non-overlapping windows, on the kernel. */
  evaluate(ids: Int32Array, options: ValidationWindows): Promise<{ loss: number; chars: number }> {
    return meanWindowLoss(ids, options, async (b) => {
      if (options.signal?.aborted) throw cancelledError('Training');
      const loss = this.options.kernel.lossSum(this.network, this.params, b.inputs, b.targets, b.batch, b.steps);
      // one window batch per call: a cancel message gets in between them
      await new Promise<void>((resolve) => setImmediate(resolve));
      return loss!; // no abort flag given: never null
    });
  }

  /** Writes the flat weights and moments back into the run's tensors (for evaluation, checkpoints, the save). */
  sync(): void {
    if (!this.dirty) return;
    const s = this.s;
    // copies (slice), never views: a tensor must not change when the kernel next writes
    const tensorOf = (from: Float32Array, slot: ParamSlot) =>
      tf.tensor(from.slice(slot.offset, slot.offset + slot.size), slot.shape);
    for (const t of s.params.values()) t.dispose();
    s.params = new Map(this.layout.slots.map((slot) => [slot.name, tensorOf(this.params, slot)]));
    const moments = new Map<string, tf.Tensor>();
    for (const slot of this.layout.slots) {
      moments.set(`m/${slot.name}`, tensorOf(this.m, slot));
      moments.set(`v/${slot.name}`, tensorOf(this.v, slot));
    }
    s.adam.restore(s.adam.step, moments);
    this.dirty = false;
  }

  async dispose(): Promise<void> {
    await this.pool?.dispose();
  }
}
