/**
 * A model is a folder:
 *   model.json       tfjs-style: the network and a weights manifest
 *   weights.bin      the weights with the best validation loss
 *   penwright.json   format version, vocabulary, config, history, metrics, corpus, base model, dates
 *   words.txt        (format 2 on) the words of the text it learned from (word-list-file.ts)
 *   training-state.json + training-state.bin   (optional) current weights, Adam
 *                    moments and counters, so training can resume
 *
 * Saving writes a sibling temporary folder, fsyncs it, then swaps it in by
 * renames: a crash mid-save leaves the previous model intact (a crash between
 * the two renames leaves it under `<dir>.previous`, which loading recovers).
 */
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { syncDir, writeFileSynced } from '../disk/durable-fs';
import { PenwrightError, isPenwrightError } from '../errors';
import type { ModelMeta } from './metadata';
import {
  META_JSON,
  MODEL_JSON,
  MODEL_JSON_FORMAT,
  WEIGHTS_BIN,
  checkWeightSpecs,
  corrupt,
  describeIssues,
  expectedBytes,
  parseModelJson,
  parseModelMeta,
  specSchema,
  type WeightSpec,
} from './model-files';
import { paramNames, paramShapes, type ParamMap } from '../network/params';
import { Vocabulary } from '../text/vocab';
import { decodeTensors, encodeTensors } from './weights-file';
import {
  MAX_WORD_LIST_BYTES,
  WORDS_TXT,
  WORD_LIST_FORMAT_VERSION,
  formatWordList,
  parseWordList,
} from './word-list-file';
import { readRegularFile } from '../disk/safe-read';

export { MODEL_JSON, WEIGHTS_BIN, META_JSON, WORDS_TXT };
export const STATE_JSON = 'training-state.json';
export const STATE_BIN = 'training-state.bin';

/** A loaded model: network, vocabulary, weights and metadata. */
export interface CharModel {
  meta: ModelMeta;
  vocab: Vocabulary;
  params: ParamMap;
  /** Words of the text it learned from, with their counts (none for a model saved before format 2). */
  wordCounts?: ReadonlyMap<string, number>;
}

/** What resuming needs beyond the best weights. */
export interface TrainingState {
  step: number;
  charsSeen: number;
  seconds: number;
  rngState: number;
  adamStep: number;
  bestValLoss: number | null;
  /** Current (not best) weights. */
  params: ParamMap;
  /** Adam moments as `m/<param>`, `v/<param>`. */
  adam: Map<string, tf.Tensor>;
}

const stateJsonSchema = z.object({
  step: z.number().int().min(0),
  charsSeen: z.number().min(0),
  seconds: z.number().min(0),
  rngState: z.number().int(),
  adamStep: z.number().int().min(0),
  bestValLoss: z.number().nullable(),
  weights: z.array(specSchema),
});

export interface SaveOptions {
  /** Store weights as float16 (half the size; for shipped models). */
  float16?: boolean;
  /** Include this state so training can resume. */
  trainingState?: TrainingState;
}

async function exists(path: string): Promise<boolean> {
  return fs.access(path).then(
    () => true,
    () => false,
  );
}

function uniqueSuffix(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Writes the model folder atomically. */
export async function saveModel(dir: string, model: CharModel, options: SaveOptions = {}): Promise<void> {
  const names = paramNames(model.meta.network);
  const ordered = new Map(names.map((n) => [n, model.params.get(n)!]));
  const dtype = options.float16 ? 'float16' : 'float32';
  const { data, specs } = await encodeTensors(ordered, dtype);
  const meta: ModelMeta = {
    ...model.meta,
    // the format says which files there are: a model without a word list stays at format 1
    formatVersion: model.wordCounts ? WORD_LIST_FORMAT_VERSION : 1,
    updatedAt: new Date().toISOString(),
    weights: { dtype },
  };
  const modelJson = {
    format: MODEL_JSON_FORMAT,
    generatedBy: 'Penwright',
    modelTopology: { network: meta.network },
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: specs }],
  };

  const parent = dirname(dir);
  await fs.mkdir(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.saving-${uniqueSuffix()}`);
  await fs.mkdir(tmp);
  try {
    await writeFileSynced(join(tmp, WEIGHTS_BIN), data);
    await writeFileSynced(join(tmp, MODEL_JSON), JSON.stringify(modelJson));
    await writeFileSynced(join(tmp, META_JSON), JSON.stringify(meta, null, 2));
    if (model.wordCounts) await writeFileSynced(join(tmp, WORDS_TXT), formatWordList(model.wordCounts));
    const state = options.trainingState;
    if (state) {
      const tensors = new Map<string, tf.Tensor>();
      for (const n of names) tensors.set(`param/${n}`, state.params.get(n)!);
      for (const [k, t] of state.adam) tensors.set(`adam/${k}`, t);
      const encoded = await encodeTensors(tensors, 'float32');
      await writeFileSynced(join(tmp, STATE_BIN), encoded.data);
      const { params: _p, adam: _a, ...counters } = state;
      await writeFileSynced(join(tmp, STATE_JSON), JSON.stringify({ ...counters, weights: encoded.specs }));
    }
    await syncDir(tmp);
    await swapIn(tmp, dir);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Renames `tmp` to `dir`, keeping the old `dir` until the new one is in place. */
async function swapIn(tmp: string, dir: string): Promise<void> {
  const previous = `${dir}.previous`;
  await fs.rm(previous, { recursive: true, force: true });
  const hadOld = await exists(dir);
  if (hadOld) await fs.rename(dir, previous);
  await fs.rename(tmp, dir);
  await syncDir(dirname(dir));
  if (hadOld) await fs.rm(previous, { recursive: true, force: true });
}

/** A save interrupted between its two renames leaves only `<dir>.previous`: put it back. */
async function recoverInterruptedSave(dir: string): Promise<void> {
  const previous = `${dir}.previous`;
  if (!(await exists(dir)) && (await exists(previous))) await fs.rename(previous, dir);
}

async function readJson(dir: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(join(dir, file), 'utf8');
  } catch (e) {
    throw corrupt(dir, `${file} is missing`, e);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw corrupt(dir, `${file} is not valid JSON`, e);
  }
}

async function readWeights(dir: string, file: string, specs: WeightSpec[]): Promise<Map<string, tf.Tensor>> {
  let data: Uint8Array;
  try {
    data = await fs.readFile(join(dir, file));
  } catch (e) {
    throw corrupt(dir, `${file} is missing`, e);
  }
  if (data.length !== expectedBytes(specs)) {
    throw corrupt(dir, `${file} has ${data.length} bytes where ${expectedBytes(specs)} were expected`);
  }
  const tensors = decodeTensors(data, specs);
  for (const t of tensors.values()) {
    const finite = tf.tidy(() => tf.all(tf.isFinite(t)).dataSync()[0]);
    if (!finite) {
      for (const x of tensors.values()) x.dispose();
      throw corrupt(dir, `${file} contains values that are not finite numbers`);
    }
  }
  return tensors;
}

/** Reads and validates penwright.json only (cheap: for listings). */
export async function readModelMeta(dir: string): Promise<ModelMeta> {
  await recoverInterruptedSave(dir);
  if (!(await exists(dir))) throw new PenwrightError('MODEL_NOT_FOUND', `There is no model at ${dir}.`);
  if (!(await exists(join(dir, META_JSON)))) {
    throw new PenwrightError('FOREIGN_MODEL', `${dir} is not a Penwright model (it has no ${META_JSON}).`);
  }
  return parseModelMeta(await readJson(dir, META_JSON), dir);
}

/** Loads and validates a model folder; damaged or foreign folders throw a PenwrightError. */
export async function loadModel(dir: string): Promise<CharModel> {
  const meta = await readModelMeta(dir);
  const specs = parseModelJson(await readJson(dir, MODEL_JSON), dir, meta);
  const wordCounts = meta.formatVersion >= WORD_LIST_FORMAT_VERSION ? await readWordList(dir) : undefined;
  const params = await readWeights(dir, WEIGHTS_BIN, specs);
  return { meta, vocab: new Vocabulary(meta.vocabulary), params, ...(wordCounts ? { wordCounts } : {}) };
}

async function readWordList(dir: string): Promise<Map<string, number>> {
  let bytes: Uint8Array;
  try {
    ({ bytes } = await readRegularFile(join(dir, WORDS_TXT), { maxBytes: MAX_WORD_LIST_BYTES }));
  } catch (e) {
    const tooLarge = isPenwrightError(e) && e.code === 'FILE_TOO_LARGE';
    throw corrupt(dir, `${WORDS_TXT} is ${tooLarge ? 'larger than a word list can be' : 'missing or unreadable'}`, e);
  }
  return parseWordList(bytes, dir);
}

/** Loads the resumable training state saved beside a model, or undefined when there is none. */
export async function loadTrainingState(dir: string, meta: ModelMeta): Promise<TrainingState | undefined> {
  if (!(await exists(join(dir, STATE_JSON)))) return undefined;
  const parsed = stateJsonSchema.safeParse(await readJson(dir, STATE_JSON));
  if (!parsed.success) throw corrupt(dir, `${STATE_JSON} is invalid (${describeIssues(parsed.error)})`);
  const { weights, ...counters } = parsed.data;
  const shapes = paramShapes(meta.network, meta.vocabulary.length + 1);
  const moment = (name: string) => /^adam\/[mv]\//.test(name) && shapes.has(name.slice('adam/m/'.length));
  checkWeightSpecs(dir, meta, weights, 'param/', moment);
  const tensors = await readWeights(dir, STATE_BIN, weights);
  const params: ParamMap = new Map();
  const adam = new Map<string, tf.Tensor>();
  for (const [k, t] of tensors) {
    if (k.startsWith('param/')) params.set(k.slice(6), t);
    else if (k.startsWith('adam/')) adam.set(k.slice(5), t);
    else t.dispose();
  }
  return { ...counters, params, adam };
}

export function disposeModel(model: CharModel): void {
  for (const t of model.params.values()) t.dispose();
}
