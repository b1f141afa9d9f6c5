/**
 * What the library shows of a model, taken from its penwright.json. It is
 * computed where the file is parsed: on main for an ordinary file, in the
 * model files' thread (archive-worker.ts) for an import or an oversized file,
 * so that only this small object, never the metadata, crosses to main.
 */
import { countParameters } from '../../../model/network/config';
import type { ModelMeta } from '../../../model/storage/metadata';
import type { ModelSummary } from '../../../shared/ipc-contract';

/** A summary without what depends on the library (its id, active, built in) or the folder (its size). */
export type ModelDescription = Omit<ModelSummary, 'modelId' | 'builtIn' | 'active' | 'sizeBytes'>;

/**
 * penwright.json files up to this size are parsed on main (a few
 * milliseconds); a larger one, which only an older version's import or a
 * huge training history could leave, is parsed in a thread. Imports refuse
 * anything larger (archive-files.ts).
 */
export const MAX_META_ON_MAIN_BYTES = 256 * 1024;

export function describeModel(meta: ModelMeta): ModelDescription {
  return {
    name: meta.name,
    createdAt: meta.createdAt,
    updatedAt: meta.updatedAt,
    preset: meta.preset,
    parameters: countParameters(meta.network, meta.vocabulary.length + 1),
    valLoss: meta.metrics.valLoss,
    valBitsPerChar: meta.metrics.valBitsPerChar,
    trainingCharacters: meta.training.charsSeen,
    corpus: meta.corpus ? { files: meta.corpus.files.length, characters: meta.corpus.characters } : null,
    baseModel: meta.baseModel ?? meta.comparison ?? null,
    ...(meta.adaptedTo ? { adaptedTo: meta.adaptedTo } : {}),
  };
}
