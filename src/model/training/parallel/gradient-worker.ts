/**
 * A data-parallel gradient worker: its own tfjs backend, a replica of the
 * weights read from shared memory, and one shard of each batch. It writes its
 * gradients into its slot of the shared gradient buffer and reports the loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../network/backend';
import { isPenwrightError } from '../../errors';
import type { ParamMap } from '../../network/params';
import { computeGradients } from '../../network/sequence-lstm';
import { ParamLayout } from './param-layout';
import type { FromWorker, GradientWorkerData, ToWorker } from './protocol';

const data = workerData as GradientWorkerData;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

const report = await initBackend(data.backend);
const layout = new ParamLayout(data.network, data.vocabSize);
const paramsView = new Float32Array(data.params);
const gradView = new Float32Array(data.grads, data.slot * layout.total * 4, layout.total);
let params: ParamMap | undefined;
let paramsVersion = -1;
let controller: AbortController | undefined;

async function step(msg: Extract<ToWorker, { type: 'step' }>): Promise<void> {
  if (data.crashOnStep === msg.id) process.exit(3);
  if (msg.paramsVersion !== paramsVersion) {
    if (params) tf.dispose([...params.values()]);
    params = layout.read(paramsView);
    paramsVersion = msg.paramsVersion;
  }
  controller = new AbortController();
  const r = await computeGradients(params!, msg.shard, { dropout: msg.dropout, signal: controller.signal });
  layout.write(r.grads, gradView);
  tf.dispose([...r.grads.values()]);
  post({ type: 'done', id: msg.id, lossSum: r.lossSum, count: r.count });
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    controller?.abort();
    return;
  }
  step(msg).catch((e: unknown) =>
    post({
      type: 'failed',
      id: msg.id,
      cancelled: isPenwrightError(e, 'CANCELLED'),
      message: e instanceof Error ? e.message : String(e),
    }),
  );
});

post({ type: 'ready', backend: report.label });
