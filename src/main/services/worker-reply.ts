/**
 * The worker side of a one-request thread (model archives, model summaries,
 * corpus summaries): runs the task on its workerData and posts one answer.
 * An Error loses its class crossing postMessage, so the answer carries its
 * kind, code and sentence, and worker-task.ts raises the same kind again.
 * Kept apart from worker-task.ts: a worker must not pull main's side in.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isPenwrightError } from '../../model/errors';
import { AppError } from './app-error';

export type WorkerAnswer<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      error: { kind: 'app' | 'penwright' | 'other'; code?: string; message: string; path?: string };
    };

export function answerOnce<Request, T>(task: (request: Request) => Promise<T>): void {
  const port = parentPort!;
  Promise.resolve()
    .then(() => task(workerData as Request))
    .then(
      (value): WorkerAnswer<T> => ({ ok: true, value }),
      (e: unknown): WorkerAnswer<T> => {
        const err = e as NodeJS.ErrnoException;
        const kind = e instanceof AppError ? 'app' : isPenwrightError(e) ? 'penwright' : 'other';
        return { ok: false, error: { kind, code: err?.code, message: err?.message ?? String(e), path: err?.path } };
      },
    )
    .then((answer) => port.postMessage(answer))
    .finally(() => port.close());
}
