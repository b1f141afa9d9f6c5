/**
 * Where a training run starts: a new model (from a preset or a network), a
 * fine-tune from a base model (its vocabulary extended with the new text's
 * characters), or an interrupted run resumed with its optimiser and random
 * state.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendReport } from '../network/backend';
import { PRESETS, type NetworkConfig } from '../network/config';
import { cloneParams, disposeParams, extendVocabulary, initParams, type ParamMap } from '../network/params';
import { PenwrightError } from '../errors';
import { Rng } from '../rng';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type HistoryPoint, type ModelMeta } from '../storage/metadata';
import { loadModel, loadTrainingState, type CharModel } from '../storage/persistence';
import { summaryForModel } from '../text/corpus-summary';
import { Vocabulary } from '../text/vocab';
import { countWords, fineTuneWords } from '../text/word-list';
import { Adam } from './adam';
import { DOCUMENT_SEPARATOR } from './batches';
import type { TrainOptions } from './train-options';

/** Default learning rates: a new model, and a fine-tune (smaller steps keep more of the base). */
const LEARNING_RATE = { fresh: 2e-3, fineTune: 1e-3 };
const DEFAULT_CLIP_NORM = 5;

/** Where a run starts: its weights, optimiser, random state and record so far. */
export interface Start {
  params: ParamMap;
  best: ParamMap | null;
  bestValLoss: number | null;
  adam: Adam;
  rng: Rng;
  step: number;
  charsSeen: number;
  secondsBefore: number;
  history: HistoryPoint[];
  meta: ModelMeta;
  vocab: Vocabulary;
  /** The words of the text the model learns from (with the base model's when fine-tuning); none: format 1. */
  wordCounts: Map<string, number> | undefined;
}

interface NewModel {
  name: string;
  preset: string | null;
  network: NetworkConfig;
  vocab: Vocabulary;
  learningRate: number;
  batchSize: number;
  seqLength: number;
}

function newModelMeta(model: NewModel, options: TrainOptions): ModelMeta {
  const now = new Date().toISOString();
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    name: model.name,
    createdAt: now,
    updatedAt: now,
    preset: model.preset,
    network: model.network,
    vocabulary: model.vocab.toJSON(),
    training: {
      steps: 0,
      charsSeen: 0,
      seconds: 0,
      batchSize: model.batchSize,
      seqLength: model.seqLength,
      learningRate: model.learningRate,
      backend: backendReport()?.label ?? tf.getBackend(),
      history: [],
    },
    metrics: { valLoss: null, valBitsPerChar: null, valChars: 0 },
    corpus: options.corpusSummary ? summaryForModel(options.corpusSummary) : null,
    baseModel: options.base ? { name: options.base.meta.name, valLoss: null } : null,
    comparison: null,
    weights: { dtype: 'float32' },
  };
}

/** A run at step 0, from scratch or from a base model. */
function startNew(
  params: ParamMap,
  meta: ModelMeta,
  vocab: Vocabulary,
  rng: Rng,
  clipNorm: number,
  wordCounts: Map<string, number> | undefined,
): Start {
  return {
    wordCounts,
    params,
    best: null,
    bestValLoss: null,
    adam: new Adam({ learningRate: meta.training.learningRate, clipNorm }),
    rng,
    step: 0,
    charsSeen: 0,
    secondsBefore: 0,
    history: [],
    meta,
    vocab,
  };
}

/** The interrupted run saved in `outDir`, with its optimiser and random state. */
async function startResumed(outDir: string, clipNorm: number, documents: string[]): Promise<Start> {
  const saved = await loadModel(outDir);
  const state = await loadTrainingState(outDir, saved.meta);
  if (!state) {
    disposeParams(saved.params);
    throw new PenwrightError('BAD_ARGUMENT', `${outDir} has no training state to resume from.`);
  }
  const adam = new Adam({ learningRate: saved.meta.training.learningRate, clipNorm });
  adam.restore(state.adamStep, state.adam);
  const rng = new Rng(0);
  rng.state = state.rngState;
  return {
    params: state.params,
    best: saved.params,
    bestValLoss: state.bestValLoss,
    adam,
    rng,
    step: state.step,
    charsSeen: state.charsSeen,
    secondsBefore: state.seconds,
    history: [...saved.meta.training.history],
    meta: saved.meta,
    vocab: saved.vocab,
    // a fresh run begun before models kept word lists gets one from its text; a fine-tune of a
    // base without a list stays without (its writer's words alone would hold it to too few)
    wordCounts: saved.wordCounts
      ? new Map(saved.wordCounts)
      : saved.meta.baseModel
        ? undefined
        : runWords(documents, undefined),
  };
}

export async function startOf(options: TrainOptions): Promise<Start> {
  const batchSize = options.batchSize ?? 64;
  const seqLength = options.seqLength ?? 100;
  const clipNorm = options.clipNorm ?? DEFAULT_CLIP_NORM;
  const rng = new Rng(options.seed ?? 1);
  if (options.resume) {
    if (!options.outDir) throw new PenwrightError('BAD_ARGUMENT', 'Resuming needs the folder of the interrupted run.');
    return startResumed(options.outDir, clipNorm, options.documents);
  }
  if (options.base) {
    const base = options.base;
    const { vocab } = base.vocab.extendedWith(options.documents);
    const params = extendVocabulary(cloneParams(base.params), base.vocab.size, vocab.size);
    const meta = newModelMeta(
      {
        name: options.name ?? `${base.meta.name} (fine-tuned)`,
        preset: base.meta.preset,
        network: base.meta.network,
        vocab,
        learningRate: options.learningRate ?? LEARNING_RATE.fineTune,
        batchSize,
        seqLength,
      },
      options,
    );
    return startNew(params, meta, vocab, rng, clipNorm, runWords(options.documents, base));
  }
  const preset = options.preset ?? 'M';
  const network = options.network ?? PRESETS[preset];
  // the separator is in every vocabulary: sessions start after it, as documents do in training
  const vocab = Vocabulary.fromText([...options.documents, DOCUMENT_SEPARATOR]);
  const meta = newModelMeta(
    {
      name: options.name ?? 'My model',
      preset: options.network ? null : preset,
      network,
      vocab,
      learningRate: options.learningRate ?? LEARNING_RATE.fresh,
      batchSize,
      seqLength,
    },
    options,
  );
  const params = initParams(network, vocab.size, options.seed ?? 1);
  return startNew(params, meta, vocab, rng, clipNorm, runWords(options.documents, undefined));
}

/**
 * The word list a run gives its model: the words of `documents`, and when
 * fine-tuning, the base model's beside them; none when the base has no list
 * (a model of format 1: the writer's words alone would constrain too much).
 */
export function runWords(documents: readonly string[], base: CharModel | undefined): Map<string, number> | undefined {
  const counts = new Map<string, number>();
  for (const d of documents) countWords(d, counts);
  if (!base) return counts;
  return base.wordCounts ? fineTuneWords(base.wordCounts, counts) : undefined;
}

/** Frees a start's weights and optimiser (a run that failed, or never began). */
export function disposeStart(s: Start): void {
  disposeParams(s.params);
  if (s.best) disposeParams(s.best);
  s.adam.dispose();
}
