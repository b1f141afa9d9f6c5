/**
 * Choosing the next character from logits: temperature, optional top-k and
 * top-p (nucleus), a seeded generator, and the unknown symbol never chosen.
 * Plain JS over one row of V logits: V is small, and the row has to come off
 * the backend anyway to be sampled.
 */
import type { Rng } from '../rng';
import { UNKNOWN_ID } from '../text/vocab';

/** Below this temperature sampling is greedy (argmax): deterministic. */
export const GREEDY_TEMPERATURE = 0.01;

export interface SamplingOptions {
  temperature: number;
  topK?: number;
  topP?: number;
}

/** log softmax of row at temperature 1, for scoring a chosen id. */
export function logProbOf(row: Float32Array, id: number): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
  return row[id] - max - Math.log(sum);
}

export function sampleId(row: Float32Array, options: SamplingOptions, rng: Rng): number {
  const V = row.length;
  if (options.temperature < GREEDY_TEMPERATURE) {
    let best = UNKNOWN_ID === 0 ? 1 : 0;
    for (let i = 0; i < V; i++) if (i !== UNKNOWN_ID && row[i] > row[best]) best = i;
    return best;
  }
  const scaled = new Float64Array(V);
  let max = -Infinity;
  for (let i = 0; i < V; i++) {
    scaled[i] = i === UNKNOWN_ID ? -Infinity : row[i] / options.temperature;
    if (scaled[i] > max) max = scaled[i];
  }
  let order: number[] | undefined;
  const topK = options.topK && options.topK > 0 && options.topK < V ? options.topK : 0;
  const topP = options.topP && options.topP > 0 && options.topP < 1 ? options.topP : 0;
  const probs = new Float64Array(V);
  let total = 0;
  for (let i = 0; i < V; i++) total += probs[i] = Math.exp(scaled[i] - max);
  if (topK || topP) {
    order = [...Array(V).keys()].sort((a, b) => probs[b] - probs[a]);
    let keep = topK || V;
    if (topP) {
      let cum = 0;
      for (let r = 0; r < keep; r++) {
        cum += probs[order[r]] / total;
        if (cum >= topP) {
          keep = r + 1;
          break;
        }
      }
    }
    for (let r = keep; r < V; r++) probs[order[r]] = 0;
    total = 0;
    for (let i = 0; i < V; i++) total += probs[i];
  }
  let u = rng.next() * total;
  for (let i = 0; i < V; i++) {
    u -= probs[i];
    if (u < 0 && probs[i] > 0) return i;
  }
  // rounding left u >= 0: the last id with any probability
  for (let i = V - 1; i >= 0; i--) if (probs[i] > 0) return i;
  return UNKNOWN_ID === 0 ? 1 : 0;
}
