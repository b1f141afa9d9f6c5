/**
 * `npm run bench:quality`: does our model learn as well per character as the
 * reference PyTorch run? Trains M on tinyshakespeare with the reference
 * protocol (first 90 % train, last 10 % validation, batches of 64 random
 * 100-character windows, Adam 2e-3, clipping at 5) and evaluates the whole
 * validation split after 1,004,800 and 4,000,000 characters, as the reference
 * did. Prints one JSON object. Takes about 8 minutes on two cores (wasm),
 * under 3 on the native kernel; THREADS=1 for one thread, TRAINING_BACKEND=
 * native|tfjs|auto (default auto, measured without a cache) for the engine.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src/model/network/backend';
import { disposeModel } from '../src/model/storage/persistence';
import { train } from '../src/model/training/train';
import { isTrainingBackendMode } from '../src/model/training/training-backend';
import { round } from './stats';

const DATA = join(import.meta.dirname, 'data');
const log = (msg: string) => process.stderr.write(`[quality] ${msg}\n`);

interface ReferencePoint {
  config?: string;
  chars_seen?: number;
  val_loss?: number;
  steps?: number;
}

function reference(config: string): ReferencePoint[] {
  return readFileSync(join(DATA, 'torch-charlstm-curves.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ReferencePoint)
    .filter((r) => r.config === config && r.chars_seen !== undefined);
}

async function main() {
  const backend = await initBackend();
  const mode = process.env.TRAINING_BACKEND ?? 'auto';
  if (!isTrainingBackendMode(mode)) throw new Error(`TRAINING_BACKEND must be auto, native or tfjs, not ${mode}`);
  const ref = reference('M-2x256');
  const at1M = ref.find((r) => r.chars_seen === 1_004_800)!;
  const at4M = ref.find((r) => r.chars_seen === 4_000_000)!;
  const text = readFileSync(join(DATA, 'tinyshakespeare.txt'), 'utf8');
  const losses = new Map<number, number>();
  const started = performance.now();
  const result = await train({
    documents: [text],
    preset: 'M',
    batchSize: 64,
    seqLength: 100,
    learningRate: 2e-3,
    clipNorm: 5,
    maxSteps: at4M.steps!,
    evalAtSteps: [at1M.steps!, at4M.steps!],
    checkpointEverySeconds: 0,
    seed: Number(process.env.SEED ?? 1),
    // data-parallel threads give the same curve per character seen (see test/model/parallel.test.ts), sooner
    threads: Number(process.env.THREADS ?? availableParallelism()),
    trainingBackend: mode,
    onProgress: (p) => {
      if (p.phase === 'evaluating') return;
      if (p.valLoss !== null && !losses.has(p.step) && [at1M.steps, at4M.steps].includes(p.step)) {
        losses.set(p.step, p.valLoss);
        log(`step ${p.step} (${p.charsSeen} chars): val ${p.valLoss.toFixed(4)}`);
      }
      if (p.step % 25 === 0 && p.phase === 'training') log(`step ${p.step}, ${Math.round(p.charsPerSecond)} chars/s`);
    },
  });
  const val1 = losses.get(at1M.steps!)!;
  const val4 = losses.get(at4M.steps!)!;
  disposeModel(result.model);
  const out = {
    backend: backend.label,
    training_backend: result.backend.label,
    seed: Number(process.env.SEED ?? 1),
    config: 'M (embedding 64, 2x256, dropout 0.1)',
    protocol: 'tinyshakespeare, 90/10 split, batch 64 x 100, Adam 2e-3, clip 5',
    val_loss_at_1M: round(val1, 4),
    val_loss_at_4M: round(val4, 4),
    reference_at_1M: at1M.val_loss,
    reference_at_4M: at4M.val_loss,
    delta_at_1M: round(val1 - at1M.val_loss!, 4),
    delta_at_4M: round(val4 - at4M.val_loss!, 4),
    within_0_05: Math.abs(val1 - at1M.val_loss!) <= 0.05 && Math.abs(val4 - at4M.val_loss!) <= 0.05,
    train_chars_per_s: Math.round(result.charsPerSecond),
    threads: result.threads,
    wall_minutes: round((performance.now() - started) / 60000, 1),
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

await main();
