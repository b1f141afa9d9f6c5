import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './src/model/backend';
import { PRESETS } from './src/model/config';
import { initParams } from './src/model/params';
import { computeGradients } from './src/model/sequence-lstm';
await initBackend();
const size = (process.argv[2] ?? 'M') as 'M';
const cfg = PRESETS[size];
const V = 65,
  B = 64,
  T = 100;
const params = initParams(cfg, V, 1);
const inputs = new Int32Array(B * T).map(() => Math.floor(Math.random() * V));
const targets = new Int32Array(B * T).map(() => Math.floor(Math.random() * V));
for (let k = 0; k < 4; k++) {
  const t0 = performance.now();
  const r = await computeGradients(params, { batch: B, steps: T, inputs, targets }, { dropout: cfg.dropout, seed: k });
  for (const g of r.grads.values()) await g.data();
  const dt = performance.now() - t0;
  console.log(
    size,
    'step ms',
    dt.toFixed(0),
    'chars/s',
    (((B * T) / dt) * 1000).toFixed(0),
    'loss',
    (r.lossSum / r.count).toFixed(3),
    'tensors',
    tf.memory().numTensors,
  );
  for (const g of r.grads.values()) g.dispose();
}
