/**
 * Starts a worker thread from a module URL. From source (a .ts file under
 * tsx) the worker goes through a small bootstrap that registers tsx, because
 * Node 20 ignores `--import tsx` in a worker's execArgv; a built .js file
 * starts directly.
 */
import { Worker } from 'node:worker_threads';

export function startWorker(url: URL, workerData: unknown): Worker {
  if (url.pathname.endsWith('.ts')) {
    return new Worker(new URL('./tsx-worker.mjs', import.meta.url), {
      workerData: { ...(workerData as object), tsEntry: url.href },
    });
  }
  return new Worker(url, { workerData });
}

/** A sibling module of `base` with the same extension (.ts from source, .js when built). */
export function siblingModule(base: string, name: string): URL {
  const ext = base.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${ext}`, base);
}
