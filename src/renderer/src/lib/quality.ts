/**
 * A model's quality in words a writer understands. Validation loss is in
 * nats per character; what it means to a writer is how much better one model
 * predicts their text than another: exp(-loss) is the geometric-mean
 * probability a model gives each next character, so the gain is the
 * reduction in perplexity, 1 - exp(new - base). And what a writer feels:
 * the keystrokes its ghost text would have saved them.
 */

/** Percent by which `newLoss` predicts better than `baseLoss` (negative: worse), or null. */
export function predictionGain(newLoss: number | null, baseLoss: number | null): number | null {
  if (newLoss == null || baseLoss == null || !Number.isFinite(newLoss) || !Number.isFinite(baseLoss)) return null;
  return (1 - Math.exp(newLoss - baseLoss)) * 100;
}

/** At the end of training: how the new model compares with the one it started from. */
export function trainingVerdict(newLoss: number | null, baseLoss: number | null, baseName: string): string {
  const gain = predictionGain(newLoss, baseLoss);
  if (gain === null) return '';
  if (gain > 1)
    return `It predicts your writing ${gain.toFixed(0)}% better than ${baseName}: its suggestions should sound more like you.`;
  if (gain > -1) return `It predicts your writing about as well as ${baseName}. More text or a longer run would help.`;
  return `It predicts your writing less well than ${baseName} so far. Train longer, or fine-tune ${baseName} instead.`;
}

/** In the model list: one line for a model trained on someone's writing. */
export function comparisonLine(newLoss: number | null, baseLoss: number | null, baseName: string): string {
  const gain = predictionGain(newLoss, baseLoss);
  if (gain === null) return '';
  if (gain > 1) return `predicts its writer’s text ${gain.toFixed(0)}% better than ${baseName}`;
  if (gain > -1) return `predicts its writer’s text about as well as ${baseName}`;
  // no figure here: "1092% worse" reads as nonsense; the gain above is bounded by 100
  return `predicts its writer’s text less well than ${baseName} so far`;
}

// shared with `penwright train`, which prints the same sentence
export { keystrokeVerdict } from '../../../shared/keystroke-verdict';
