/**
 * Summarising the writer's training text (how many files and characters, and
 * what was skipped and why) from main: the reading and decoding run in a
 * thread (corpus-summary-worker.ts), under the same caps as training's, and
 * a thread that hangs (a network disk that stopped answering) is ended with
 * a sentence. Kept out of the worker's imports, like model-archive.ts.
 */
import { siblingModule } from '../../../model/training/parallel/start-worker';
import type { CorpusSummary } from '../../../shared/reports';
import { AppError } from '../app-error';
import { runWorkerTask } from '../worker-task';
import type { CorpusSummaryRequest } from './corpus-summary-worker';

/** 256 MB from a slow disk is a minute or two; five minutes ends only a thread that is stuck. */
export const CORPUS_SUMMARY_TIMEOUT_MS = 5 * 60 * 1000;

export interface CorpusSummarizerOptions {
  /** Tests only: another worker module. */
  workerUrl?: URL;
  timeoutMs?: number;
}

export function summarizeCorpus(paths: string[], options: CorpusSummarizerOptions = {}): Promise<CorpusSummary> {
  const request: CorpusSummaryRequest = { paths };
  return runWorkerTask<CorpusSummary>(
    options.workerUrl ?? siblingModule(import.meta.url, 'corpus-summary-worker'),
    request,
    {
      timeoutMs: options.timeoutMs ?? CORPUS_SUMMARY_TIMEOUT_MS,
      timeoutError: () =>
        new AppError('FILE_ERROR', 'Reading your writing took too long and was stopped. Check that its disk is there.'),
      what: 'the corpus summary thread',
    },
  );
}
