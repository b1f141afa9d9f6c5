/**
 * The model files' thread: packing and unpacking an archive (inflating,
 * checksums, validating the weights) can take seconds for a large model, and
 * parsing an oversized penwright.json hundreds of milliseconds; main's event
 * loop must wait for neither. One request per thread (worker-reply.ts).
 */
import { answerOnce } from '../worker-reply';
import { describeModelFolder, MAX_LOCAL_META_BYTES, packModelArchive, unpackModelArchive } from './archive-files';
import { renameModelFile } from './model-rename';
import type { ModelDescription } from './model-description';

export type ArchiveRequest =
  | { op: 'import'; archive: string; folder: string; displayName: string }
  | { op: 'export'; modelDir: string; destination: string }
  /** What the library shows of a model whose penwright.json is too large to parse on main. */
  | { op: 'describe'; modelDir: string }
  /** Renames a model whose penwright.json is too large to parse on main (model-rename.ts). */
  | { op: 'rename'; modelDir: string; name: string; updatedAt: string };

answerOnce(async (request: ArchiveRequest): Promise<ModelDescription | null> => {
  if (request.op === 'import') return unpackModelArchive(request.archive, request.folder, request.displayName);
  if (request.op === 'describe') return describeModelFolder(request.modelDir);
  if (request.op === 'rename') {
    await renameModelFile(request.modelDir, request.name, request.updatedAt, MAX_LOCAL_META_BYTES);
    return null;
  }
  await packModelArchive(request.modelDir, request.destination);
  return null;
});
