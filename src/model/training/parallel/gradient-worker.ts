/**
 * A data-parallel gradient worker: one shard of each batch, its gradients
 * written into its slot of the shared gradient buffer, the loss reported.
 * With the `tensors` engine it keeps its own tfjs backend and a replica of the
 * weights (re-read from shared memory when they change); with `native` the
 * compiled kernel reads the shared weights in place and loads no tfjs at all.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { cancelledError, isPenwrightError } from '../../errors';
import type { SequenceBatch } from '../../network/sequence-lstm';
import type { FromWorker, GradientWorkerData, ToWorker } from './protocol';

const data = workerData as GradientWorkerData;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

type Step = Extract<ToWorker, { type: 'step' }>;
interface Engine {
  label: string;
  step(msg: Step): Promise<{ lossSum: number; count: number }>;
  cancel(): void;
}

async function tensorEngine(): Promise<Engine> {
  const tf = await import('@tensorflow/tfjs-core');
  const { initBackend } = await import('../../network/backend');
  const { computeGradients } = await import('../../network/sequence-lstm');
  const { ParamLayout } = await import('./param-layout');
  const report = await initBackend(data.backend);
  const layout = new ParamLayout(data.network, data.vocabSize);
  const paramsView = new Float32Array(data.params);
  const gradView = new Float32Array(data.grads, data.slot * layout.total * 4, layout.total);
  let params: Map<string, import('@tensorflow/tfjs-core').Tensor> | undefined;
  let paramsVersion = -1;
  let controller: AbortController | undefined;
  return {
    label: report.label,
    async step(msg) {
      if (msg.paramsVersion !== paramsVersion) {
        if (params) tf.dispose([...params.values()]);
        params = layout.read(paramsView);
        paramsVersion = msg.paramsVersion;
      }
      controller = new AbortController();
      const r = await computeGradients(params!, msg.shard, { dropout: msg.dropout, signal: controller.signal });
      layout.write(r.grads, gradView);
      tf.dispose([...r.grads.values()]);
      return { lossSum: r.lossSum, count: r.count };
    },
    cancel: () => controller?.abort(),
  };
}

async function nativeEngine(): Promise<Engine> {
  const { kernelNetwork, nativeKernel, nativeLabel } = await import('../../network/native-kernel');
  const native = nativeKernel();
  if (!native.available) throw new Error(native.reason);
  const network = kernelNetwork(data.network, data.vocabSize);
  const params = new Float32Array(data.params);
  const total = params.length;
  const grads = new Float32Array(data.grads, data.slot * total * 4, total);
  const abort = data.abort ? new Int32Array(data.abort) : undefined;
  return {
    label: nativeLabel(native.variant),
    async step(msg) {
      // one synchronous call, stopped mid-pass by the shared abort flag (this
      // thread cannot read a cancel message until the call returns)
      const b: SequenceBatch = msg.shard;
      const lossSum = native.kernel.gradients(
        network,
        params,
        grads,
        b.inputs,
        b.targets,
        b.batch,
        b.steps,
        msg.dropout,
        b.windowSeeds ?? null,
        abort,
      );
      if (lossSum === null) throw cancelledError('Training');
      return { lossSum, count: b.batch * b.steps };
    },
    cancel: () => undefined,
  };
}

const engine = await (data.engine === 'native' ? nativeEngine() : tensorEngine());

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    engine.cancel();
    return;
  }
  if (data.crashOnStep === msg.id) process.exit(3);
  engine
    .step(msg)
    .then((r) => post({ type: 'done', id: msg.id, ...r }))
    .catch((e: unknown) =>
      post({
        type: 'failed',
        id: msg.id,
        cancelled: isPenwrightError(e, 'CANCELLED'),
        message: e instanceof Error ? e.message : String(e),
      }),
    );
});

post({ type: 'ready', backend: engine.label });
