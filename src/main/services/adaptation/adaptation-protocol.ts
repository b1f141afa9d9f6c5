/** The messages between main and the adaptation thread (adaptation-worker.ts). */
import type { NetworkConfig } from '../../../model/network/config';

export type ToAdaptationWorker =
  | {
      type: 'adapt';
      job: number;
      docId: string;
      modelId: string;
      network: NetworkConfig;
      vocabSize: number;
      /** The model's flat weights: sent with the first job of each model only. */
      base?: Float32Array;
      ids: Int32Array;
    }
  | { type: 'forget'; docId: string };

export type FromAdaptationWorker =
  { type: 'adapted'; job: number; params: Float32Array } | { type: 'failed'; job: number; message: string };
