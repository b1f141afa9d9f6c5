/** The compiled training kernel (see src/lstm.h for what each function computes). */
export interface KernelNetwork {
  vocab: number;
  embed: number;
  hidden: number[];
}

export interface AdamStepSizes {
  /** lr * sqrt(1 - beta2^t) / (1 - beta1^t) */
  learningRateT: number;
  /** eps * sqrt(1 - beta2^t) */
  epsilonHat: number;
  beta1: number;
  beta2: number;
  /** Rescale gradients whose global norm exceeds this; 0: never. */
  clipNorm: number;
}

export interface Kernel {
  /**
   * Writes d(mean loss)/d(params) into grads; returns the summed loss (nats),
   * or null when `abort[0]` became nonzero during the pass (polled between
   * time steps; another thread sets it to cancel).
   */
  gradients(
    network: KernelNetwork,
    params: Float32Array,
    grads: Float32Array,
    inputs: Int32Array,
    targets: Int32Array,
    batch: number,
    steps: number,
    dropout: number,
    seeds: Int32Array | null,
    abort?: Int32Array,
  ): number | null;
  /** Forward only, no dropout: the summed loss (nats), or null when aborted. */
  lossSum(
    network: KernelNetwork,
    params: Float32Array,
    inputs: Int32Array,
    targets: Int32Array,
    batch: number,
    steps: number,
    abort?: Int32Array,
  ): number | null;
  /** Clips grads (in place) and applies one Adam update to params, m, v; returns the norm before clipping. */
  adam(params: Float32Array, grads: Float32Array, m: Float32Array, v: Float32Array, step: AdamStepSizes): number;
  /** baseline, avx2 or avx512 */
  readonly variant: string;
  /** The instruction sets Eigen compiled in. */
  readonly simd: string;
}

export type Variant = 'baseline' | 'avx2' | 'avx512';

/** The variant this processor runs best (or PENWRIGHT_NATIVE_VARIANT's); throws with the reason none loads. */
export function load(): { kernel: Kernel; variant: Variant; supported: Variant; file: string };
export function supportedVariant(): Variant;
export const VARIANTS: Variant[];
