/**
 * Main's side of the adaptation thread (adaptation-worker.ts): one thread,
 * started on the first adaptation, that runs the jobs in order. A thread that
 * dies fails the jobs it had (the suggestion service logs it and carries on on
 * the weights it has) and the next job starts a new one.
 */
import type { Worker } from 'node:worker_threads';
import type { Adaptation, AdaptationJob } from '../../../model/suggesting/adaptation-runner';
import { siblingModule, startWorker } from '../../../model/training/parallel/start-worker';
import type { FromAdaptationWorker, ToAdaptationWorker } from './adaptation-protocol';

export class AdaptationThread implements Adaptation {
  private worker: Worker | null = null;
  /** The model whose base weights the thread holds. */
  private modelId: string | null = null;
  private next = 0;
  private readonly jobs = new Map<number, { resolve: (p: Float32Array) => void; reject: (e: Error) => void }>();
  /**
   * Shared with the thread, which waits while the writer is at it: [0] the
   * suggestions being computed on main, [1] when the last one was asked for
   * or answered (Date.now() cut to 32 bits: the one clock both threads read alike).
   */
  private readonly inFlight = new Int32Array(new SharedArrayBuffer(8));

  constructor(private readonly workerUrl: URL = siblingModule(import.meta.url, 'adaptation-worker')) {}

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(this.workerUrl, { busy: this.inFlight.buffer });
    worker.unref();
    worker.on('message', (m: FromAdaptationWorker) => {
      const job = this.jobs.get(m.job);
      this.jobs.delete(m.job);
      if (m.type === 'adapted') job?.resolve(m.params);
      else job?.reject(new Error(`Learning the document failed: ${m.message}`));
    });
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.modelId = null;
      for (const job of this.jobs.values()) job.reject(new Error(`The adaptation thread stopped (${why}).`));
      this.jobs.clear();
    };
    worker.on('error', (e) => lost(e.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  adapt(job: AdaptationJob): Promise<Float32Array> {
    const worker = this.thread();
    const id = this.next++;
    const message: ToAdaptationWorker = {
      type: 'adapt',
      job: id,
      docId: job.docId,
      modelId: job.modelId,
      network: job.network,
      vocabSize: job.vocabSize,
      ids: job.ids,
      // the base goes once per model (a few megabytes): the thread keeps it
      ...(this.modelId === job.modelId ? {} : { base: job.base }),
    };
    this.modelId = job.modelId;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      worker.postMessage(message);
    });
  }

  busy(suggestionsInFlight: number): void {
    // Date.now() cut to 32 bits (`| 0`): the thread compares differences cut the same way
    Atomics.store(this.inFlight, 1, Date.now() | 0);
    Atomics.store(this.inFlight, 0, suggestionsInFlight);
    if (suggestionsInFlight === 0) Atomics.notify(this.inFlight, 0);
  }

  forget(docId: string): void {
    this.worker?.postMessage({ type: 'forget', docId } satisfies ToAdaptationWorker);
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.modelId = null;
    for (const job of this.jobs.values()) job.reject(new Error('The app is closing.'));
    this.jobs.clear();
    await worker?.terminate();
  }
}
