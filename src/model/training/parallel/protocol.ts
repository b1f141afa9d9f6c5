/** Messages between the training thread and its gradient workers. */
import type { BackendOptions } from '../../network/backend';
import type { NetworkConfig } from '../../network/config';
import type { SequenceBatch } from '../../network/sequence-lstm';

/**
 * How a helper computes its shard: `tensors` through its own tfjs backend
 * from a replica of the weights, or `native` with the compiled kernel straight
 * on the shared weights.
 */
export type GradientEngine = 'tensors' | 'native';

export interface GradientWorkerData {
  engine: GradientEngine;
  network: NetworkConfig;
  vocabSize: number;
  /** The current weights, written by the training thread before each step. */
  params: SharedArrayBuffer;
  /** Gradient slots: this helper writes into slot `slot`. */
  grads: SharedArrayBuffer;
  slot: number;
  backend: BackendOptions;
  /** `native`: a one-element Int32Array the kernel polls; the training thread sets it to cancel a step. */
  abort?: SharedArrayBuffer;
  /** Tests only: exit abruptly when asked for this step. */
  crashOnStep?: number;
}

export type ToWorker =
  { type: 'step'; id: number; paramsVersion: number; shard: SequenceBatch; dropout: number } | { type: 'cancel' };

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'done'; id: number; lossSum: number; count: number }
  | { type: 'failed'; id: number; cancelled: boolean; message: string };
