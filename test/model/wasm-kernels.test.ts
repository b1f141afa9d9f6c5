import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, useTestBackend } from '../helpers';

/** Plain-JS references for the kernels Penwright replaces on wasm. */
const range = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3);

describe('wasm kernel fixes compute what the originals define', () => {
  beforeAll(useTestBackend);

  it('runs on the wasm backend', () => {
    expect(tf.getBackend()).toBe('wasm');
  });

  it('gathers rows, with any index shape, and refuses an index out of range', () => {
    const x = tf.tensor2d(range(12), [4, 3]);
    const got = tf.gather(x, tf.tensor1d([3, 0, 3], 'int32'));
    const rows = x.arraySync();
    expect(got.arraySync()).toEqual([rows[3], rows[0], rows[3]]);
    const nested = tf.gather(x, tf.tensor2d([1, 2, 2, 1], [2, 2], 'int32'));
    expect(nested.shape).toEqual([2, 2, 3]);
    expect(() => tf.gather(x, tf.tensor1d([4], 'int32')).dataSync()).toThrow(/index 4/);
    // other axes still go to the original kernel
    expect(tf.gather(x, tf.tensor1d([2], 'int32'), 1).arraySync()).toEqual(rows.map((r) => [r[2]]));
  });

  it('slices rows and blocks of 2-D and 3-D tensors', () => {
    const x = tf.tensor2d(range(30), [5, 6]);
    const a = x.arraySync();
    expect(tf.slice(x, [1, 0], [2, 6]).arraySync()).toEqual(a.slice(1, 3));
    expect(tf.slice(x, [1, 2], [3, 2]).arraySync()).toEqual(a.slice(1, 4).map((r) => r.slice(2, 4)));
    const y = tf.tensor3d(range(24), [2, 3, 4]);
    const b = y.arraySync();
    expect(tf.slice(y, [1, 1, 1], [1, 2, 2]).arraySync()).toEqual([b[1].slice(1, 3).map((r) => r.slice(1, 3))]);
  });

  it('multiplies with transposed operands as with explicit transposes', () => {
    const a = tf.randomNormal([7, 5]);
    const b = tf.randomNormal([7, 3]);
    const c = tf.randomNormal([3, 5]);
    expect(maxAbsDiff(tf.matMul(a, b, true, false), tf.matMul(tf.transpose(a), b))).toBeLessThan(1e-5);
    expect(maxAbsDiff(tf.matMul(b, c, false, false), tf.matMul(b, tf.transpose(c), false, true))).toBeLessThan(1e-5);
    const bias = tf.randomNormal([5]);
    const fused = tf.fused.matMul({ a: tf.transpose(b), b: a, transposeA: false, bias });
    expect(maxAbsDiff(fused, tf.add(tf.matMul(b, a, true, false), bias))).toBeLessThan(1e-5);
  });

  it('sums segments (the gradient of gather), skipping out-of-range ids', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const s = tf.unsortedSegmentSum(x, tf.tensor1d([2, 0, 2], 'int32'), 3);
    expect(s.arraySync()).toEqual([
      [3, 4],
      [0, 0],
      [6, 8],
    ]);
  });
});
