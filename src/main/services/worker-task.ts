/**
 * Main's side of a one-request thread: starts it, waits for its one answer
 * and raises its error as the same kind of error. A thread that does not
 * answer within `timeoutMs` (a disk that hangs, a bug that loops) is ended
 * and the caller gets `timeoutError`: main carries on either way, and its
 * event loop never waits for the work itself.
 */
import { PenwrightError, type PenwrightErrorCode } from '../../model/errors';
import { startWorker } from '../../model/training/parallel/start-worker';
import type { IpcErrorCode } from '../../shared/ipc-contract';
import { AppError } from './app-error';
import type { WorkerAnswer } from './worker-reply';

const TERMINATE_WAIT_MS = 2000;

export interface WorkerTaskOptions {
  /** How long the thread may take before it is ended. */
  timeoutMs: number;
  /** What the caller hears when that happens. */
  timeoutError: () => Error;
  /** Named in the error when the thread dies without answering ("the model archive thread"). */
  what: string;
}

export async function runWorkerTask<T>(url: URL, request: unknown, options: WorkerTaskOptions): Promise<T> {
  const worker = startWorker(url, request);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const answer = await new Promise<WorkerAnswer<T>>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${options.what} stopped (exit code ${code})`)));
    timer = setTimeout(() => reject(options.timeoutError()), options.timeoutMs);
  }).finally(async () => {
    clearTimeout(timer);
    // answered: it is closing anyway. Timed out: this ends it, and the caller
    // (which may clean up after it) waits for that, but not for ever.
    await Promise.race([worker.terminate(), new Promise((r) => setTimeout(r, TERMINATE_WAIT_MS))]);
  });
  if (answer.ok) return answer.value;
  const { kind, code, message, path } = answer.error;
  if (kind === 'app') throw new AppError(code as IpcErrorCode, message);
  if (kind === 'penwright') throw new PenwrightError(code as PenwrightErrorCode, message);
  throw Object.assign(new Error(message), { code, path });
}
