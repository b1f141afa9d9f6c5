/**
 * The document as the surprise map and the voice check read it: a paragraph
 * is a non-empty line (soft-wrapped prose keeps a paragraph on one line),
 * read after the CONTEXT_CHARS code points before it, as main scores it
 * (model/scoring/paragraph-scores.ts). Its key, a hash of that context and
 * its text, says when a result still fits it: an edit changes the key of its
 * own line, and of the next when the edit falls inside that one's context.
 *
 * In a Markdown document the lines of a block that is not prose (code, front
 * matter, an HTML block, link definitions: shared/markdown-spans.ts) are
 * neither scored nor read as headings, so a `# comment` in a fenced shell
 * block is no chapter. The caller passes those spans (none for plain text).
 */
import type { Text } from '@codemirror/state';
import { MAX_SCORED_PARAGRAPH_CHARS } from '../../../shared/surprise-contract';
import type { NonProseSpan } from '../../../shared/markdown-spans';
import { headingOf } from '../../../shared/voice';

/** Code points of preceding text each paragraph is read after (as main's CONTEXT_CHARS). */
export const CONTEXT_CHARS = 256;
/** Code units sent before a paragraph: enough for CONTEXT_CHARS code points, surrogate pairs included. */
const CONTEXT_UNITS = 2 * CONTEXT_CHARS;

export interface DocParagraph {
  /** 1-based line number. */
  line: number;
  from: number;
  text: string;
  context: string;
  key: string;
}

/** The last `n` code points of `text`. */
export function lastCodePoints(text: string, n: number): string {
  return [...text.slice(-2 * n)].slice(-n).join('');
}

/** FNV-1a over UTF-16 units, 52 bits: a cache key, not a safeguard. */
export function hashText(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193 ^ 0x5bd1e995) >>> 0;
  }
  return `${text.length.toString(36)}.${h1.toString(36)}.${(h2 & 0xfffff).toString(36)}`;
}

/** Whether the line [from, to) lies inside one of the block spans (inline spans are part of their prose line). */
export function inNonProseBlock(spans: readonly NonProseSpan[], from: number, to: number): boolean {
  return spans.some((s) => s.block && s.from <= from && to <= s.to);
}

/**
 * Line `n` of `doc` as a paragraph to score, or null (empty, only spaces, too
 * long to send, or inside one of `spans`' blocks).
 */
export function paragraphAt(doc: Text, n: number, spans: readonly NonProseSpan[] = []): DocParagraph | null {
  const line = doc.line(n);
  if (!line.text.trim() || line.text.length > MAX_SCORED_PARAGRAPH_CHARS) return null;
  if (inNonProseBlock(spans, line.from, line.to)) return null;
  const context = doc.sliceString(Math.max(0, line.from - CONTEXT_UNITS), line.from);
  return {
    line: n,
    from: line.from,
    text: line.text,
    context,
    key: hashText(`${lastCodePoints(context, CONTEXT_CHARS)}\u0000${line.text}`),
  };
}

/** Every paragraph of the document, and its Markdown headings (for the voice check's chapters); none in `spans`' blocks. */
export function documentParagraphs(
  doc: Text,
  spans: readonly NonProseSpan[] = [],
): {
  paragraphs: DocParagraph[];
  headings: { line: number; title: string }[];
} {
  const paragraphs: DocParagraph[] = [];
  const headings: { line: number; title: string }[] = [];
  const blocks = spans.filter((s) => s.block); // in document order, none inside another
  let b = 0;
  for (let n = 1; n <= doc.lines; n++) {
    const line = doc.line(n);
    while (b < blocks.length && blocks[b].to < line.from) b++;
    if (b < blocks.length && blocks[b].from <= line.from && line.to <= blocks[b].to) continue;
    const title = headingOf(line.text);
    if (title !== null) headings.push({ line: n, title });
    else {
      const p = paragraphAt(doc, n);
      if (p) paragraphs.push(p);
    }
  }
  return { paragraphs, headings };
}

/** One request carries at most this many paragraphs, and about this many characters (a few seconds' work at most). */
export const BATCH_PARAGRAPHS = 16;
export const BATCH_CHARS = 6_000;

/** Splits paragraphs into requests: at most BATCH_PARAGRAPHS each, and about BATCH_CHARS. */
export function batches<T extends { text: string }>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let chars = 0;
  for (const item of items) {
    if (current.length && (current.length >= BATCH_PARAGRAPHS || chars + item.text.length > BATCH_CHARS)) {
      out.push(current);
      current = [];
      chars = 0;
    }
    current.push(item);
    chars += item.text.length;
  }
  if (current.length) out.push(current);
  return out;
}
