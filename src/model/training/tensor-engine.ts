/**
 * Training steps through tfjs: gradients of the whole-sequence LSTM as
 * tensors (on this thread, or spread over helper threads each with its own
 * tfjs backend), then the tensor Adam update. The run's tensors are the
 * weights themselves, so there is nothing to sync.
 */
import type { SequenceBatch } from '../network/sequence-lstm';
import { computeGradients } from '../network/sequence-lstm';
import { evaluateText } from './evaluate';
import { GradientWorkerPool } from './parallel/worker-pool';
import type { Start } from './run-start';
import type { StepEngine, StepEngineOptions, ValidationWindows } from './step-engine';

export class TensorEngine implements StepEngine {
  private constructor(
    private readonly s: Start,
    readonly threads: number,
    private readonly pool: GradientWorkerPool | undefined,
  ) {}

  static async start(s: Start, options: StepEngineOptions): Promise<TensorEngine> {
    const pool =
      options.threads > 1
        ? await GradientWorkerPool.start({
            network: s.meta.network,
            vocabSize: s.vocab.size,
            threads: options.threads,
            backend: options.workerBackend,
            workerUrl: options.workerUrl,
            crashOnStep: options.crashOnStep,
          })
        : undefined;
    return new TensorEngine(s, options.threads, pool);
  }

  async step(batch: SequenceBatch, dropout: number, signal?: AbortSignal): Promise<{ lossSum: number; count: number }> {
    const s = this.s;
    const pass = { dropout, signal };
    const r = this.pool
      ? await this.pool.computeGradients(s.params, batch, pass)
      : await computeGradients(s.params, batch, pass);
    s.adam.apply(s.params, r.grads);
    for (const g of r.grads.values()) g.dispose();
    return { lossSum: r.lossSum, count: r.count };
  }

  evaluate(ids: Int32Array, windows: ValidationWindows): Promise<{ loss: number; chars: number }> {
    return evaluateText(this.s.params, ids, windows);
  }

  sync(): void {}

  async dispose(): Promise<void> {
    await this.pool?.dispose();
  }
}
