import type { SizeName } from '../../shared/vocabulary';

export interface NetworkConfig {
  /** Embedding width. */
  embedDim: number;
  /** Units of each stacked LSTM layer, bottom first. */
  hidden: number[];
  /** Dropout between LSTM layers while training (as PyTorch's nn.LSTM applies it). */
  dropout: number;
}

/** The networks behind the sizes. They match the reference run (bench/data/README.md) so learning curves compare. */
export const PRESETS: Record<SizeName, NetworkConfig> = {
  S: { embedDim: 32, hidden: [128], dropout: 0 },
  M: { embedDim: 64, hidden: [256, 256], dropout: 0.1 },
  L: { embedDim: 64, hidden: [512, 512, 512], dropout: 0.25 },
};

/** Number of trainable weights for a vocabulary of `vocabSize` symbols. */
export function countParameters(config: NetworkConfig, vocabSize: number): number {
  let n = vocabSize * config.embedDim;
  let inputs = config.embedDim;
  for (const h of config.hidden) {
    n += inputs * 4 * h + h * 4 * h + 4 * h;
    inputs = h;
  }
  return n + inputs * vocabSize + vocabSize;
}

/**
 * Floating-point operations to train on one character: forward (2 per weight)
 * plus backward (4 per weight), the usual 6x rule.
 */
export function trainFlopsPerChar(config: NetworkConfig, vocabSize: number): number {
  return 6 * countParameters(config, vocabSize);
}
