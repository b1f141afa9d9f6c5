/**
 * Variants of the adaptation recipe (README, "Learning the document as you
 * write"), measured as `npm run bench:adaptation` measures the shipped one:
 * before each `--every` characters of a slice the document's copy adapts on
 * the text so far, then the next characters are scored by it and by the model
 * alone. Each variant runs on both writer slices; one JSON line per variant
 * and slice.
 *
 *   --variants JSON  an array of { name, lr, decay, newOnly, keep, passes?, generalScale? }:
 *                    newOnly learns only the windows ending in text new since the last time;
 *                    keep is the RMS average's weight on the past (1: fixed after the first);
 *                    generalScale starts the RMS scale from `--general` text instead of the
 *                    document's first gradient
 *   --general FILE   general (training-like) text for generalScale; --batches N pieces of 2,000
 *   --every N        characters per step (default 500)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/model/network/backend';
import { DEFAULT_MODEL_DIR } from '../src/model/storage/default-model';
import { loadModel } from '../src/model/storage/persistence';
import { DocumentAdapter, adaptationBatch, gradientFunction } from '../src/model/suggesting/adaptation';
import { ParamLayout } from '../src/model/training/parallel/param-layout';
import { flatWeightsLoss } from './flat-weights-loss';
import { round } from './stats';

interface Variant {
  name: string;
  lr: number;
  decay: number;
  newOnly: boolean;
  keep: number;
  passes?: number;
  generalScale?: boolean;
}

const { values: args } = parseArgs({
  options: {
    variants: { type: 'string' },
    general: { type: 'string' },
    batches: { type: 'string' },
    every: { type: 'string' },
    model: { type: 'string' },
  },
  strict: true,
});
const variants = JSON.parse(args.variants ?? '[]') as Variant[];
if (variants.some((v) => v.generalScale) && !args.general) throw new Error('generalScale needs --general FILE');

await initBackend();
const model = await loadModel(args.model ?? DEFAULT_MODEL_DIR);
const { network } = model.meta;
const vocabSize = model.vocab.size;
const layout = new ParamLayout(network, vocabSize);
const base = layout.flatten(model.params);
const gradients = gradientFunction(network, vocabSize);
const every = Number(args.every ?? 500);
const PIECE = 2_000;

const lossOf = (flat: Float32Array, part: Int32Array) => flatWeightsLoss(layout, flat, part);

/** Mean squared gradient of the base weights over pieces of general text. */
async function generalMeanSquare(file: string, pieces: number): Promise<Float32Array> {
  const ids = model.vocab.encode(readFileSync(file, 'utf8').slice(50_000, 50_000 + pieces * (PIECE + 1) + 10));
  const ms = new Float32Array(base.length);
  const g = new Float32Array(base.length);
  for (let k = 0; k < pieces; k++) {
    const batch = adaptationBatch(ids.subarray(k * (PIECE + 1), (k + 1) * (PIECE + 1) + 1), 100, PIECE);
    if (!batch) throw new Error('--general is too short');
    await gradients(base, g, batch);
    for (let i = 0; i < g.length; i++) ms[i] += (g[i] * g[i]) / pieces;
  }
  return ms;
}

/** The variant's update, step by step over `file`; the loss on what comes next, alone and adapted. */
async function run(v: Variant, file: string, general: Float32Array | null) {
  const ids = model.vocab.encode(readFileSync(file, 'utf8'));
  const adapter = new DocumentAdapter(base, network, vocabSize, gradients);
  const p = adapter.params;
  const ms = general ? Float32Array.from(general) : new Float32Array(base.length);
  let first = !general;
  let alone = 0;
  let adapted = 0;
  let chars = 0;
  let learned = 0;
  for (let at = every; at + every <= ids.length; at += every) {
    const batch = adaptationBatch(ids.subarray(0, at), 100, v.newOnly ? Math.max(100, at - learned) : PIECE);
    learned = at;
    for (let pass = 0; batch && pass < (v.passes ?? 1); pass++) {
      await adapter.gradient(batch);
      const g = adapter.grads;
      const keep = first ? 0 : v.keep;
      first = false;
      for (let i = 0; i < p.length; i++) {
        ms[i] = keep * ms[i] + (1 - keep) * g[i] * g[i];
        p[i] += -v.lr * (g[i] / (Math.sqrt(ms[i]) + 1e-8)) + v.decay * (base[i] - p[i]);
      }
    }
    const part = ids.subarray(at, at + every + 1);
    const [a, n] = await lossOf(base, part);
    const [b] = await lossOf(p, part);
    alone += a;
    adapted += b;
    chars += n;
  }
  return {
    loss_alone: round(alone / chars, 4),
    loss_adapted: round(adapted / chars, 4),
    reduction: round(1 - adapted / alone, 4),
  };
}

const general = args.general ? await generalMeanSquare(args.general, Number(args.batches ?? 10)) : null;
for (const v of variants) {
  for (const slice of ['gate', 'typed']) {
    const file = join(import.meta.dirname, 'data', 'writer', `white-fang-${slice}.txt`);
    const r = await run(v, file, v.generalScale ? general : null);
    process.stdout.write(`${JSON.stringify({ ...v, every, slice, ...r })}\n`);
  }
}
