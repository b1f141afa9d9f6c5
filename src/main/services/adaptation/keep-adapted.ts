/**
 * "Optionally kept into a personal model" (issue 13): a document's adapted
 * weights written as a model folder of their own, the same folder a finished
 * training writes (persistence.ts: weights, penwright.json, words.txt), for
 * the library to adopt. Its penwright.json says where it came from the way a
 * fine-tune does: the base model in `baseModel`, the document and how many
 * adaptations in `adaptedTo`, the date in `createdAt`; the adaptation's own
 * settings stand in for the training's. Its word list is the base's with the
 * document's words added, as a fine-tune's is the base's with the writer's
 * (fineTuneWords); a base without a list gives a model without one, as a
 * fine-tune of it would (a document's words alone would hold it to too few).
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendReport } from '../../../model/network/backend';
import type { ModelMeta } from '../../../model/storage/metadata';
import { disposeModel, saveModel, type CharModel } from '../../../model/storage/persistence';
import { ADAPTATION_DEFAULTS } from '../../../model/suggesting/adaptation';
import { fineTuneWords } from '../../../model/text/word-list';
import { Vocabulary } from '../../../model/text/vocab';
import { ParamLayout } from '../../../model/training/parallel/param-layout';
import type { AdaptedWeights } from './document-adaptations';

export interface KeptModelInfo {
  /** The writer's name for the new model. */
  name: string;
  /** The document's title, as the window shows it. */
  documentTitle: string;
  /** The document's words (normalised), the base's included. */
  documentWords: readonly string[];
}

/** The model a document's adapted weights make (its tensors are the caller's to dispose). */
export function keptModel(adapted: AdaptedWeights, info: KeptModelInfo): CharModel {
  const base = adapted.base.meta;
  const now = new Date().toISOString();
  const { learningRate, windowChars, maxChars } = ADAPTATION_DEFAULTS;
  const meta: ModelMeta = {
    ...base,
    name: info.name,
    createdAt: now,
    updatedAt: now,
    training: {
      steps: adapted.adaptations,
      charsSeen: adapted.characters,
      seconds: 0,
      batchSize: Math.floor(maxChars / windowChars),
      seqLength: windowChars,
      learningRate,
      backend: backendReport()?.label ?? tf.getBackend(),
      history: [],
    },
    // not measured: there is no held-out text of a document being written
    metrics: { valLoss: null, valBitsPerChar: null, valChars: 0 },
    corpus: null,
    baseModel: { name: base.name, valLoss: null },
    comparison: null,
    adaptedTo: { document: info.documentTitle.slice(0, 1000), adaptations: adapted.adaptations },
    weights: { dtype: 'float32' },
  };
  const vocab = new Vocabulary(base.vocabulary);
  // the word list first: nothing to dispose if it throws
  const wordCounts = adapted.base.wordCounts
    ? fineTuneWords(adapted.base.wordCounts, new Map(info.documentWords.map((w) => [w, 1])))
    : undefined;
  const params = new ParamLayout(base.network, vocab.size).read(adapted.weights);
  return { meta, vocab, params, ...(wordCounts ? { wordCounts } : {}) };
}

/** Writes the kept model's folder at `dir` (atomically, as every model save is). */
export async function saveKeptModel(dir: string, adapted: AdaptedWeights, info: KeptModelInfo): Promise<void> {
  const model = keptModel(adapted, info);
  try {
    await saveModel(dir, model);
  } finally {
    disposeModel(model);
  }
}
