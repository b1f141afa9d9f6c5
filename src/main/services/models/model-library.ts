/**
 * The model library: the bundled default model (read-only, always there) and
 * the writer's models in the user-data folder. Listing reads only each
 * model's penwright.json; selecting validates the whole model first.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { countParameters } from '../../../model/network/config';
import type { ModelMeta } from '../../../model/storage/metadata';
import { loadModel, disposeModel, readModelMeta, META_JSON } from '../../../model/storage/persistence';
import type { ModelSummary } from '../../../shared/ipc-contract';
import { AppError } from '../app-error';
import { writeFileAtomic } from '../atomic-write';
import { exportModelArchive, importModelArchive } from './model-archive';

export const DEFAULT_MODEL_ID = 'default';

export interface LibraryOptions {
  /** Where the writer's models live (created when needed). */
  modelsDir: string;
  /** The bundled default model. */
  defaultModelDir: string;
  /** The active model id, and how to change it (the settings store). */
  activeModelId: () => string;
  setActiveModelId: (id: string) => Promise<void>;
  /** Models that must not be deleted now (e.g. a training job's base). */
  inUse?: () => string[];
}

async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (entry.isFile()) total += (await fs.stat(join(dir, entry.name))).size;
  }
  return total;
}

function slug(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase()
    .slice(0, 40);
  return `${base || 'model'}-${randomBytes(3).toString('hex')}`;
}

export class ModelLibrary {
  constructor(private readonly options: LibraryOptions) {}

  dirOf(modelId: string): string {
    if (modelId === DEFAULT_MODEL_ID) return this.options.defaultModelDir;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(modelId) || modelId.includes('..')) {
      throw new AppError('BAD_REQUEST', 'Not a model id.');
    }
    return join(this.options.modelsDir, modelId);
  }

  private summarize(modelId: string, meta: ModelMeta, sizeBytes: number): ModelSummary {
    return {
      modelId,
      name: meta.name,
      builtIn: modelId === DEFAULT_MODEL_ID,
      active: modelId === this.options.activeModelId(),
      sizeBytes,
      createdAt: meta.createdAt,
      updatedAt: meta.updatedAt,
      preset: meta.preset,
      parameters: countParameters(meta.network, meta.vocabulary.length + 1),
      valLoss: meta.metrics.valLoss,
      valBitsPerChar: meta.metrics.valBitsPerChar,
      trainingCharacters: meta.training.charsSeen,
      corpus: meta.corpus ? { files: meta.corpus.files.length, characters: meta.corpus.characters } : null,
      baseModel: meta.baseModel ?? meta.comparison ?? null,
    };
  }

  async summary(modelId: string): Promise<ModelSummary> {
    const dir = this.dirOf(modelId);
    const meta = await readModelMeta(dir).catch((e: unknown) => {
      if ((e as { code?: string }).code === 'MODEL_NOT_FOUND')
        throw new AppError('NOT_FOUND', 'That model is not in the library.');
      throw e;
    });
    return this.summarize(modelId, meta, await folderSize(dir));
  }

  /** Every usable model, the default first. Damaged folders are left out (and left alone). */
  async list(): Promise<ModelSummary[]> {
    const out: ModelSummary[] = [];
    const builtIn = await this.summary(DEFAULT_MODEL_ID).catch(() => null);
    if (builtIn) out.push(builtIn);
    let entries: string[] = [];
    try {
      entries = (await fs.readdir(this.options.modelsDir, { withFileTypes: true }))
        .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.endsWith('.previous'))
        .map((e) => e.name);
    } catch {
      // no models yet
    }
    for (const id of entries.sort()) {
      const s = await this.summary(id).catch(() => null);
      if (s) out.push(s);
    }
    return out;
  }

  /** Makes a model active after checking that it loads. */
  async select(modelId: string): Promise<ModelSummary> {
    const model = await loadModel(this.dirOf(modelId));
    disposeModel(model);
    await this.options.setActiveModelId(modelId);
    return this.summary(modelId);
  }

  async rename(modelId: string, name: string): Promise<ModelSummary> {
    if (modelId === DEFAULT_MODEL_ID) throw new AppError('READ_ONLY', 'The default model cannot be renamed.');
    const dir = this.dirOf(modelId);
    const raw = JSON.parse(await fs.readFile(join(dir, META_JSON), 'utf8'));
    await readModelMeta(dir); // validates before rewriting
    await writeFileAtomic(
      join(dir, META_JSON),
      JSON.stringify({ ...raw, name, updatedAt: new Date().toISOString() }, null, 2),
    );
    return this.summary(modelId);
  }

  async remove(modelId: string): Promise<void> {
    if (modelId === DEFAULT_MODEL_ID) throw new AppError('READ_ONLY', 'The default model cannot be deleted.');
    if (modelId === this.options.activeModelId()) {
      throw new AppError('IN_USE', 'This model is in use for suggestions. Switch to another model first.');
    }
    if (this.options.inUse?.().includes(modelId)) {
      throw new AppError('IN_USE', 'A training job is using this model. Wait for it to finish or cancel it first.');
    }
    const dir = this.dirOf(modelId);
    await fs.access(dir).catch(() => {
      throw new AppError('NOT_FOUND', 'That model is not in the library.');
    });
    // rename first so a half-deleted folder is never listed as a model
    const doomed = join(this.options.modelsDir, `.deleting-${modelId}-${randomBytes(3).toString('hex')}`);
    await fs.rename(dir, doomed);
    await fs.rm(doomed, { recursive: true, force: true });
  }

  async exportTo(modelId: string, destination: string): Promise<void> {
    await readModelMeta(this.dirOf(modelId));
    await exportModelArchive(this.dirOf(modelId), destination);
  }

  /** Imports an archive as a new model (never replacing one). */
  async importFrom(archive: string): Promise<ModelSummary> {
    await fs.mkdir(this.options.modelsDir, { recursive: true });
    const staging = join(this.options.modelsDir, `.importing-${randomBytes(4).toString('hex')}`);
    try {
      // unpacked and validated (weights, shapes, vocabulary) off main's thread
      const name = await importModelArchive(archive, staging, basename(archive));
      const id = slug(name);
      await fs.rename(staging, join(this.options.modelsDir, id));
      return this.summary(id);
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }

  /** Moves a finished training run's folder into the library. */
  async adopt(folder: string, name: string): Promise<ModelSummary> {
    await fs.mkdir(this.options.modelsDir, { recursive: true });
    const id = slug(name);
    await fs.rename(folder, join(this.options.modelsDir, id));
    return this.summary(id);
  }
}
