/**
 * The authorship record as a plain-text report a writer can keep or hand
 * on: how much of the document came from suggestions and drafts, and each
 * such passage with where it is.
 */
import { coveredCharacters, type AuthorshipRange } from '../../../shared/authorship';

/** Whole percent, with "under 1%" rather than a misleading 0% for a few characters. */
export function sharePercent(part: number, whole: number): string {
  if (whole === 0 || part === 0) return '0%';
  const p = (part / whole) * 100;
  return p < 1 ? 'under 1%' : `${Math.round(p)}%`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The line (from 1) a position is on. */
function lineAt(text: string, pos: number, from = { pos: 0, line: 1 }): { pos: number; line: number } {
  let line = from.line;
  for (let i = from.pos; i < pos; i++) if (text.charCodeAt(i) === 10) line++;
  return { pos, line };
}

/** Ranges are the editor's: sorted, apart, inside `text` (the caller has checked). */
export function authorshipReport(
  title: string,
  text: string,
  ranges: readonly AuthorshipRange[],
  now = new Date(),
): string {
  const machine = coveredCharacters(ranges);
  const total = text.length;
  const out = [
    `Authorship report: ${title}`,
    `Made by Penwright on ${now.toISOString().slice(0, 10)}.`,
    '',
    `The document has ${plural(total, 'character')}.`,
    `From suggestions and drafts: ${plural(machine, 'character')} (${sharePercent(machine, total)}), in ${plural(ranges.length, 'passage')}.`,
    `Written by the writer: ${plural(total - machine, 'character')} (${sharePercent(total - machine, total)}).`,
  ];
  let at = { pos: 0, line: 1 };
  for (const [i, [from, to]] of ranges.entries()) {
    at = lineAt(text, from, at);
    const passage = text.slice(from, to);
    out.push('', `${i + 1}. Line ${at.line}, ${plural(to - from, 'character')}:`);
    // indented, so a passage that spans paragraphs still reads as one quotation
    out.push(...passage.split('\n').map((l) => `    ${l}`));
  }
  if (ranges.length === 0) out.push('', 'No passage in it came from a suggestion or a draft.');
  return `${out.join('\n')}\n`;
}
