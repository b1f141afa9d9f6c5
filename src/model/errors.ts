/**
 * Errors a user can cause carry a stable code (for the app to tell them apart)
 * and a sentence the user can act on.
 */
export type PenwrightErrorCode =
  | 'BINARY_FILE'
  | 'UNDECODABLE_FILE'
  | 'FILE_TOO_LARGE'
  | 'FILE_NOT_FOUND'
  | 'NOT_A_FILE'
  | 'EMPTY_CORPUS'
  | 'CORRUPT_MODEL'
  | 'FOREIGN_MODEL'
  | 'MODEL_NOT_FOUND'
  | 'INCOMPATIBLE_MODEL'
  | 'BAD_ARGUMENT'
  | 'CANCELLED'
  | 'STALE'
  | 'BACKEND'
  | 'WORKER_FAILED'
  | 'BAD_MANIFEST'
  | 'CHECKSUM_MISMATCH'
  | 'DOWNLOAD_FAILED';

export class PenwrightError extends Error {
  readonly code: PenwrightErrorCode;
  constructor(code: PenwrightErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PenwrightError';
    this.code = code;
  }
}

export function isPenwrightError(e: unknown, code?: PenwrightErrorCode): e is PenwrightError {
  return e instanceof PenwrightError && (code === undefined || e.code === code);
}

/** Thrown when an AbortSignal fires: work stopped on request, nothing is wrong. */
export function cancelledError(what = 'The operation'): PenwrightError {
  return new PenwrightError('CANCELLED', `${what} was cancelled.`);
}

export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw cancelledError(what);
}
