/**
 * The model archive's thread: packing and unpacking (inflating, checksums,
 * validating the weights) can take seconds for a large model, and main's
 * event loop must never wait that long. One request per thread; the answer
 * carries the error's code and sentence across.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isPenwrightError } from '../../../model/errors';
import { AppError } from '../app-error';
import { packModelArchive, unpackModelArchive } from './archive-files';

export type ArchiveRequest =
  | { op: 'import'; archive: string; folder: string; displayName: string }
  | { op: 'export'; modelDir: string; destination: string };

export type ArchiveAnswer =
  | { ok: true; name?: string }
  | {
      ok: false;
      error: { kind: 'app' | 'penwright' | 'other'; code?: string; message: string; path?: string };
    };

async function run(request: ArchiveRequest): Promise<ArchiveAnswer> {
  if (request.op === 'import') {
    const { name } = await unpackModelArchive(request.archive, request.folder, request.displayName);
    return { ok: true, name };
  }
  await packModelArchive(request.modelDir, request.destination);
  return { ok: true };
}

const port = parentPort!;
run(workerData as ArchiveRequest)
  .catch((e: unknown): ArchiveAnswer => {
    const err = e as NodeJS.ErrnoException;
    const kind = e instanceof AppError ? 'app' : isPenwrightError(e) ? 'penwright' : 'other';
    return { ok: false, error: { kind, code: err?.code, message: err?.message ?? String(e), path: err?.path } };
  })
  .then((answer) => port.postMessage(answer))
  .finally(() => port.close());
