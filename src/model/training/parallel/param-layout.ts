/**
 * Where each parameter lives in a flat Float32Array: the layout of the
 * SharedArrayBuffers through which data-parallel workers exchange weights and
 * gradients without copying through messages.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NetworkConfig } from '../../network/config';
import { paramNames, paramShapes, type ParamMap } from '../../network/params';

export interface ParamSlot {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

export class ParamLayout {
  readonly slots: ParamSlot[];
  /** Floats in one full set of parameters. */
  readonly total: number;

  constructor(network: NetworkConfig, vocabSize: number) {
    const shapes = paramShapes(network, vocabSize);
    let offset = 0;
    this.slots = paramNames(network).map((name) => {
      const shape = shapes.get(name)!;
      const size = shape.reduce((a, b) => a * b, 1);
      const slot = { name, shape, offset, size };
      offset += size;
      return slot;
    });
    this.total = offset;
  }

  /** Copies tensors (parameters or gradients) into `target`. */
  write(tensors: ParamMap, target: Float32Array): void {
    for (const s of this.slots) target.set(tensors.get(s.name)!.dataSync() as Float32Array, s.offset);
  }

  /** The tensors' values in one new flat array. */
  flatten(tensors: ParamMap): Float32Array {
    const flat = new Float32Array(this.total);
    this.write(tensors, flat);
    return flat;
  }

  /** New tensors holding the values in `source`. */
  read(source: Float32Array): ParamMap {
    return new Map(this.slots.map((s) => [s.name, tf.tensor(source.subarray(s.offset, s.offset + s.size), s.shape)]));
  }
}
