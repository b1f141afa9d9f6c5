/**
 * Measuring a model on text (mean nats per character over non-overlapping
 * windows), and how many threads a run may use.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamMap } from '../network/params';
import { evaluateLoss } from '../network/sequence-lstm';
import { validationBatches } from './batches';

/** How many threads to train on: tfjs-node threads internally, so it gets one. */
export function effectiveThreads(requested: number | undefined): number {
  if (tf.getBackend() === 'tensorflow') return 1;
  return Math.max(1, Math.floor(requested ?? 1));
}

/** Mean validation loss (nats per character) over non-overlapping windows. */
export async function evaluateText(
  params: ParamMap,
  ids: Int32Array,
  options: { batchSize?: number; seqLength?: number; maxWindows?: number; signal?: AbortSignal } = {},
): Promise<{ loss: number; chars: number }> {
  let sum = 0;
  let count = 0;
  for (const batch of validationBatches(ids, options.batchSize ?? 64, options.seqLength ?? 100, options.maxWindows)) {
    const r = await evaluateLoss(params, batch, options.signal);
    sum += r.lossSum;
    count += r.count;
  }
  return { loss: count ? sum / count : NaN, chars: count };
}
