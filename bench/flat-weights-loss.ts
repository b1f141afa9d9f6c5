/**
 * The loss of weights held flat (ParamLayout's order) on a stretch of ids, as
 * validation scores it (windows of 100 from a zero state), summed: for the
 * adaptation benchmarks, which keep a document's adapted copy flat.
 */
import * as tf from '@tensorflow/tfjs-core';
import { evaluateText } from '../src/model/training/evaluate';
import type { ParamLayout } from '../src/model/training/parallel/param-layout';

/** Summed loss (nats) and characters scored of `part` with the weights in `flat`. */
export async function flatWeightsLoss(
  layout: ParamLayout,
  flat: Float32Array,
  part: Int32Array,
): Promise<[number, number]> {
  const params = layout.read(flat);
  try {
    const r = await evaluateText(params, part, { batchSize: 64, seqLength: 100 });
    return [r.loss * r.chars, r.chars];
  } finally {
    tf.dispose([...params.values()]);
  }
}
