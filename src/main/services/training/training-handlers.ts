/**
 * The handlers for training: choosing the writer's text (only paths a dialog
 * or a drop handed over), summarising it, and starting, cancelling, resuming
 * and listing jobs.
 */
import type { HandlerTable } from '../app-services';
import { CorpusGrants } from './corpus-access';
import { summarizeCorpus, type CorpusSummarizerOptions } from './corpus-summarizer';
import type { TrainingService } from './training-jobs';

export type TrainingChannel =
  | 'corpus:pick'
  | 'corpus:dropped'
  | 'corpus:summarize'
  | 'training:start'
  | 'training:cancel'
  | 'training:resume'
  | 'training:list';

export function createTrainingHandlers(options: {
  training: TrainingService;
  dialogs: { pickCorpus(folders: boolean): Promise<string[] | null> };
  summarizer?: CorpusSummarizerOptions;
}): Pick<HandlerTable, TrainingChannel> {
  const { training, dialogs } = options;
  const corpusGrants = new CorpusGrants();
  return {
    'corpus:pick': async ({ folders }) => {
      const paths = await dialogs.pickCorpus(folders);
      return paths && paths.length ? { paths: corpusGrants.grant(paths) } : null;
    },
    'corpus:dropped': async ({ paths }) => ({ paths: await corpusGrants.grantDropped(paths) }),
    'corpus:summarize': async ({ paths }) => {
      corpusGrants.check(paths);
      // read and counted in a thread: no file's text reaches main, and main's event loop stays free
      return summarizeCorpus(paths, options.summarizer);
    },
    'training:start': async (request) => {
      corpusGrants.check(request.paths);
      return training.start(request);
    },
    'training:cancel': async ({ jobId }) => {
      await training.cancel(jobId);
      return null;
    },
    'training:resume': async ({ jobId, budget }) => training.resume(jobId, budget),
    'training:list': async () => training.list(),
  };
}
