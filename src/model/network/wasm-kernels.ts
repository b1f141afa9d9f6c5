/**
 * Fixes for gaps in tfjs-backend-wasm 4.22 that make char-LSTM training
 * impossible or slow (measured on the project's machines):
 *
 * - `UnsortedSegmentSum` has no wasm kernel, so the gradient of `tf.gather`
 *   (the embedding) throws. We add one.
 * - `BatchMatMul` / `_FusedMatMul` with `transposeA`/`transposeB` run 5-20x
 *   slower than a plain product; backprop produces them every step. We
 *   transpose explicitly first, then multiply plainly.
 * - `Slice` reads its whole input through `readSync` (a copy of the entire
 *   tensor) to take a few rows. We read a view of the wasm heap instead.
 * - `GatherV2` along axis 0 (an embedding lookup) costs ~35 ns per element
 *   (230 ms for 6400 rows of 1024); copying whole rows costs ~1 ms.
 *
 * Each wrapper keeps the original kernel's `setupFunc`, so the original wasm
 * functions are still bound when the backend initialises.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelArgs = {
  inputs: Record<string, tf.TensorInfo>;
  attrs?: Record<string, unknown>;
  backend: BackendWasm;
};
type WasmKernelFunc = (args: KernelArgs) => tf.TensorInfo;

let installed = false;

function original(kernelName: string): tf.KernelConfig {
  const config = tf.getKernel(kernelName, 'wasm');
  if (!config) throw new Error(`wasm kernel ${kernelName} is missing; is tfjs-backend-wasm imported?`);
  return config;
}

function replaceKernel(kernelName: string, make: (orig: WasmKernelFunc) => WasmKernelFunc): void {
  const orig = original(kernelName);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    setupFunc: orig.setupFunc,
    kernelFunc: make(orig.kernelFunc as unknown as WasmKernelFunc) as unknown as tf.KernelFunc,
  });
}

/** Swaps the last two axes of `x` with the backend's own transpose kernel. */
function transposeLastTwo(x: tf.TensorInfo, backend: BackendWasm): tf.TensorInfo {
  const transpose = original('Transpose').kernelFunc as unknown as WasmKernelFunc;
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return transpose({ inputs: { x }, attrs: { perm }, backend });
}

/** Calls `orig` with both transposes made explicit, freeing the temporaries. */
function withExplicitTransposes(orig: WasmKernelFunc): WasmKernelFunc {
  return (args) => {
    const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return orig(args);
    const temps: tf.TensorInfo[] = [];
    const inputs = { ...args.inputs };
    if (transposeA) temps.push((inputs.a = transposeLastTwo(inputs.a, args.backend)));
    if (transposeB) temps.push((inputs.b = transposeLastTwo(inputs.b, args.backend)));
    try {
      return orig({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of temps) args.backend.disposeData(t.dataId);
    }
  };
}

/** Slice that reads only the rows it copies, from a view of the wasm heap. */
function viewSlice(orig: WasmKernelFunc): WasmKernelFunc {
  return (args) => {
    const x = args.inputs.x;
    if (x.dtype === 'string' || x.shape.length > 3) return orig(args);
    const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    const backend = args.backend;
    // Allocate first: growing the wasm heap detaches earlier views of it.
    const out = backend.makeOutput(size_, x.dtype);
    const xVals = backend.typedArrayFromHeap(x);
    const outVals = backend.typedArrayFromHeap(out);
    const strides = tf.util.computeStrides(x.shape);
    if (tf.slice_util.isSliceContinous(x.shape, begin_, size_)) {
      const offset = tf.slice_util.computeFlatOffset(begin_, strides);
      outVals.set(xVals.subarray(offset, offset + tf.util.sizeFromShape(size_)));
      return out;
    }
    let o = 0;
    if (x.shape.length === 2) {
      for (let i = begin_[0]; i < begin_[0] + size_[0]; i++) {
        const off = i * strides[0] + begin_[1];
        outVals.set(xVals.subarray(off, off + size_[1]), o);
        o += size_[1];
      }
    } else {
      for (let i = begin_[0]; i < begin_[0] + size_[0]; i++) {
        for (let j = begin_[1]; j < begin_[1] + size_[1]; j++) {
          const off = i * strides[0] + j * strides[1] + begin_[2];
          outVals.set(xVals.subarray(off, off + size_[2]), o);
          o += size_[2];
        }
      }
    }
    return out;
  };
}

/** Gather whole rows (axis 0, no batch dims) by copying them; other cases go to the original. */
function rowGather(orig: WasmKernelFunc): WasmKernelFunc {
  return (args) => {
    const { x, indices } = args.inputs;
    const { axis, batchDims } = (args.attrs ?? {}) as { axis?: number; batchDims?: number };
    if ((axis ?? 0) !== 0 || (batchDims ?? 0) !== 0 || x.dtype === 'string' || x.shape.length < 1) return orig(args);
    const backend = args.backend;
    const rows = x.shape[0];
    const width = tf.util.sizeFromShape(x.shape.slice(1));
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    const outVals = backend.typedArrayFromHeap(out);
    const xVals = backend.typedArrayFromHeap(x);
    const ids = backend.typedArrayFromHeap(indices);
    for (let i = 0; i < ids.length; i++) {
      const r = ids[i];
      if (r < 0 || r >= rows) throw new Error(`gather: index ${r} is not in [0, ${rows})`);
      outVals.set(xVals.subarray(r * width, (r + 1) * width), i * width);
    }
    return out;
  };
}

/** out[segmentIds[i], ...] += x[i, ...]; the gradient of gather. */
const unsortedSegmentSum: WasmKernelFunc = ({ inputs, attrs, backend }) => {
  const { x, segmentIds } = inputs;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const idsRank = segmentIds.shape.length;
  const inner = tf.util.sizeFromShape(x.shape.slice(idsRank));
  const outShape = [numSegments, ...x.shape.slice(idsRank)];
  const out = backend.makeOutput(outShape, x.dtype);
  const outVals = backend.typedArrayFromHeap(out);
  outVals.fill(0);
  const xVals = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue; // TensorFlow drops out-of-range ids
    const src = i * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) outVals[dst + k] += xVals[src + k];
  }
  return out;
};

/** Registers the fixes once. Call after importing tfjs-backend-wasm, before using it. */
export function installWasmKernelFixes(): void {
  if (installed) return;
  installed = true;
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
    });
  }
  replaceKernel('BatchMatMul', withExplicitTransposes);
  replaceKernel('_FusedMatMul', withExplicitTransposes);
  replaceKernel('Slice', viewSlice);
  replaceKernel('GatherV2', rowGather);
}
