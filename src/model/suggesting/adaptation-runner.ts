/**
 * Who runs a document's adaptation (adaptation.ts): the suggestion service
 * hands it the latest text and gets the adapted weights back. In the app a
 * thread of its own runs it (main/services/adaptation/adaptation-thread.ts),
 * so typing never waits; the benchmark and tests run it here, in order.
 */
import type { NetworkConfig } from '../network/config';
import { DocumentAdapter, gradientFunction, type AdaptationSettings, type GradientFn } from './adaptation';

export interface AdaptationJob {
  docId: string;
  /** The model whose copy learns; a different one starts the document again from its base. */
  modelId: string;
  network: NetworkConfig;
  vocabSize: number;
  /** The model's weights, flat (ParamLayout's order). Not changed. */
  base: Float32Array;
  /** The latest text's ids (its tail is what is learned). */
  ids: Int32Array;
  settings?: AdaptationSettings;
}

export interface Adaptation {
  /** Learns the job's text into its document's copy; resolves to the adapted weights (a copy the caller keeps). */
  adapt(job: AdaptationJob): Promise<Float32Array>;
  /** Drops a document's copy (closed, or back to the base). */
  forget(docId: string): void;
  /** How many suggestions are being computed now: while any is, the work waits between its steps. */
  busy?(suggestionsInFlight: number): void;
  dispose(): Promise<void>;
}

/** Each document's adapter, for the model it learns on: shared by both runners. */
export class Adapters {
  private readonly byDoc = new Map<string, { modelId: string; adapter: DocumentAdapter }>();
  private gradients: { modelId: string; fn: GradientFn } | undefined;

  async adapt(job: AdaptationJob, pause?: () => Promise<void>): Promise<Float32Array> {
    let entry = this.byDoc.get(job.docId);
    if (!entry || entry.modelId !== job.modelId) {
      if (this.gradients?.modelId !== job.modelId) {
        this.gradients = { modelId: job.modelId, fn: gradientFunction(job.network, job.vocabSize) };
      }
      const adapter = new DocumentAdapter(job.base, job.network, job.vocabSize, this.gradients.fn, job.settings);
      this.byDoc.set(job.docId, (entry = { modelId: job.modelId, adapter }));
    }
    await entry.adapter.adapt(job.ids, pause);
    return Float32Array.from(entry.adapter.params);
  }

  forget(docId: string): void {
    this.byDoc.delete(docId);
  }

  clear(): void {
    this.byDoc.clear();
  }
}

/** Runs adaptations on this thread, one at a time as asked (the benchmark, tests). */
export class InProcessAdaptation implements Adaptation {
  private readonly adapters = new Adapters();
  /** Jobs run so far (tests). */
  runs = 0;

  async adapt(job: AdaptationJob): Promise<Float32Array> {
    this.runs++;
    return this.adapters.adapt(job);
  }

  forget(docId: string): void {
    this.adapters.forget(docId);
  }

  async dispose(): Promise<void> {
    this.adapters.clear();
  }
}
