/**
 * `npm run bench:adaptation`: what learning the document as it is written does
 * to the loss on what comes next. The text (default: the writer's benchmark gate
 * slice) is read in steps of 500 characters: before each step the document's
 * copy adapts on the text so far, exactly as the app does
 * (model/suggesting/adaptation.ts, its defaults), then the step is scored by the
 * adapted copy and by the model alone (windows of 100 from a zero state, as
 * validation scores). Prints JSON: both losses in nats per character and the
 * reduction.
 *
 *   --text FILE  --model DIR  --every N (characters per step)
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/model/network/backend';
import { DEFAULT_MODEL_DIR } from '../src/model/storage/default-model';
import { loadModel } from '../src/model/storage/persistence';
import { DocumentAdapter, gradientFunction } from '../src/model/suggesting/adaptation';
import { ParamLayout } from '../src/model/training/parallel/param-layout';
import { flatWeightsLoss } from './flat-weights-loss';
import { round } from './stats';

const { values: args } = parseArgs({
  options: { text: { type: 'string' }, model: { type: 'string' }, every: { type: 'string' } },
  strict: true,
});
const backend = await initBackend();
const model = await loadModel(args.model ?? DEFAULT_MODEL_DIR);
const textFile = args.text ?? join(import.meta.dirname, 'data', 'writer', 'white-fang-gate.txt');
const ids = model.vocab.encode(readFileSync(textFile, 'utf8'));
const every = Number(args.every ?? 500);
const { network } = model.meta;
const layout = new ParamLayout(network, model.vocab.size);
const base = layout.flatten(model.params);
const adapter = new DocumentAdapter(base, network, model.vocab.size, gradientFunction(network, model.vocab.size));

const lossOf = (flat: Float32Array, part: Int32Array) => flatWeightsLoss(layout, flat, part);

const started = performance.now();
let alone = 0;
let adapted = 0;
let chars = 0;
for (let at = every; at + every <= ids.length; at += every) {
  await adapter.adapt(ids.subarray(0, at));
  const part = ids.subarray(at, at + every + 1);
  const [a, n] = await lossOf(base, part);
  const [b] = await lossOf(adapter.params, part);
  alone += a;
  adapted += b;
  chars += n;
}
process.stdout.write(
  `${JSON.stringify(
    {
      text: relative(process.cwd(), textFile),
      backend: backend.label,
      every,
      adaptations: adapter.count,
      chars_scored: chars,
      loss_alone: round(alone / chars, 4),
      loss_adapted: round(adapted / chars, 4),
      reduction: round(1 - adapted / alone, 4),
      settings: adapter.settings,
      wall_s: round((performance.now() - started) / 1000, 1),
    },
    null,
    2,
  )}\n`,
);
