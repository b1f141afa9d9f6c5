/**
 * From documents to id streams and batches. Every document gives its last 10 %
 * to validation, so every document's style is measured; training windows are
 * drawn at random from the rest (as char-rnn and the reference run do).
 */
import type { Rng } from '../rng';
import type { SequenceBatch } from '../network/sequence-lstm';
import type { Vocabulary } from '../text/vocab';

export const VALIDATION_FRACTION = 0.1;
/** Placed between documents so one document's end does not run into the next. */
export const DOCUMENT_SEPARATOR = '\n\n';

export interface SplitText {
  train: Int32Array;
  validation: Int32Array;
}

function joinIds(parts: Int32Array[], separator: Int32Array): Int32Array {
  const total = parts.reduce((n, p) => n + p.length, 0) + separator.length * Math.max(0, parts.length - 1);
  const out = new Int32Array(total);
  let o = 0;
  parts.forEach((p, i) => {
    if (i > 0) {
      out.set(separator, o);
      o += separator.length;
    }
    out.set(p, o);
    o += p.length;
  });
  return out;
}

export function splitDocuments(texts: string[], vocab: Vocabulary, fraction = VALIDATION_FRACTION): SplitText {
  const train: Int32Array[] = [];
  const validation: Int32Array[] = [];
  for (const text of texts) {
    const ids = vocab.encode(text);
    const cut = Math.round(ids.length * (1 - fraction));
    if (cut > 0) train.push(ids.subarray(0, cut));
    if (ids.length - cut > 0) validation.push(ids.subarray(cut));
  }
  const sep = vocab.encode(DOCUMENT_SEPARATOR);
  return { train: joinIds(train, sep), validation: joinIds(validation, sep) };
}

/**
 * B random windows of T+1 ids, time-major, each with a dropout seed. Shorter
 * streams use shorter windows.
 */
export function sampleBatch(ids: Int32Array, batch: number, steps: number, rng: Rng): SequenceBatch {
  const T = Math.min(steps, ids.length - 1);
  if (T < 1) throw new Error('need at least two characters of training text');
  const inputs = new Int32Array(T * batch);
  const targets = new Int32Array(T * batch);
  const windowSeeds = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const start = rng.int(ids.length - T);
    windowSeeds[b] = rng.int(2 ** 31);
    for (let t = 0; t < T; t++) {
      inputs[t * batch + b] = ids[start + t];
      targets[t * batch + b] = ids[start + t + 1];
    }
  }
  return { batch, steps: T, inputs, targets, windowSeeds };
}

/** Splits a batch into `parts` batches of consecutive sequences (sizes differ by at most one). */
export function shardBatch(data: SequenceBatch, parts: number): SequenceBatch[] {
  const shards: SequenceBatch[] = [];
  const T = data.steps;
  let first = 0;
  for (let p = 0; p < parts; p++) {
    const B = Math.floor(data.batch / parts) + (p < data.batch % parts ? 1 : 0);
    if (B === 0) continue;
    const inputs = new Int32Array(T * B);
    const targets = new Int32Array(T * B);
    for (let t = 0; t < T; t++) {
      inputs.set(data.inputs.subarray(t * data.batch + first, t * data.batch + first + B), t * B);
      targets.set(data.targets.subarray(t * data.batch + first, t * data.batch + first + B), t * B);
    }
    shards.push({ batch: B, steps: T, inputs, targets, windowSeeds: data.windowSeeds?.slice(first, first + B) });
    first += B;
  }
  return shards;
}

/**
 * All non-overlapping windows of T+1 ids (the state starts from zero in each),
 * grouped into batches of up to `batch` windows; `maxWindows` caps the count.
 */
export function* validationBatches(
  ids: Int32Array,
  batch: number,
  steps: number,
  maxWindows = Infinity,
): Generator<SequenceBatch> {
  const T = Math.min(steps, ids.length - 1);
  if (T < 1) return;
  const windows = Math.min(Math.floor((ids.length - 1) / T), maxWindows);
  for (let first = 0; first < windows; first += batch) {
    const B = Math.min(batch, windows - first);
    const inputs = new Int32Array(T * B);
    const targets = new Int32Array(T * B);
    for (let b = 0; b < B; b++) {
      const start = (first + b) * T;
      for (let t = 0; t < T; t++) {
        inputs[t * B + b] = ids[start + t];
        targets[t * B + b] = ids[start + t + 1];
      }
    }
    yield { batch: B, steps: T, inputs, targets };
  }
}
