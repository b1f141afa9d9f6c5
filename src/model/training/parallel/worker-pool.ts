/**
 * Data-parallel training over worker threads, for the wasm backend (which is
 * single-threaded in Node). The training thread is worker 0: each step it
 * writes the current weights into shared memory, sends every helper one shard
 * of the batch, computes its own shard, and then sums the helpers' gradients
 * (read straight from a SharedArrayBuffer) with its own, weighted by shard
 * size, so the result is the gradient of the whole batch. The optimiser
 * update runs once, on the training thread, and the next step broadcasts the
 * new weights: every replica works from identical weights, and clipping, Adam
 * state, checkpoints, resume and fine-tuning stay exactly as with one thread.
 *
 * Bytes moved per step: the weights once into shared memory (4P bytes) and
 * each helper's gradients once out of it (4P bytes per helper).
 *
 * With the `native` engine (NativeEngine) the shared weights are the master
 * copy that the compiled kernel updates in place, so nothing is published,
 * and every shard goes to a helper (helper i, slot i): the training thread
 * only waits, so it hears a cancel at once and sets the shared abort flag
 * that stops the helpers' kernels mid-pass.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Worker } from 'node:worker_threads';
import type { BackendOptions } from '../../network/backend';
import { shardBatch } from '../batches';
import type { NetworkConfig } from '../../network/config';
import { PenwrightError, cancelledError, isPenwrightError } from '../../errors';
import type { ParamMap } from '../../network/params';
import {
  computeGradients,
  type GradientResult,
  type PassOptions,
  type SequenceBatch,
} from '../../network/sequence-lstm';
import { ParamLayout } from './param-layout';
import type { FromWorker, GradientEngine, GradientWorkerData, ToWorker } from './protocol';
import { siblingModule, startWorker } from './start-worker';

export interface WorkerPoolOptions {
  /** Default `tensors`. */
  engine?: GradientEngine;
  /** The shared weights, gradient slots and abort flag (`native`: the NativeEngine’s); allocated here when absent. */
  buffers?: { params: SharedArrayBuffer; grads: SharedArrayBuffer; abort?: SharedArrayBuffer };
  network: NetworkConfig;
  vocabSize: number;
  /** Threads in all, the training thread included (so threads - 1 helpers). */
  threads: number;
  backend?: BackendOptions;
  /** The worker script; defaults to gradient-worker beside this file (.ts under tsx, .js when built). */
  workerUrl?: URL;
  /** Tests only: helper 1 exits when it receives this step. */
  crashOnStep?: number;
}

interface Helper {
  worker: Worker;
  pending?: { id: number; resolve: (m: ShardResult) => void; reject: (e: Error) => void };
  dead?: string;
}

/** A shard's result from one thread. */
export interface ShardResult {
  lossSum: number;
  count: number;
}

export class GradientWorkerPool {
  readonly threads: number;
  private readonly engine: GradientEngine;
  private readonly layout: ParamLayout;
  private readonly paramsView: Float32Array;
  private readonly gradsBuffer: SharedArrayBuffer;
  private readonly helpers: Helper[] = [];
  private paramsVersion = 0;
  private stepId = 0;

  private constructor(options: WorkerPoolOptions) {
    this.threads = options.threads;
    this.engine = options.engine ?? 'tensors';
    this.layout = new ParamLayout(options.network, options.vocabSize);
    this.paramsView = new Float32Array(options.buffers?.params ?? new SharedArrayBuffer(this.layout.total * 4));
    this.gradsBuffer =
      options.buffers?.grads ?? new SharedArrayBuffer(this.layout.total * 4 * Math.max(1, options.threads - 1));
  }

  /**
   * Starts the helpers (threads - 1 with the tensor engine, whose training
   * thread computes a shard too; threads with `native`) and waits until each
   * is ready.
   */
  static async start(options: WorkerPoolOptions): Promise<GradientWorkerPool> {
    const pool = new GradientWorkerPool(options);
    const url = options.workerUrl ?? siblingModule(import.meta.url, 'gradient-worker');
    const ready: Promise<void>[] = [];
    const helpers = pool.engine === 'native' ? options.threads : options.threads - 1;
    for (let slot = 0; slot < helpers; slot++) {
      const workerData: GradientWorkerData = {
        engine: pool.engine,
        network: options.network,
        vocabSize: options.vocabSize,
        params: pool.paramsView.buffer as SharedArrayBuffer,
        grads: pool.gradsBuffer,
        slot,
        abort: options.buffers?.abort,
        backend: { prefer: ['wasm', 'cpu'], ...options.backend },
        crashOnStep: slot === 0 ? options.crashOnStep : undefined,
      };
      const helper: Helper = { worker: startWorker(url, workerData) };
      pool.helpers.push(helper);
      ready.push(
        new Promise<void>((resolve, reject) => {
          helper.worker.on('message', (m: FromWorker) => {
            if (m.type === 'ready') resolve();
            else pool.onResult(helper, m);
          });
          const fail = (why: string) => {
            helper.dead = why;
            reject(new PenwrightError('WORKER_FAILED', `A training thread failed to start: ${why}`));
            helper.pending?.reject(
              new PenwrightError('WORKER_FAILED', `A training thread stopped unexpectedly (${why}).`),
            );
            helper.pending = undefined;
          };
          helper.worker.on('error', (e) => fail(e.message));
          helper.worker.on('exit', (code) => fail(`exit code ${code}`));
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await pool.dispose();
      throw e;
    }
    return pool;
  }

  private onResult(helper: Helper, m: FromWorker): void {
    const pending = helper.pending;
    if (!pending || m.type === 'ready' || m.id !== pending.id) return;
    helper.pending = undefined;
    if (m.type === 'done') pending.resolve(m);
    else pending.reject(m.cancelled ? cancelledError('Training') : new PenwrightError('WORKER_FAILED', m.message));
  }

  private send(helper: Helper, message: ToWorker): Promise<ShardResult> {
    if (helper.dead)
      return Promise.reject(new PenwrightError('WORKER_FAILED', `A training thread stopped (${helper.dead}).`));
    return new Promise((resolve, reject) => {
      helper.pending = { id: (message as { id: number }).id, resolve, reject };
      helper.worker.postMessage(message);
    });
  }

  /** The weights changed (an optimiser step, a resume): helpers must re-read them. */
  private publish(params: ParamMap): void {
    this.layout.write(params, this.paramsView);
    this.paramsVersion++;
  }

  /**
   * Sends shards 1.. of the batch to the helpers, runs `own` on shard 0 here,
   * and waits for all. Returns `own`'s result and the helpers' (in slot order);
   * if anything fails, `release` frees what `own` returned and the error is thrown.
   */
  async runShards<T>(
    data: SequenceBatch,
    dropout: number,
    own: (shard: SequenceBatch) => Promise<T>,
    release: (mine: T) => void = () => undefined,
  ): Promise<{ mine: T; parts: ShardResult[] }> {
    const shards = shardBatch(data, this.threads);
    const id = ++this.stepId;
    const remote = shards
      .slice(1)
      .map((shard, i) =>
        this.send(this.helpers[i], { type: 'step', id, paramsVersion: this.paramsVersion, shard, dropout }),
      );
    // never leave a rejection unobserved (tfjs-wasm turns those into crashes)
    const settled = Promise.allSettled(remote);
    let mine: T;
    try {
      mine = await own(shards[0]);
    } catch (e) {
      for (const h of this.helpers) h.worker.postMessage({ type: 'cancel' } satisfies ToWorker);
      await settled;
      throw e;
    }
    const results = await settled;
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      release(mine);
      throw failure.reason;
    }
    return { mine, parts: results.map((r) => (r as PromiseFulfilledResult<ShardResult>).value) };
  }

  /**
   * Spreads the batch over the helpers alone (the native engine): helper i
   * writes its shard's gradients into slot i. The results in slot order; a
   * helper's failure wins over another's cancellation.
   */
  async computeShards(data: SequenceBatch, dropout: number): Promise<ShardResult[]> {
    const shards = shardBatch(data, this.helpers.length);
    const id = ++this.stepId;
    const results = await Promise.allSettled(
      shards.map((shard, i) =>
        this.send(this.helpers[i], { type: 'step', id, paramsVersion: this.paramsVersion, shard, dropout }),
      ),
    );
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length > 0) {
      throw (failures.find((f) => !isPenwrightError(f.reason, 'CANCELLED')) ?? failures[0]).reason;
    }
    return results.map((r) => (r as PromiseFulfilledResult<ShardResult>).value);
  }

  /** Same contract as `computeGradients`, with the batch spread over all threads. */
  async computeGradients(params: ParamMap, data: SequenceBatch, options: PassOptions): Promise<GradientResult> {
    this.publish(params);
    const { mine: own, parts } = await this.runShards(
      data,
      options.dropout,
      (shard) => computeGradients(params, shard, options),
      (r) => tf.dispose([...r.grads.values()]),
    );
    const total = own.count + parts.reduce((n, p) => n + p.count, 0);
    const grads: ParamMap = new Map();
    for (const slot of this.layout.slots) {
      const mine = own.grads.get(slot.name)!;
      grads.set(
        slot.name,
        tf.tidy(() => {
          let sum = tf.mul(mine, own.count / total);
          parts.forEach((p, i) => {
            const offset = i * this.layout.total + slot.offset;
            const view = new Float32Array(this.gradsBuffer, offset * 4, slot.size);
            sum = tf.add(sum, tf.mul(tf.tensor(view, slot.shape), p.count / total));
          });
          return sum;
        }),
      );
      mine.dispose();
    }
    return { lossSum: own.lossSum + parts.reduce((n, p) => n + p.lossSum, 0), count: total, grads };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
  }
}
