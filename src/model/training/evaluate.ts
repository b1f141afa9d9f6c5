/**
 * Measuring a model on text (mean nats per character over non-overlapping
 * windows), and how many threads a run may use.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamMap } from '../network/params';
import { evaluateLoss, type SequenceBatch } from '../network/sequence-lstm';
import { validationBatches } from './batches';

/** How many threads to train on: tfjs-node threads internally, so it gets one. */
export function effectiveThreads(requested: number | undefined): number {
  if (tf.getBackend() === 'tensorflow') return 1;
  return Math.max(1, Math.floor(requested ?? 1));
}

export interface WindowOptions {
  batchSize?: number;
  seqLength?: number;
  maxWindows?: number;
  signal?: AbortSignal;
}

/**
 * Mean loss (nats per character) over non-overlapping windows of `ids`, each
 * batch's summed loss from `lossOf`: the tfjs network's or the native kernel's.
 */
export async function meanWindowLoss(
  ids: Int32Array,
  options: WindowOptions,
  lossOf: (batch: SequenceBatch) => Promise<number>,
): Promise<{ loss: number; chars: number }> {
  let sum = 0;
  let count = 0;
  for (const batch of validationBatches(ids, options.batchSize ?? 64, options.seqLength ?? 100, options.maxWindows)) {
    sum += await lossOf(batch);
    count += batch.batch * batch.steps;
  }
  return { loss: count ? sum / count : NaN, chars: count };
}

/** Mean validation loss (nats per character) of the tfjs network over non-overlapping windows. */
export function evaluateText(
  params: ParamMap,
  ids: Int32Array,
  options: WindowOptions = {},
): Promise<{ loss: number; chars: number }> {
  return meanWindowLoss(ids, options, async (batch) => (await evaluateLoss(params, batch, options.signal)).lossSum);
}
