/**
 * The adaptation thread: learns each open document into its own copy of the
 * model's weights (model/suggesting/adaptation.ts) when main asks, one job at
 * a time, so "learn this document as I write" takes at most one core and main's
 * event loop (typing, ghost text) never waits for a gradient step. It keeps the
 * model's base weights (sent once per model) and every document's copy between
 * jobs; main keeps nothing but the weights each job sends back. Between its
 * gradient calls (a few windows each) it waits while the writer is typing
 * (main keeps a count of suggestions in flight and the time of the last one
 * in shared memory), so on a machine whose other cores are busy the ghost
 * text waits for at most one call.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../../model/network/backend';
import { nativeKernel } from '../../../model/network/native-kernel';
import { Adapters } from '../../../model/suggesting/adaptation-runner';
import type { FromAdaptationWorker, ToAdaptationWorker } from './adaptation-protocol';
import { lowerThreadPriority } from '../../../model/system/thread-priority';

const port = parentPort!;
// the writer's typing goes first (thread-priority.ts)
lowerThreadPriority();
const adapters = new Adapters();
let base: { modelId: string; weights: Float32Array } | undefined;
let queue: Promise<void> = Promise.resolve();
let backendReady: Promise<unknown> | undefined;
/** Suggestions main is computing now (adaptation-thread.ts keeps it). */
const busy = new Int32Array((workerData as { busy: SharedArrayBuffer }).busy);
/** The longest a job waits for the suggestions at one pause: it must finish some time. */
const MAX_WAIT_MS = 2000;

/** The writer counts as typing this long after main's last suggestion request (document-adaptations.ts's TYPING_MS). */
const TYPING_MS = 400;

// the clock is Date.now() cut to 32 bits by main; the difference, cut the same way, survives its wrapping
const typing = () => Atomics.load(busy, 0) > 0 || ((Date.now() - Atomics.load(busy, 1)) | 0) < TYPING_MS;

/** Between gradient calls: wait while the writer types (on two cores the renderer needs the other one). */
async function giveWay(): Promise<void> {
  const until = performance.now() + MAX_WAIT_MS;
  while (typing() && performance.now() < until) Atomics.wait(busy, 0, Atomics.load(busy, 0), 20);
}

async function run(m: Extract<ToAdaptationWorker, { type: 'adapt' }>): Promise<FromAdaptationWorker> {
  try {
    if (m.base) base = { modelId: m.modelId, weights: m.base };
    if (base?.modelId !== m.modelId) throw new Error('the adaptation thread has no weights for this model');
    // tfjs is the fallback where the compiled kernel does not load
    if (!nativeKernel().available) await (backendReady ??= initBackend());
    const params = await adapters.adapt({ ...m, base: base.weights }, giveWay);
    return { type: 'adapted', job: m.job, params };
  } catch (e) {
    return { type: 'failed', job: m.job, message: e instanceof Error ? e.message : String(e) };
  }
}

port.on('message', (m: ToAdaptationWorker) => {
  if (m.type === 'forget') {
    queue = queue.then(() => adapters.forget(m.docId));
    return;
  }
  queue = queue
    .then(() => run(m))
    .then((answer) => {
      const transfer = answer.type === 'adapted' ? [answer.params.buffer as ArrayBuffer] : [];
      port.postMessage(answer, transfer);
    })
    // one job's failure to answer must not stop the ones after it
    .catch((e: unknown) => port.postMessage({ type: 'failed', job: m.job, message: String(e) }));
});
