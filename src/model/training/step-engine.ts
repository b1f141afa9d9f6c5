/**
 * What computes a run's training steps: the compiled kernel (NativeEngine) or
 * tfjs (TensorEngine), as training-backend.ts chose. TrainingRun drives either
 * through this interface and knows nothing of threads or kernels.
 */
import type { BackendOptions } from '../network/backend';
import { nativeKernel } from '../network/native-kernel';
import type { SequenceBatch } from '../network/sequence-lstm';
import { effectiveThreads } from './evaluate';
import { NativeEngine } from './native-engine';
import type { Start } from './run-start';
import { TensorEngine } from './tensor-engine';
import { chooseTrainingBackend, type TrainingBackendChoice } from './training-backend';
import type { TrainOptions } from './train-options';

export interface ValidationWindows {
  batchSize: number;
  seqLength: number;
  maxWindows?: number;
  signal?: AbortSignal;
}

export interface StepEngine {
  /** Threads that compute gradients, this one included. */
  readonly threads: number;
  /** One batch and one Adam update of the run's weights; the summed loss and the characters predicted. */
  step(batch: SequenceBatch, dropout: number, signal?: AbortSignal): Promise<{ lossSum: number; count: number }>;
  /** Mean validation loss (nats per character) over non-overlapping windows, with the current weights. */
  evaluate(ids: Int32Array, windows: ValidationWindows): Promise<{ loss: number; chars: number }>;
  /** Brings the run's tensors (weights, Adam's moments) up to date: before evaluation, checkpoints, the save. */
  sync(): void;
  /** Stops the helper threads. */
  dispose(): Promise<void>;
}

export interface StepEngineOptions {
  /** Threads requested, this one included. */
  threads: number;
  workerBackend?: BackendOptions;
  workerUrl?: URL;
  crashOnStep?: number;
}

/**
 * Chooses the engine as `options.trainingBackend` asks (default tfjs; see
 * training-backend.ts) and starts it. Under `auto`, a kernel whose helper
 * threads fail to start is passed over for tfjs, and the reason says so.
 */
export async function startEngine(
  s: Start,
  options: TrainOptions,
): Promise<{ engine: StepEngine; backend: TrainingBackendChoice }> {
  const mode = options.trainingBackend ?? 'tfjs';
  const backend = await chooseTrainingBackend(mode, options.trainingBackendCache, { signal: options.signal });
  const engineOptions: StepEngineOptions = {
    threads: options.threads ?? 1,
    workerBackend: options.workerBackend,
    workerUrl: options.gradientWorkerUrl,
    crashOnStep: options.crashWorkerOnStep,
  };
  const tensorEngine = () =>
    TensorEngine.start(s, { ...engineOptions, threads: effectiveThreads(engineOptions.threads) });
  const native = nativeKernel();
  if (backend.engine === 'native' && native.available) {
    const threads = Math.max(1, Math.floor(engineOptions.threads));
    try {
      const engine = await NativeEngine.start(s, {
        ...engineOptions,
        threads,
        kernel: native.kernel,
        variant: native.variant,
      });
      return { engine, backend };
    } catch (e) {
      if (mode !== 'auto') throw e;
      const why = e instanceof Error ? e.message : String(e);
      const fallback = await chooseTrainingBackend('tfjs');
      const reason = `The native kernel could not start its threads (${why}).`;
      return { engine: await tensorEngine(), backend: { ...fallback, reason } };
    }
  }
  return { engine: await tensorEngine(), backend };
}
