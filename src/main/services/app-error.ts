/**
 * Errors the handlers raise on purpose, with the code the renderer sees, and
 * the translation of any thrown error into the `{ code, message }` that
 * crosses IPC. Unexpected errors become INTERNAL with a generic sentence; their
 * details go to the log, not to the renderer.
 */
import { PenwrightError, isPenwrightError, type PenwrightErrorCode } from '../../model/errors';
import type { IpcError, IpcErrorCode } from '../../shared/ipc-contract';

export class AppError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

const MODEL_CODES: PenwrightErrorCode[] = ['CORRUPT_MODEL', 'FOREIGN_MODEL', 'MODEL_NOT_FOUND', 'INCOMPATIBLE_MODEL'];
const FILE_CODES: PenwrightErrorCode[] = [
  'BINARY_FILE',
  'UNDECODABLE_FILE',
  'FILE_TOO_LARGE',
  'FILE_NOT_FOUND',
  'NOT_A_FILE',
  'EMPTY_CORPUS',
];

export function toIpcError(e: unknown, log: (message: string, error: unknown) => void = () => {}): IpcError {
  if (e instanceof AppError) return { code: e.code, message: e.message };
  if (isPenwrightError(e)) {
    if (MODEL_CODES.includes(e.code)) return { code: 'MODEL_ERROR', message: e.message };
    if (FILE_CODES.includes(e.code)) return { code: 'FILE_ERROR', message: e.message };
    if (e.code === 'CANCELLED' || e.code === 'STALE') return { code: 'SUPERSEDED', message: e.message };
    if (e.code === 'BAD_ARGUMENT') return { code: 'BAD_REQUEST', message: e.message };
    return { code: 'INTERNAL', message: e.message };
  }
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return { code: 'NOT_FOUND', message: `${err.path ?? 'The file'} no longer exists.` };
  if (err?.code === 'EACCES' || err?.code === 'EPERM') {
    return {
      code: 'FILE_ERROR',
      message: `Penwright is not allowed to use ${err.path ?? 'that file'}. Check its permissions.`,
    };
  }
  if (err?.code === 'ELOOP') {
    return { code: 'FILE_ERROR', message: `${err.path ?? 'That file'} is a symbolic link that leads in a circle.` };
  }
  if (err?.code === 'EISDIR') return { code: 'FILE_ERROR', message: `${err.path ?? 'That'} is a folder, not a file.` };
  if (err?.code === 'ENOSPC')
    return { code: 'FILE_ERROR', message: 'The disk is full. Free some space and try again.' };
  log('unexpected error in a handler', e);
  return { code: 'INTERNAL', message: 'Something went wrong inside Penwright. Your text is safe; please try again.' };
}

/**
 * The same road for an error a worker thread reported as code and message:
 * our own errors keep their sentence; anything unexpected (INTERNAL) goes to
 * the log, and the writer sees the generic sentence.
 */
export function workerErrorToIpc(
  code: string,
  message: string,
  log: (message: string, error: unknown) => void,
): IpcError {
  if (code === 'INTERNAL') return toIpcError(new Error(message), log);
  return toIpcError(new PenwrightError(code as PenwrightErrorCode, message), log);
}
