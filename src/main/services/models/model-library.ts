/**
 * The model library: the bundled default model (read-only, always there) and
 * the writer's models in the user-data folder. Listing describes each model
 * from its penwright.json (model-descriptions.ts: remembered, and parsed off
 * main when large); selecting validates the whole model first. Imports and
 * deletions go through hidden folders named with our pid
 * (`.importing-p<pid>-…`, `.deleting-p<pid>-…`); what a kill leaves of them
 * is swept at startup (leftovers.ts).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { syncDir } from '../../../model/disk/durable-fs';
import { statOrNull } from '../../../model/disk/safe-read';
import { loadModel, disposeModel, META_JSON } from '../../../model/storage/persistence';
import type { ModelSummary } from '../../../shared/ipc-contract';
import { AppError } from '../app-error';
import { claim, isLeftover, removeOwnTempFiles } from '../leftovers';
import { ModelArchiveThread, type ArchiveThreadOptions } from './model-archive';
import { MAX_META_ON_MAIN_BYTES, type ModelDescription } from './model-description';
import { renameModelFile } from './model-rename';
import { ModelDescriptions } from './model-descriptions';

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
  /** Tests only: the model files' thread. */
  archiveThread?: ArchiveThreadOptions;
}

/** Staging folders: ours carry the pid; older versions' did not. */
const STAGING = /^\.(importing|deleting)-(?:p(\d+)-)?/;

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
  private readonly thread: ModelArchiveThread;
  private readonly descriptions: ModelDescriptions;

  constructor(private readonly options: LibraryOptions) {
    this.thread = new ModelArchiveThread(options.archiveThread);
    this.descriptions = new ModelDescriptions((dir) => this.thread.describe(dir));
  }

  /**
   * Removes what a killed import or deletion left in the models folder. Our
   * own go by the rule in leftovers.ts; an older version's (no pid in the
   * name) can only be a leftover: the app runs once per user-data folder.
   */
  async sweepLeftovers(): Promise<string[]> {
    const names = await fs.readdir(this.options.modelsDir).catch(() => [] as string[]);
    const removed: string[] = [];
    for (const name of names) {
      const m = STAGING.exec(name);
      if (!m) continue;
      const path = join(this.options.modelsDir, name);
      const stat = await fs.lstat(path).catch(() => null);
      if (!stat?.isDirectory()) continue;
      if (m[2] !== undefined && !isLeftover(path, Number(m[2]), stat.mtimeMs)) continue;
      // best-effort: one that cannot go is left for the next start, the rest still go
      try {
        await fs.rm(path, { recursive: true, force: true });
        removed.push(name);
      } catch {
        // left for the next start
      }
    }
    return removed;
  }

  private staging(kind: 'importing' | 'deleting', what: string): string {
    return join(this.options.modelsDir, `.${kind}-p${process.pid}-${what}${randomBytes(4).toString('hex')}`);
  }

  dirOf(modelId: string): string {
    if (modelId === DEFAULT_MODEL_ID) return this.options.defaultModelDir;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(modelId) || modelId.includes('..')) {
      throw new AppError('BAD_REQUEST', 'Not a model id.');
    }
    return join(this.options.modelsDir, modelId);
  }

  private summarize(modelId: string, description: ModelDescription, sizeBytes: number): ModelSummary {
    return {
      modelId,
      builtIn: modelId === DEFAULT_MODEL_ID,
      active: modelId === this.options.activeModelId(),
      sizeBytes,
      ...description,
    };
  }

  async summary(modelId: string): Promise<ModelSummary> {
    const dir = this.dirOf(modelId);
    const description = await this.descriptions.of(dir).catch((e: unknown) => {
      if ((e as { code?: string }).code === 'MODEL_NOT_FOUND')
        throw new AppError('NOT_FOUND', 'That model is not in the library.');
      throw e;
    });
    return this.summarize(modelId, description, await folderSize(dir));
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

  /** Makes a model active after checking that it loads (on main: it is the model suggestions are about to use). */
  async select(modelId: string): Promise<ModelSummary> {
    const model = await loadModel(this.dirOf(modelId));
    disposeModel(model);
    await this.options.setActiveModelId(modelId);
    return this.summary(modelId);
  }

  /**
   * Renames a model in its penwright.json: validated first (a damaged one gets
   * the loader's sentence), rewritten on main when small, in the model files'
   * thread when over MAX_META_ON_MAIN_BYTES (model-description.ts).
   */
  async rename(modelId: string, name: string): Promise<ModelSummary> {
    if (modelId === DEFAULT_MODEL_ID) throw new AppError('READ_ONLY', 'The default model cannot be renamed.');
    const dir = this.dirOf(modelId);
    await this.summary(modelId);
    const updatedAt = new Date().toISOString();
    if (((await statOrNull(join(dir, META_JSON)))?.size ?? 0) > MAX_META_ON_MAIN_BYTES) {
      await this.thread.rename(dir, name, updatedAt);
    } else {
      await renameModelFile(dir, name, updatedAt, MAX_META_ON_MAIN_BYTES);
    }
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
    const doomed = this.staging('deleting', `${modelId}-`);
    const release = claim(doomed);
    try {
      await fs.rename(dir, doomed);
      await fs.rm(doomed, { recursive: true, force: true });
    } finally {
      release();
    }
  }

  async exportTo(modelId: string, destination: string): Promise<void> {
    await this.descriptions.of(this.dirOf(modelId)); // a clear error for a damaged model, before the thread starts
    try {
      await this.thread.exportModel(this.dirOf(modelId), destination);
    } catch (e) {
      // the thread has ended (failed, or stopped at its time limit): what it was writing beside the destination goes
      await removeOwnTempFiles(destination).catch(() => []);
      throw e;
    }
  }

  /** Imports an archive as a new model (never replacing one). */
  async importFrom(archive: string): Promise<ModelSummary> {
    await fs.mkdir(this.options.modelsDir, { recursive: true });
    const staging = this.staging('importing', '');
    const release = claim(staging);
    try {
      // unpacked, validated (weights, shapes, vocabulary) and described off main's thread
      const description = await this.thread.importModel(archive, staging, basename(archive));
      const id = slug(description.name);
      const dir = join(this.options.modelsDir, id);
      await fs.rename(staging, dir);
      // as adopt: the move survives a power cut only once the library's folder is on disk
      await syncDir(this.options.modelsDir);
      await this.descriptions.remember(dir, description);
      return this.summarize(id, description, await folderSize(dir));
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
      release();
    }
  }

  /**
   * Adds a model that `write` saves into the folder it is given (a document's
   * adapted weights kept as a model): inside a staging folder of the library's,
   * so what a kill leaves of it is swept at the next start, then adopted.
   */
  async addWritten(name: string, write: (dir: string) => Promise<void>): Promise<ModelSummary> {
    await fs.mkdir(this.options.modelsDir, { recursive: true });
    const staging = this.staging('importing', 'kept-');
    const release = claim(staging);
    try {
      await fs.mkdir(staging);
      const dir = join(staging, 'model');
      await write(dir);
      return await this.adopt(dir, name);
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
      release();
    }
  }

  /** Moves a finished training run's folder into the library. */
  async adopt(folder: string, name: string): Promise<ModelSummary> {
    await fs.mkdir(this.options.modelsDir, { recursive: true });
    const id = slug(name);
    await fs.rename(folder, join(this.options.modelsDir, id));
    // the rename is durable only once the library's folder is on disk too (a power cut may undo it)
    await syncDir(this.options.modelsDir);
    return this.summary(id);
  }
}
