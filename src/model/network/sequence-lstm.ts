/**
 * The whole-sequence char-LSTM used for training and evaluation, with a
 * hand-written backward pass. One long file on purpose (over 300 lines): the
 * forward and backward passes mirror each other and are read side by side.
 *
 * Why not tfjs-layers: its LSTM issues thousands of small ops per step and
 * leaves the weight gradients inside the time loop. Here the input projection
 * of every time step is one matmul, only the recurrent product and the gates
 * run inside the loop, and the weight gradients are whole-sequence matmuls
 * after the backward loop. Rows are time-major: row t*B + b is time t of
 * sequence b, so the rows of one time step are contiguous and slicing them is
 * a cheap copy.
 *
 * tanh(x) is computed as 2*sigmoid(2x) - 1 (exact in real arithmetic): on wasm
 * tanh is ~8x slower than sigmoid, and it lets one sigmoid cover all four gates
 * when the g-block pre-activation is doubled.
 *
 * Gradients are checked against tfjs autodiff of a plain per-step LSTM in
 * test/model/sequence-lstm.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamMap } from './params';
import { cancelledError } from '../errors';
import { Rng } from '../rng';

/** Sequences of token ids arranged for one step of training or evaluation. */
export interface SequenceBatch {
  /** Batch size B. */
  batch: number;
  /** Time steps T. */
  steps: number;
  /** Input ids, time-major: [T*B]. */
  inputs: Int32Array;
  /** Target ids (the next character), time-major: [T*B]. */
  targets: Int32Array;
  /**
   * One dropout seed per sequence [B]. Masks are drawn per sequence, so a
   * batch split across data-parallel workers gets exactly the masks it would
   * get whole.
   */
  windowSeeds?: Int32Array;
}

export interface PassOptions {
  /** Dropout between LSTM layers; 0 for evaluation. */
  dropout: number;
  /** Checked between chunks of time steps: an aborted signal stops the pass. */
  signal?: AbortSignal;
}

/** Holds every tensor a pass allocates across awaits, so an abort frees them. */
class Arena {
  private readonly held: tf.Tensor[] = [];
  keep<T extends tf.Tensor>(t: T): T {
    this.held.push(t);
    return t;
  }
  keepAll<T extends tf.Tensor>(ts: T[]): T[] {
    for (const t of ts) this.held.push(t);
    return ts;
  }
  dispose(): void {
    for (const t of this.held) if (!t.isDisposed) t.dispose();
    this.held.length = 0;
  }
}

/** Yields to the event loop at most every `intervalMs`, so cancel messages get through. */
class Yielder {
  private last = performance.now();
  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly intervalMs = 40,
  ) {}
  async maybe(): Promise<void> {
    if (this.signal?.aborted) throw cancelledError('Training');
    if (performance.now() - this.last < this.intervalMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
    if (this.signal?.aborted) throw cancelledError('Training');
  }
}

/** Multiplies the g-block (third quarter) of the last axis by 2: see the header. */
function gateScale(hidden: number): tf.Tensor1D {
  const s = new Float32Array(4 * hidden).fill(1);
  s.fill(2, 2 * hidden, 3 * hidden);
  return tf.tensor1d(s);
}

function tanhViaSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
}

/** Rows per chunk at which wasm's weight-gradient products ran fastest (measured for 3,200 and 6,400 rows). */
const ROWS_PER_CHUNK = 400;

/** A^T B for tall A [N, m], B [N, n], summed over row chunks (faster on wasm than one long reduction). */
export function tallTransposeMatMul(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  chunks = Math.max(1, Math.round(a.shape[0] / ROWS_PER_CHUNK)),
): tf.Tensor2D {
  return tf.tidy(() => {
    const n = a.shape[0];
    const size = Math.ceil(n / chunks);
    let sum: tf.Tensor2D | undefined;
    for (let start = 0; start < n; start += size) {
      const len = Math.min(size, n - start);
      const part: tf.Tensor2D = tf.matMul(
        tf.transpose(tf.slice(a, [start, 0], [len, a.shape[1]])),
        tf.slice(b, [start, 0], [len, b.shape[1]]),
      );
      sum = sum ? (tf.add(sum, part) as tf.Tensor2D) : part;
    }
    return sum!;
  });
}

/**
 * What a layer reads: the previous layer's output, or (layer 0) token ids
 * through the embedding. For layer 0 the input projection is a lookup in
 * embedding @ W (a [V, 4H] table), and its weight gradients come from one
 * segment sum of dZ by token: far cheaper than multiplying [T*B, E] matrices.
 */
type LayerInput = { kind: 'dense'; x: tf.Tensor2D } | { kind: 'embedding'; ids: tf.Tensor1D; embedding: tf.Tensor2D };

interface LayerCache {
  input: LayerInput;
  /** Gate activations [T*B, 4H]: sigmoid for i, f, o; sigmoid(2 z_g) for g. */
  a: tf.Tensor2D;
  /** Cell states [T*B, H]. */
  c: tf.Tensor2D;
  /** tanh of the cell states [T*B, H]. */
  tc: tf.Tensor2D;
  /** Outputs [T*B, H]. */
  h: tf.Tensor2D;
}

/** Rows of time step t from a time-major [T*B, n] tensor. */
function rowsAt(x: tf.Tensor2D, t: number, batch: number): tf.Tensor2D {
  return tf.slice(x, [t * batch, 0], [batch, x.shape[1]]);
}

async function layerForward(
  input: LayerInput,
  w: tf.Tensor2D,
  u: tf.Tensor2D,
  b: tf.Tensor1D,
  batch: number,
  steps: number,
  arena: Arena,
  yielder: Yielder,
): Promise<LayerCache> {
  const hidden = u.shape[0];
  const [p, us] = arena.keepAll(
    tf.tidy(() => {
      const scale = gateScale(hidden);
      // scaling the (small) weights instead of the [T*B, 4H] product saves two passes over it
      const ws = tf.mul(w, scale) as tf.Tensor2D;
      const bs = tf.mul(b, scale) as tf.Tensor1D;
      const projected =
        input.kind === 'dense'
          ? tf.fused.matMul({ a: input.x, b: ws, bias: bs })
          : tf.gather(tf.add(tf.matMul(input.embedding, ws), bs), input.ids);
      return [projected, tf.mul(u, scale)] as tf.Tensor2D[];
    }),
  );
  let h: tf.Tensor2D = arena.keep(tf.zeros([batch, hidden]));
  let c: tf.Tensor2D = arena.keep(tf.zeros([batch, hidden]));
  const as: tf.Tensor2D[] = [];
  const cs: tf.Tensor2D[] = [];
  const tcs: tf.Tensor2D[] = [];
  const hs: tf.Tensor2D[] = [];
  for (let t = 0; t < steps; t++) {
    const [a, cNew, tc, hNew] = arena.keepAll(
      tf.tidy(() => {
        const a = tf.sigmoid(tf.add(rowsAt(p, t, batch), tf.matMul(h, us))) as tf.Tensor2D;
        const i = tf.slice(a, [0, 0], [batch, hidden]);
        const f = tf.slice(a, [0, hidden], [batch, hidden]);
        const g = tf.sub(tf.mul(tf.slice(a, [0, 2 * hidden], [batch, hidden]), 2), 1);
        const o = tf.slice(a, [0, 3 * hidden], [batch, hidden]);
        const cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
        const tc = tanhViaSigmoid(cNew);
        return [a, cNew, tc, tf.mul(o, tc)] as tf.Tensor2D[];
      }),
    );
    as.push(a);
    cs.push(cNew);
    tcs.push(tc);
    hs.push(hNew);
    h = hNew;
    c = cNew;
    if (t % 8 === 7) await yielder.maybe();
  }
  const cache = {
    input,
    a: arena.keep(tf.concat(as, 0)),
    c: arena.keep(tf.concat(cs, 0)),
    tc: arena.keep(tf.concat(tcs, 0)),
    h: arena.keep(tf.concat(hs, 0)),
  };
  for (const list of [as, cs, tcs, hs]) for (const t of list) t.dispose();
  p.dispose();
  us.dispose();
  return cache;
}

interface LayerGrads {
  dW: tf.Tensor2D;
  dU: tf.Tensor2D;
  db: tf.Tensor1D;
  dx: tf.Tensor2D;
}

async function layerBackward(
  cache: LayerCache,
  dh: tf.Tensor2D,
  w: tf.Tensor2D,
  u: tf.Tensor2D,
  batch: number,
  steps: number,
  arena: Arena,
  yielder: Yielder,
): Promise<LayerGrads> {
  const hidden = u.shape[0];
  // Per-step multipliers computed for the whole sequence at once:
  //   dz = [dc, dc, dc, dh] * m      (m: the gate derivatives, [T*B, 4H])
  //   dc_t = dc_{t+1} * f_{t+1} + dh_t * k_t   (k = o * (1 - tanh(c)^2))
  const [m, k, f, uT] = arena.keepAll(
    tf.tidy(() => {
      const col = (j: number) => tf.slice(cache.a, [0, j * hidden], [steps * batch, hidden]);
      const i = col(0);
      const f = col(1);
      const g = tf.sub(tf.mul(col(2), 2), 1);
      const o = col(3);
      const cPrev = tf.concat([tf.zeros([batch, hidden]), tf.slice(cache.c, [0, 0], [(steps - 1) * batch, hidden])], 0);
      const dSig = (s: tf.Tensor) => tf.mul(s, tf.sub(1, s));
      const m = tf.concat(
        [tf.mul(g, dSig(i)), tf.mul(cPrev, dSig(f)), tf.mul(i, tf.sub(1, tf.square(g))), tf.mul(cache.tc, dSig(o))],
        1,
      );
      const k = tf.mul(o, tf.sub(1, tf.square(cache.tc)));
      return [m, k, f, tf.transpose(u)] as tf.Tensor2D[];
    }),
  );
  const dzs: tf.Tensor2D[] = new Array(steps);
  let dhNext: tf.Tensor2D | undefined;
  let dcNext: tf.Tensor2D | undefined;
  for (let t = steps - 1; t >= 0; t--) {
    const prevH = dhNext;
    const prevC = dcNext;
    const [dz, dh2, dc2] = arena.keepAll(
      tf.tidy(() => {
        const dhT = prevH ? tf.add(rowsAt(dh, t, batch), prevH) : rowsAt(dh, t, batch);
        const dcT = tf.mul(dhT, rowsAt(k, t, batch));
        const dc = prevC ? tf.add(prevC, dcT) : dcT;
        const dz = tf.mul(tf.concat([dc, dc, dc, dhT], 1), rowsAt(m, t, batch)) as tf.Tensor2D;
        return [dz, tf.matMul(dz, uT), tf.mul(dc, rowsAt(f, t, batch))] as tf.Tensor2D[];
      }),
    );
    prevH?.dispose();
    prevC?.dispose();
    dzs[t] = dz;
    dhNext = dh2;
    dcNext = dc2;
    if (t % 8 === 0) await yielder.maybe();
  }
  dhNext?.dispose();
  dcNext?.dispose();
  const input = cache.input;
  const grads = tf.tidy(() => {
    const dZ = tf.concat(dzs, 0) as tf.Tensor2D;
    const hPrev = tf.concat(
      [tf.zeros([batch, hidden]), tf.slice(cache.h, [0, 0], [(steps - 1) * batch, hidden])],
      0,
    ) as tf.Tensor2D;
    if (input.kind === 'dense') {
      // one pass over dZ for both weight gradients: [x | h_prev]^T dZ, then split the rows
      const inputs = input.x.shape[1];
      const both = tallTransposeMatMul(tf.concat([input.x, hPrev], 1) as tf.Tensor2D, dZ);
      return {
        dW: tf.slice(both, [0, 0], [inputs, 4 * hidden]) as tf.Tensor2D,
        dU: tf.slice(both, [inputs, 0], [hidden, 4 * hidden]) as tf.Tensor2D,
        db: tf.sum(dZ, 0) as tf.Tensor1D,
        dx: tf.matMul(dZ, tf.transpose(w)) as tf.Tensor2D,
      };
    }
    // x = embedding[ids]: sum dZ by token once, then everything is [V, ...] sized
    const byToken = tf.unsortedSegmentSum(dZ, input.ids, input.embedding.shape[0]) as tf.Tensor2D;
    return {
      dW: tf.matMul(tf.transpose(input.embedding), byToken) as tf.Tensor2D,
      dU: tallTransposeMatMul(hPrev, dZ),
      db: tf.sum(dZ, 0) as tf.Tensor1D,
      dx: tf.matMul(byToken, tf.transpose(w)) as tf.Tensor2D, // here: d(embedding), [V, E]
    };
  });
  for (const t of dzs) t.dispose();
  for (const t of [m, k, f, uT]) t.dispose();
  return grads;
}

/**
 * Inverted dropout mask [T*B, H] (time-major) with values 0 or 1/keep, drawn
 * per sequence from its own seed (so a batch split across workers gets the
 * same masks). Generated in JS: tf.randomUniform draws each number through a
 * slower generator.
 */
/** Layer l's dropout stream for a window starts at seed + l * this prime, apart from the other layers'. */
const DROPOUT_LAYER_SEED_STRIDE = 7919;

function dropoutMask(steps: number, hidden: number, rate: number, seeds: Int32Array, layer: number): tf.Tensor2D {
  const batch = seeds.length;
  const keep = 1 - rate;
  const scale = 1 / keep;
  const values = new Float32Array(steps * batch * hidden);
  for (let b = 0; b < batch; b++) {
    const rng = new Rng(seeds[b] + DROPOUT_LAYER_SEED_STRIDE * layer);
    for (let t = 0; t < steps; t++) {
      const row = (t * batch + b) * hidden;
      for (let j = 0; j < hidden; j++) values[row + j] = rng.next() < keep ? scale : 0;
    }
  }
  return tf.tensor2d(values, [steps * batch, hidden]);
}

function windowSeeds(data: SequenceBatch): Int32Array {
  if (!data.windowSeeds || data.windowSeeds.length !== data.batch) {
    throw new Error('dropout needs one seed per sequence (SequenceBatch.windowSeeds)');
  }
  return data.windowSeeds;
}

function layerCount(params: ParamMap): number {
  let n = 0;
  while (params.has(`lstm${n}/W`)) n++;
  return n;
}

function oneHotFloat(ids: tf.Tensor1D, depth: number): tf.Tensor2D {
  // wasm's float32 oneHot returns int32 bit patterns: build it as int32, then cast.
  return tf.cast(tf.oneHot(ids, depth, 1, 0, 'int32'), 'float32') as tf.Tensor2D;
}

export interface ForwardResult {
  /** Sum over all targets of -log p(target), in nats. */
  lossSum: number;
  /** Number of predicted characters. */
  count: number;
}

export interface GradientResult extends ForwardResult {
  /** d(mean loss)/d(param) for every parameter. The caller disposes them. */
  grads: ParamMap;
}

/**
 * One training pass: forward, loss (mean cross-entropy over all T*B targets),
 * backward. Returns the gradients of the mean loss.
 */
export async function computeGradients(
  params: ParamMap,
  data: SequenceBatch,
  options: PassOptions,
): Promise<GradientResult> {
  return pass(params, data, options, true) as Promise<GradientResult>;
}

/** Forward only, no dropout: the summed loss, for validation. */
export async function evaluateLoss(
  params: ParamMap,
  data: SequenceBatch,
  signal?: AbortSignal,
): Promise<ForwardResult> {
  return pass(params, data, { dropout: 0, signal }, false);
}

async function pass(
  params: ParamMap,
  data: SequenceBatch,
  options: PassOptions,
  backward: boolean,
): Promise<ForwardResult | GradientResult> {
  const { batch, steps } = data;
  const n = batch * steps;
  const arena = new Arena();
  const yielder = new Yielder(options.signal);
  const p = (name: string) => params.get(name)!;
  const layers = layerCount(params);
  const vocabSize = p('output/b').shape[0];
  const grads: ParamMap = new Map();
  try {
    const inputIds = arena.keep(tf.tensor1d(data.inputs, 'int32'));
    const targetIds = arena.keep(tf.tensor1d(data.targets, 'int32'));
    let x: tf.Tensor2D | undefined;
    const caches: LayerCache[] = [];
    const masks: (tf.Tensor2D | undefined)[] = [];
    for (let l = 0; l < layers; l++) {
      const cache = await layerForward(
        x ? { kind: 'dense', x } : { kind: 'embedding', ids: inputIds, embedding: p('embedding') as tf.Tensor2D },
        p(`lstm${l}/W`) as tf.Tensor2D,
        p(`lstm${l}/U`) as tf.Tensor2D,
        p(`lstm${l}/b`) as tf.Tensor1D,
        batch,
        steps,
        arena,
        yielder,
      );
      caches.push(cache);
      const dropHere = backward && options.dropout > 0 && l < layers - 1;
      const mask = dropHere
        ? arena.keep(dropoutMask(steps, cache.h.shape[1], options.dropout, windowSeeds(data), l))
        : undefined;
      masks.push(mask);
      x = mask ? arena.keep(tf.mul(cache.h, mask)) : cache.h;
      if (!backward) {
        // evaluation keeps only what the next layer reads
        for (const t of [cache.a, cache.c, cache.tc]) t.dispose();
      }
    }
    const top = x!;
    const { lossSum, dLogits } = tf.tidy(() => {
      const logits = tf.add(tf.matMul(top, p('output/W')), p('output/b'));
      const logp = tf.logSoftmax(logits);
      const oneHot = oneHotFloat(targetIds, vocabSize);
      const lossSum = tf.neg(tf.sum(tf.mul(oneHot, logp)));
      const dLogits = backward ? tf.div(tf.sub(tf.exp(logp), oneHot), n) : undefined;
      return { lossSum, dLogits };
    });
    const lossValue = (await lossSum.data())[0];
    lossSum.dispose();
    if (!backward) return { lossSum: lossValue, count: n };

    arena.keep(dLogits!);
    const [dOutW, dOutB, dTop] = tf.tidy(() => [
      tallTransposeMatMul(top, dLogits as tf.Tensor2D),
      tf.sum(dLogits!, 0),
      tf.matMul(dLogits!, tf.transpose(p('output/W'))),
    ]);
    grads.set('output/W', dOutW);
    grads.set('output/b', dOutB);
    let dh = arena.keep(dTop as tf.Tensor2D);
    for (let l = layers - 1; l >= 0; l--) {
      const mask = masks[l];
      if (mask) dh = arena.keep(tf.mul(dh, mask));
      const g = await layerBackward(
        caches[l],
        dh,
        p(`lstm${l}/W`) as tf.Tensor2D,
        p(`lstm${l}/U`) as tf.Tensor2D,
        batch,
        steps,
        arena,
        yielder,
      );
      grads.set(`lstm${l}/W`, g.dW);
      grads.set(`lstm${l}/U`, g.dU);
      grads.set(`lstm${l}/b`, g.db);
      // layer 0 reads the embedding, so its "dx" is already the embedding's gradient
      if (l === 0) grads.set('embedding', g.dx);
      else dh = arena.keep(g.dx);
    }
    return { lossSum: lossValue, count: n, grads };
  } catch (e) {
    for (const g of grads.values()) g.dispose();
    throw e;
  } finally {
    arena.dispose();
  }
}
