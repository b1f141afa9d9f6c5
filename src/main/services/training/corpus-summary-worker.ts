/**
 * The corpus summary's thread: walking the writer's folders and decoding up
 * to 256 MB of text to count it takes seconds, and main's event loop must
 * not wait for it. One request per thread (worker-reply.ts); no text leaves
 * it, only the summary.
 */
import { readCorpus } from '../../../model/text/corpus';
import { answerOnce } from '../worker-reply';

export interface CorpusSummaryRequest {
  paths: string[];
}

answerOnce(async ({ paths }: CorpusSummaryRequest) => (await readCorpus(paths, { keepText: false })).summary);
