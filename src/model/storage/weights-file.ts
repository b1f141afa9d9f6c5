/**
 * Named tensors to and from a tfjs weights file (`weights.bin` + the manifest
 * entries that model.json carries), optionally stored as float16: the format
 * tfjs's own loaders read (tf.io.decodeWeights handles the float16 entries).
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectedBytes, type WeightSpec } from './model-files';

export type { WeightSpec };
export { expectedBytes };

/** IEEE 754 half precision, round to nearest even. */
export function float32ToFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i];
    const x = u32[0];
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    let e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00; // overflow to infinity
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e;
      let half = mant >>> shift;
      const rem = mant & ((1 << shift) - 1);
      const mid = 1 << (shift - 1);
      if (rem > mid || (rem === mid && half & 1)) half++;
      out[i] = sign | half;
      continue;
    }
    let half = (e << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
    e = half >>> 10;
    out[i] = sign | (e >= 0x1f ? 0x7c00 : half);
  }
  return out;
}

export async function encodeTensors(
  tensors: Map<string, tf.Tensor>,
  dtype: 'float32' | 'float16' = 'float32',
): Promise<{ data: Uint8Array; specs: WeightSpec[] }> {
  const chunks: Uint8Array[] = [];
  const specs: WeightSpec[] = [];
  for (const [name, t] of tensors) {
    const values = (await t.data()) as Float32Array;
    const bytes = dtype === 'float16' ? float32ToFloat16(values) : Float32Array.from(values);
    chunks.push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    specs.push({
      name,
      shape: t.shape,
      dtype: 'float32',
      ...(dtype === 'float16' ? { quantization: { dtype: 'float16' } } : {}),
    });
  }
  const data = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    data.set(c, o);
    o += c.length;
  }
  return { data, specs };
}

export function decodeTensors(data: Uint8Array, specs: WeightSpec[]): Map<string, tf.Tensor> {
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const map = tf.io.decodeWeights(buffer, specs as tf.io.WeightsManifestEntry[]);
  return new Map(specs.map((s) => [s.name, map[s.name]]));
}
