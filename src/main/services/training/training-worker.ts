/**
 * The background training job, in its own thread so the app's main event loop
 * never waits for it: reads the corpus, trains (data-parallel over helper
 * threads when asked), and reports progress, the loss curve and sample text
 * at a low, middle and high temperature after each evaluation. At the end it
 * types some of the writer's held-out text with each model's ghost text
 * (typing-simulation.ts), so the result can say what the new model would
 * have saved them beside the base (or default) model.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../../model/network/backend';
import { readCorpus, requireText } from '../../../model/text/corpus';
import { isPenwrightError } from '../../../model/errors';
import { disposeModel, loadModel, type CharModel } from '../../../model/storage/persistence';
import { SuggestionSession } from '../../../model/suggesting/session';
import { measureKeystrokes } from '../../../model/suggesting/keystroke-report';
import { train } from '../../../model/training/train';
import type { KeystrokeReport, TrainingProgress } from '../../../shared/ipc-contract';
import type { FromTrainingWorker, ToTrainingWorker, TrainingWorkerData } from './training-protocol';
import { lowerThreadPriority } from '../../../model/system/thread-priority';

const data = workerData as TrainingWorkerData;
// the writer's typing goes first; the helper threads this thread starts inherit it (thread-priority.ts)
lowerThreadPriority();
const port = parentPort!;
const post = (m: FromTrainingWorker) => port.postMessage(m);
const controller = new AbortController();
port.on('message', (m: ToTrainingWorker) => {
  if (m.type === 'cancel') controller.abort();
});

const SAMPLE_TEMPERATURES = [0.3, 0.7, 1.1];

async function samples(model: CharModel, prompt: string) {
  const session = new SuggestionSession(model, { contextChars: 300 });
  try {
    session.setText(prompt);
    const out = await session.suggest({ temperatures: SAMPLE_TEMPERATURES, maxChars: 140, seed: 7 });
    return out.map((s) => ({ temperature: s.temperature, text: s.text }));
  } finally {
    session.dispose();
  }
}

/**
 * What the finished model's ghost text would have saved the writer, beside
 * the base (or default) model's (keystroke-report.ts). Never fails the job:
 * the model is already saved, and a failure here only leaves the report out
 * (logged).
 */
async function keystrokeReport(
  model: CharModel,
  base: CharModel | undefined,
  other: CharModel | undefined,
  documents: string[],
  last: TrainingProgress | null,
): Promise<KeystrokeReport | null> {
  const ghost = data.ghost;
  if (!ghost) return null; // the editor shows no ghost text with these settings
  if (last) post({ type: 'progress', progress: { ...last, phase: 'measuring' } });
  try {
    return await measureKeystrokes({ model, base, other, documents, ghost, signal: controller.signal });
  } catch (e) {
    console.error('[penwright] training: measuring keystrokes saved:', e);
    return null;
  }
}

async function run(): Promise<void> {
  await initBackend(data.backend);
  // the walk and the reading stop when the job is cancelled, as training does
  const corpus = await readCorpus(data.paths, { signal: controller.signal });
  post({ type: 'corpus', summary: corpus.summary });
  requireText(corpus);
  const documents = corpus.documents.map((d) => d.text);
  // sample from the start of the first document's held-out text: the writer's own words
  const first = documents[0];
  const cut = Math.round(first.length * 0.9);
  const prompt = first.slice(Math.max(0, cut - 200), cut);

  const base = data.baseModelDir ? await loadModel(data.baseModelDir) : undefined;
  const compare =
    !base && data.compareModelDir ? await loadModel(data.compareModelDir).catch(() => undefined) : undefined;
  let reports = 0;
  let last: TrainingProgress | null = null;
  try {
    const result = await train({
      documents,
      corpusSummary: corpus.summary,
      outDir: data.outDir,
      name: data.name,
      preset: data.preset,
      base,
      compareWith: compare,
      resume: data.resume,
      maxSteps: data.budget.steps,
      maxSeconds: data.budget.minutes ? data.budget.minutes * 60 : undefined,
      evalEverySeconds: 30,
      // three minutes without getting better at the writer's held-out text: done
      // (small corpora stop learning long before the larger presets' time is up)
      patience: 6,
      maxValidationWindows: 256,
      checkpointEverySeconds: 120,
      threads: data.threads,
      workerBackend: data.backend,
      trainingBackend: data.trainingBackend,
      trainingBackendCache: data.trainingBackendCache,
      // built: gradient-worker.js is emitted beside this entry; from source the pool finds its own
      gradientWorkerUrl: import.meta.url.endsWith('.ts') ? undefined : new URL('./gradient-worker.js', import.meta.url),
      signal: controller.signal,
      onProgress: (progress) => {
        last = progress;
        post({ type: 'progress', progress });
        if (data.crashAfterReports !== undefined && ++reports >= data.crashAfterReports) process.exit(7);
      },
      onEvaluation: async ({ chars, trainLoss, valLoss, model }) => {
        post({ type: 'evaluation', chars, trainLoss, valLoss, samples: await samples(model, prompt) });
      },
    });
    const meta = result.model.meta;
    const keystrokes =
      result.stoppedBy === 'cancelled'
        ? null
        : await keystrokeReport(result.model, base, base ?? compare, documents, last);
    disposeModel(result.model);
    post({
      type: 'done',
      stoppedBy: result.stoppedBy,
      valLoss: meta.metrics.valLoss,
      base: meta.baseModel ?? meta.comparison,
      keystrokes,
    });
  } finally {
    if (base) disposeModel(base);
    if (compare) disposeModel(compare);
  }
}

run()
  .catch((e: unknown) => {
    post({
      type: 'error',
      code: isPenwrightError(e) ? e.code : 'INTERNAL',
      message: e instanceof Error ? e.message : String(e),
    });
  })
  .finally(() => port.close()); // lets the thread end
