/**
 * A model's quality in words a writer understands. Validation loss is in
 * nats per character; what it means to a writer is how much better one model
 * predicts their text than another: exp(-loss) is the geometric-mean
 * probability a model gives each next character, so the gain is the
 * reduction in perplexity, 1 - exp(new - base). And what a writer feels:
 * the keystrokes its ghost text would have saved them.
 */
import type { KeystrokeReport } from '../../../shared/ipc-contract';

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

/** What the new model's ghost text would have saved the writer on their held-out text, in words. */
export function keystrokeVerdict(k: KeystrokeReport | null, baseName: string): string {
  if (!k) return '';
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const typed = `${k.chars.toLocaleString('en')} characters of your own writing it had not trained on`;
  const mine = `its ghost text would have saved you ${pct(k.saved)} of your keystrokes`;
  if (k.baseSaved === null) return `Typing ${typed}, ${mine}.`;
  return `Typing ${typed}, ${mine}; ${baseName} would have saved ${pct(k.baseSaved)}.`;
}
