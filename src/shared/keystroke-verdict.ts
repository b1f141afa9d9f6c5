/**
 * What a newly trained model's ghost text would have saved the writer on
 * their held-out text, in words: the training panel and `penwright train`
 * say the same sentence.
 */
import type { KeystrokeReport } from './reports';

export function keystrokeVerdict(k: KeystrokeReport | null, baseName: string): string {
  if (!k) return '';
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const typed = `${k.chars.toLocaleString('en')} characters of your own writing it had not trained on`;
  const mine = `its ghost text would have saved you ${pct(k.saved)} of your keystrokes`;
  if (k.baseSaved === null) return `Typing ${typed}, ${mine}.`;
  return `Typing ${typed}, ${mine}; ${baseName} would have saved ${pct(k.baseSaved)}.`;
}
