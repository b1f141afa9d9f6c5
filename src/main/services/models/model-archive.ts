/**
 * The model files' thread, from main: exporting and importing archives and
 * describing a model with an oversized penwright.json run in a worker thread
 * (archive-worker.ts, see archive-files.ts for what an import checks), so a
 * large model never stalls the app's event loop, and a thread that hangs is
 * ended after a time limit with a sentence for the writer. This module must
 * stay out of the worker's imports: in the built app it lives in index.js,
 * and the worker is emitted beside it.
 */
import { siblingModule } from '../../../model/training/parallel/start-worker';
import { AppError } from '../app-error';
import { runWorkerTask } from '../worker-task';
import type { ArchiveRequest } from './archive-worker';
import type { ModelDescription } from './model-description';

export { ARCHIVE_EXTENSION } from './archive-files';

/**
 * Reading, inflating, checking and writing the largest model (900 MB of
 * weights) takes well under a minute on an ordinary disk; ten minutes ends
 * only a thread that is stuck (a disk that stopped answering, a bug).
 */
export const ARCHIVE_TIMEOUT_MS = 10 * 60 * 1000;

export interface ArchiveThreadOptions {
  /** Tests only: another worker module. */
  workerUrl?: URL;
  timeoutMs?: number;
}

const SENTENCES: Record<ArchiveRequest['op'], string> = {
  import: 'Importing the model took too long and was stopped; nothing was added to your models. Try again.',
  export: 'Exporting the model took too long and was stopped. Try again.',
  describe: 'Reading the model’s description took too long and was stopped.',
  rename: 'Renaming the model took too long and was stopped. Try again.',
};

export class ModelArchiveThread {
  constructor(private readonly options: ArchiveThreadOptions = {}) {}

  private run<T>(request: ArchiveRequest): Promise<T> {
    return runWorkerTask<T>(this.options.workerUrl ?? siblingModule(import.meta.url, 'archive-worker'), request, {
      timeoutMs: this.options.timeoutMs ?? ARCHIVE_TIMEOUT_MS,
      timeoutError: () => new AppError('FILE_ERROR', SENTENCES[request.op]),
      what: 'the model archive thread',
    });
  }

  async exportModel(modelDir: string, destination: string): Promise<void> {
    await this.run({ op: 'export', modelDir, destination });
  }

  /** Checks and unpacks an archive into `folder` (which must not exist yet); answers what the library shows of it. */
  importModel(archive: string, folder: string, displayName: string): Promise<ModelDescription> {
    return this.run({ op: 'import', archive, folder, displayName });
  }

  describe(modelDir: string): Promise<ModelDescription> {
    return this.run({ op: 'describe', modelDir });
  }

  /** Renames a model whose penwright.json is too large to parse on main. */
  async rename(modelDir: string, name: string, updatedAt: string): Promise<void> {
    await this.run({ op: 'rename', modelDir, name, updatedAt });
  }
}
