/**
 * `npm run bench`: speed and memory of the model core on this machine, as one
 * JSON object on stdout (progress on stderr). Each figure is a median over
 * repeated runs, with its spread ((max - min) / median) so noise is visible.
 *
 * Keys (dots are nesting): backend, training_backend (what `auto` chooses here
 * and why), train.S.chars_per_s, train.S.gflops, train.M.chars_per_s,
 * train.M.gflops (on all cores: data-parallel threads), train.M.chars_per_s_1
 * (one thread), train.M.threads: the figures of the engine the app would
 * choose; and the same per engine: train.M.native.chars_per_s(_1),
 * train.M.wasm.chars_per_s(_1) (native absent where the kernel does not load),
 * matmul_gflops, ghost.p50_ms, ghost.p95_ms (a typed character absorbed and
 * the ghost text decoded, as the editor asks after a pause, with the default
 * settings), suggest.p50_ms, suggest.p95_ms (the editor's whole request: the
 * ghost text and the other temperatures sampled), absorb_char_ms,
 * prime_1000_ms, tensors_before, tensors_after, rss_mb; surprise.* (the
 * surprise map's scoring speed and ghost latency while it scores: see
 * surprise-bench.ts). `--only=surprise` measures those alone.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src/model/network/backend';
import { PRESETS } from '../src/model/network/config';
import type { SizeName } from '../src/shared/vocabulary';
import { DEFAULT_MODEL_DIR } from '../src/model/storage/default-model';
import { initParams } from '../src/model/network/params';
import { disposeModel, loadModel, type CharModel } from '../src/model/storage/persistence';
import { SuggestionSession } from '../src/model/suggesting/session';
import { train, trainingGflops } from '../src/model/training/train';
import { measureChoice, type TrainingEngine } from '../src/model/training/training-backend';
import { nativeKernel } from '../src/model/network/native-kernel';
import { Vocabulary } from '../src/model/text/vocab';
import { DEFAULT_SETTINGS } from '../src/shared/settings';
import { median, percentile, round, spread } from './stats';
import { surpriseSpeed } from './surprise-bench';

const DATA = join(import.meta.dirname, 'data');
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const quick = process.argv.includes('--quick');

function shakespeare(): string {
  return readFileSync(join(DATA, 'tinyshakespeare.txt'), 'utf8');
}

async function trainingSpeed(preset: SizeName, steps: number, threads: number, engine: TrainingEngine) {
  const stepSeconds: number[] = [];
  let last = 0;
  const result = await train({
    documents: [shakespeare()],
    preset,
    batchSize: 64,
    seqLength: 100,
    maxSteps: steps,
    maxValidationWindows: 1,
    checkpointEverySeconds: 0,
    seed: 1,
    threads,
    trainingBackend: engine,
    onProgress: (p) => {
      if (p.phase !== 'training') return;
      if (p.step > 0) stepSeconds.push(p.elapsedSeconds - last);
      last = p.elapsedSeconds;
    },
  });
  const vocabSize = result.model.vocab.size;
  disposeModel(result.model);
  const measured = stepSeconds.slice(2); // the first steps warm up the kernels
  const rates = measured.map((s) => 6400 / s);
  const rate = median(rates);
  return {
    chars_per_s: Math.round(rate),
    gflops: round(trainingGflops(PRESETS[preset], vocabSize, rate)),
    steps_measured: measured.length,
    spread: round(spread(rates), 3),
  };
}

/** What the backend's plain matmul reaches: the ceiling for training speed. */
function matmulCeiling() {
  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  const rates: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    const ms = performance.now() - t0;
    c.dispose();
    if (i >= 2) rates.push((2 * 1024 ** 3) / ms / 1e6);
  }
  tf.dispose([a, b]);
  return { gflops: round(median(rates)), spread: round(spread(rates), 3) };
}

async function suggestionModel(): Promise<{ model: CharModel; source: string }> {
  if (existsSync(join(DEFAULT_MODEL_DIR, 'penwright.json'))) {
    return { model: await loadModel(DEFAULT_MODEL_DIR), source: 'default model' };
  }
  // Speed does not depend on the weights: a fresh M model stands in before the default exists.
  const vocab = Vocabulary.fromText([shakespeare()]);
  const network = PRESETS.M;
  const model: CharModel = {
    vocab,
    params: initParams(network, vocab.size, 1),
    meta: { network, vocabulary: vocab.toJSON() } as CharModel['meta'],
  };
  return { model, source: 'untrained M model (no default model yet)' };
}

async function suggestionSpeed(model: CharModel, calls: number) {
  const text = shakespeare();
  const context = text.slice(10_000, 11_000);
  const primes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = new SuggestionSession(model);
    const t0 = performance.now();
    s.setText(text.slice(20_000 + i * 1000, 21_000 + i * 1000));
    primes.push(performance.now() - t0);
    s.dispose();
  }
  const session = new SuggestionSession(model);
  session.setText(context);
  const absorbs: number[] = [];
  let typed = context;
  for (const ch of text.slice(11_000, 11_300)) {
    typed += ch;
    const t0 = performance.now();
    session.setText(typed);
    absorbs.push(performance.now() - t0);
  }
  // keystroke -> ghost text: one more character read, then the ghost decoded (the app's defaults)
  const ghostSettings = {
    minConfidence: DEFAULT_SETTINGS.suggestionConfidence,
    maxChars: DEFAULT_SETTINGS.suggestionChars,
    stop: DEFAULT_SETTINGS.stopRule,
  };
  const ghosts: number[] = [];
  for (const ch of text.slice(11_300, 11_300 + Math.min(300, calls))) {
    typed += ch;
    const t0 = performance.now();
    session.setText(typed);
    await session.ghost(ghostSettings);
    ghosts.push(performance.now() - t0);
  }
  session.setText(context);
  const latencies: number[] = [];
  // the editor's request: ghost text for the lowest temperature, the others sampled
  const options = {
    temperatures: [...DEFAULT_SETTINGS.temperatures],
    maxChars: DEFAULT_SETTINGS.suggestionChars,
    stop: DEFAULT_SETTINGS.stopRule,
    ghost: { minConfidence: DEFAULT_SETTINGS.suggestionConfidence },
  };
  for (let i = 0; i < 5; i++) await session.suggest(options); // warm-up
  const tensorsBefore = tf.memory().numTensors;
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await session.suggest({ ...options, seed: i + 1 });
    latencies.push(performance.now() - t0);
  }
  const tensorsAfter = tf.memory().numTensors;
  session.dispose();
  return {
    ghost: { p50_ms: round(median(ghosts)), p95_ms: round(percentile(ghosts, 95)), calls: ghosts.length },
    suggest: {
      p50_ms: round(median(latencies)),
      p95_ms: round(percentile(latencies, 95)),
      calls,
      continuations: options.temperatures.length,
      max_chars: options.maxChars,
      context_chars: 1000,
    },
    absorb_char_ms: round(median(absorbs), 3),
    absorb_char_p95_ms: round(percentile(absorbs, 95), 3),
    prime_1000_ms: round(median(primes)),
    prime_1000_spread: round(spread(primes), 3),
    suggest_tensor_check: { before: tensorsBefore, after: tensorsAfter },
  };
}

/** 500 training steps (small batches: the code path is the same) must not grow the tensor count. */
async function trainingLeakCheck() {
  const documents = [shakespeare().slice(0, 50_000)];
  const warm = await train({
    documents,
    preset: 'S',
    batchSize: 8,
    seqLength: 16,
    maxSteps: 2,
    checkpointEverySeconds: 0,
  });
  disposeModel(warm.model);
  const before = tf.memory().numTensors;
  const result = await train({
    documents,
    preset: 'S',
    batchSize: 8,
    seqLength: 16,
    maxSteps: 500,
    evalEverySteps: 100,
    maxValidationWindows: 4,
    checkpointEverySeconds: 0,
  });
  disposeModel(result.model);
  return { steps: 500, before, after: tf.memory().numTensors };
}

/** The surprise map's speed on Moby-Dick, with the default model beside (the voice check's). */
function surpriseOnNovel(model: CharModel) {
  return surpriseSpeed(model, DEFAULT_MODEL_DIR, readFileSync(join(DATA, 'moby-dick.txt'), 'utf8'), quick ? 60 : 200);
}

async function main() {
  const backend = await initBackend();
  if (process.argv.includes('--only=surprise')) {
    const { model, source } = await suggestionModel();
    const surprise = await surpriseOnNovel(model);
    disposeModel(model);
    process.stdout.write(`${JSON.stringify({ backend: backend.label, suggest_model: source, surprise }, null, 2)}\n`);
    return;
  }
  const tensorsBefore = tf.memory().numTensors;
  log(`backend ${backend.label}; matmul ceiling`);
  const matmul = matmulCeiling();
  const threads = Number(process.env.BENCH_THREADS ?? availableParallelism());
  log('training backend: gradient check and calibration');
  const choice = await measureChoice();
  const engines: TrainingEngine[] = nativeKernel().available ? ['tfjs', 'native'] : ['tfjs'];
  const engineSpeeds = async (preset: SizeName, steps: number, engine: TrainingEngine) => {
    log(`training ${preset} on ${engine}, 1 thread`);
    const one = await trainingSpeed(preset, steps, 1, engine);
    log(`training ${preset} on ${engine}, ${threads} threads`);
    const many = threads > 1 ? await trainingSpeed(preset, steps, threads, engine) : one;
    return {
      chars_per_s: many.chars_per_s,
      gflops: many.gflops,
      chars_per_s_1: one.chars_per_s,
      gflops_1: one.gflops,
      threads,
      speedup: round(many.chars_per_s / one.chars_per_s, 2),
      steps_measured: one.steps_measured,
      spread_1: one.spread,
      spread: many.spread,
    };
  };
  const speeds = async (preset: SizeName, steps: number) => {
    const byEngine: Record<string, Awaited<ReturnType<typeof engineSpeeds>>> = {};
    for (const engine of engines) {
      // the kernel's steps are a fraction of wasm's: more of them in the same time
      byEngine[engine === 'tfjs' ? backend.name : 'native'] = await engineSpeeds(
        preset,
        engine === 'native' ? steps * 3 : steps,
        engine,
      );
    }
    const chosen = byEngine[choice.engine === 'tfjs' ? backend.name : 'native'];
    return { ...chosen, engine: choice.label, ...byEngine };
  };
  const trainS = await speeds('S', quick ? 6 : 20);
  const trainM = await speeds('M', quick ? 5 : 12);
  log('suggestions');
  const { model, source } = await suggestionModel();
  const suggestion = await suggestionSpeed(model, quick ? 50 : 1000);
  log('surprise map');
  const surprise = await surpriseOnNovel(model);
  disposeModel(model);
  log('leak check: 500 training steps');
  const leak = await trainingLeakCheck();
  const out = {
    backend: backend.label,
    backend_not_used: backend.notUsed,
    training_backend: { engine: choice.label, reason: choice.reason, calibration_chars_per_s: choice.measured },
    train: { S: trainS, M: trainM, batch: '64 x 100', threads },
    matmul_gflops: matmul.gflops,
    matmul_spread: matmul.spread,
    suggest_model: source,
    ...suggestion,
    surprise,
    train_tensor_check: leak,
    tensors_before: tensorsBefore,
    tensors_after: tf.memory().numTensors,
    rss_mb: Math.round(process.memoryUsage().rss / 1048576),
    node: process.version,
    when: new Date().toISOString(),
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

await main();
