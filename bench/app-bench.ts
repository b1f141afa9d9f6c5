/**
 * `npm run bench:app`: the desktop app's back half under load, as one JSON
 * object. Targets: main's event loop never blocks more than 50 ms while a model
 * trains (p99 of the event-loop delay during a training job, with suggestion
 * requests arriving meanwhile), and a suggestion round trip through the handler
 * table adds at most 5 ms to the model core's own latency.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppServices } from '../src/main/services/app-services';
import { DEFAULT_MODEL_DIR } from '../src/model/storage/default-model';
import { loadModel, disposeModel } from '../src/model/storage/persistence';
import { SuggestionSession } from '../src/model/suggesting/session';
import type { OpenedDocument, Responses } from '../src/shared/ipc-contract';
import { median, percentile, round } from './stats';

const log = (m: string) => process.stderr.write(`[bench:app] ${m}\n`);
const DATA = join(import.meta.dirname, 'data');
const seconds = Number(process.env.BENCH_TRAIN_SECONDS ?? 40);

async function main() {
  if (!existsSync(join(DEFAULT_MODEL_DIR, 'penwright.json'))) throw new Error('the default model is missing');
  const root = mkdtempSync(join(tmpdir(), 'penwright-bench-'));
  // training reads only what the writer chose: the dialog answers with the bench's corpus
  let chosen: string[] | null = null;
  const services = await createAppServices({
    userDataDir: join(root, 'user-data'),
    defaultModelDir: DEFAULT_MODEL_DIR,
    dialogs: {
      openDocument: async () => null,
      saveDocument: async () => null,
      pickCorpus: async () => chosen,
      exportModel: async () => null,
      importModel: async () => null,
      exportReport: async () => null,
    },
    emit: () => {},
    version: 'bench',
  });
  const call = async <T>(channel: string, payload: unknown): Promise<T> => {
    const r = await services.dispatch(channel, payload);
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as T;
  };
  const text = readFileSync(join(DATA, 'moby-dick.txt'), 'utf8').slice(400_000, 401_000);
  const options = { temperatures: [0.2, 0.5, 0.8, 1.2], maxChars: 48, stop: 'none' as const };

  log('suggestion round trip vs the model core');
  const doc = await call<OpenedDocument>('documents:new', {});
  const viaIpc: number[] = [];
  for (let i = 0; i < 120; i++) {
    const t0 = performance.now();
    await call<Responses['suggestions:request']>('suggestions:request', {
      docId: doc.docId,

      textBefore: text,
      ...options,
      seed: i + 1,
    });
    if (i >= 20) viaIpc.push(performance.now() - t0);
  }
  const model = await loadModel(DEFAULT_MODEL_DIR);
  const session = new SuggestionSession(model);
  session.setText(text);
  const direct: number[] = [];
  for (let i = 0; i < 120; i++) {
    const t0 = performance.now();
    session.setText(text);
    await session.suggest({ ...options, seed: i + 1 });
    if (i >= 20) direct.push(performance.now() - t0);
  }
  session.dispose();
  disposeModel(model);

  log(`event-loop delay during a ${seconds} s training job, with suggestions every 250 ms`);
  const corpus = join(root, 'writing.txt');
  writeFileSync(corpus, readFileSync(join(DATA, 'moby-dick.txt'), 'utf8').slice(0, 300_000));
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  chosen = [corpus];
  await call('corpus:pick', { folders: false });
  const job = await call<{ jobId: string }>('training:start', {
    name: 'bench',
    paths: [corpus],
    preset: 'M',
    baseModelId: null,
    budget: { minutes: 60 },
  });
  await new Promise((r) => setTimeout(r, 3000)); // let the worker start
  histogram.enable();
  const during: number[] = [];
  const until = performance.now() + seconds * 1000;
  let i = 0;
  while (performance.now() < until) {
    const t0 = performance.now();
    await call('suggestions:request', {
      docId: doc.docId,

      textBefore: text + ' '.repeat(i % 3),
      ...options,
    });
    during.push(performance.now() - t0);
    i++;
    await new Promise((r) => setTimeout(r, 250));
  }
  histogram.disable();
  const jobs = await call<{ progress: { step: number; charsPerSecond: number } | null }[]>('training:list', {});
  await call('training:cancel', { jobId: job.jobId });
  await services.shutdown();
  rmSync(root, { recursive: true, force: true });

  const ms = (ns: number) => round(ns / 1e6, 1);
  process.stdout.write(
    `${JSON.stringify(
      {
        suggest_direct_p50_ms: round(median(direct)),
        suggest_ipc_p50_ms: round(median(viaIpc)),
        ipc_overhead_p50_ms: round(median(viaIpc) - median(direct)),
        suggest_ipc_p95_ms: round(percentile(viaIpc, 95)),
        training: {
          seconds,
          steps_done: jobs[0]?.progress?.step ?? null,
          chars_per_s: Math.round(jobs[0]?.progress?.charsPerSecond ?? 0),
        },
        event_loop_delay_ms: {
          p50: ms(histogram.percentile(50)),
          p99: ms(histogram.percentile(99)),
          max: ms(histogram.max),
        },
        suggest_during_training_p50_ms: round(median(during)),
        suggest_during_training_p95_ms: round(percentile(during, 95)),
      },
      null,
      2,
    )}\n`,
  );
}

await main();
