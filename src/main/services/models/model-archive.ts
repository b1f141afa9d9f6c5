/**
 * Exporting and importing model archives, from main: the work runs in a
 * worker thread (archive-worker.ts, see archive-files.ts for what it checks),
 * so a large model never stalls the app's event loop. This module must stay
 * out of the worker's imports: in the built app it lives in index.js, and the
 * worker is emitted beside it.
 */
import { PenwrightError, type PenwrightErrorCode } from '../../../model/errors';
import { siblingModule, startWorker } from '../../../model/training/parallel/start-worker';
import type { IpcErrorCode } from '../../../shared/ipc-contract';
import { AppError } from '../app-error';
import type { ArchiveAnswer, ArchiveRequest } from './archive-worker';

export { ARCHIVE_EXTENSION } from './archive-files';

/** Runs one request in a fresh archive thread; its error comes back as the same kind of error. */
async function inWorker(request: ArchiveRequest): Promise<ArchiveAnswer & { ok: true }> {
  const worker = startWorker(siblingModule(import.meta.url, 'archive-worker'), request);
  const answer = await new Promise<ArchiveAnswer>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the model archive thread stopped (exit code ${code})`)));
  }).finally(() => void worker.terminate());
  if (answer.ok) return answer;
  const { kind, code, message, path } = answer.error;
  if (kind === 'app') throw new AppError(code as IpcErrorCode, message);
  if (kind === 'penwright') throw new PenwrightError(code as PenwrightErrorCode, message);
  throw Object.assign(new Error(message), { code, path });
}

export async function exportModelArchive(modelDir: string, destination: string): Promise<void> {
  await inWorker({ op: 'export', modelDir, destination });
}

/** Checks and unpacks an archive into `folder` (which must not exist yet); answers the model's name. */
export async function importModelArchive(archive: string, folder: string, displayName: string): Promise<string> {
  return (await inWorker({ op: 'import', archive, folder, displayName })).name!;
}
