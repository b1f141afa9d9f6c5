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
import type { TrainingBackendChoice } from './training-backend';

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

export async function startEngine(
  s: Start,
  backend: TrainingBackendChoice,
  options: StepEngineOptions,
): Promise<StepEngine> {
  const native = nativeKernel();
  if (backend.engine === 'native' && native.available) {
    const threads = Math.max(1, Math.floor(options.threads));
    return NativeEngine.start(s, { ...options, threads, kernel: native.kernel, variant: native.variant });
  }
  return TensorEngine.start(s, { ...options, threads: effectiveThreads(options.threads) });
}
