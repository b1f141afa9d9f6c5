/**
 * The parts of a Markdown text that are not prose: code (fenced, indented,
 * inline), YAML front matter, link targets and reference definitions, and
 * HTML. The editor shows no ghost text inside them and leaves them out of the
 * text the model is asked to continue; training on a `.md` file leaves them
 * out of what the model learns from. One reading for both, from the
 * @lezer/markdown syntax tree (CommonMark, the parser @codemirror/lang-markdown
 * uses in the editor) rather than patterns: a fence inside a list, a `[` that
 * is not a link, an indented paragraph continuation are the parser's to know.
 *
 * Inline code is a span where no ghost text goes (it is code), but it stays in
 * the context and in training: `npm test` is part of its sentence, and
 * dropping it would leave the sentence with a hole the model would learn.
 * Front matter is not CommonMark (the parser reads it as a rule and a
 * heading), so it is found by its one position: a `---` line opening the
 * document, closed by a `---` or `...` line.
 */
import type { Tree } from '@lezer/common';
import { parser } from '@lezer/markdown';

/** The extensions of Markdown files: training strips these (model/text/corpus.ts) and the editor reads them as Markdown. */
export const MARKDOWN_EXTENSIONS = ['.md', '.markdown'];

/**
 * Whether a document is Markdown, by its path: a `.md` or `.markdown` file is;
 * a `.txt` file is plain text, where an indented paragraph is prose rather
 * than CommonMark's indented code and a `---` first line is no front matter.
 * A document never saved (null) counts as Markdown: Penwright saves a new
 * document as `.md` unless the writer names another extension
 * (main/services/documents/documents.ts), so its text is read as it will be.
 */
export function isMarkdownPath(path: string | null): boolean {
  if (path === null) return true;
  const dot = path.lastIndexOf('.');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return dot > slash && MARKDOWN_EXTENSIONS.includes(path.slice(dot).toLowerCase());
}

export type NonProseKind = 'code' | 'inline-code' | 'front-matter' | 'link-target' | 'link-definition' | 'html';

export interface NonProseSpan {
  from: number;
  to: number;
  kind: NonProseKind;
  /** Whole lines (a code block, front matter): the end of its last line is still inside it. */
  block: boolean;
}

/** Reads the text between two offsets (a string's slice, or CodeMirror's `doc.sliceString`). */
export type ReadText = (from: number, to: number) => string;

/** Front matter is read only this far into a document: past it, an opening `---` is a rule. */
const FRONT_MATTER_MAX = 20_000;

const BLOCKS: Record<string, NonProseKind> = {
  FencedCode: 'code',
  CodeBlock: 'code',
  HTMLBlock: 'html',
  CommentBlock: 'html',
  ProcessingInstructionBlock: 'html',
  LinkReference: 'link-definition',
};
const INLINE: Record<string, NonProseKind> = {
  InlineCode: 'inline-code',
  HTMLTag: 'html',
  Comment: 'html',
  ProcessingInstruction: 'html',
  Autolink: 'link-target',
};

/** The document's front matter, [0, end of its closing line), or null when it has none. */
export function frontMatter(read: ReadText, length: number): NonProseSpan | null {
  const head = read(0, Math.min(length, FRONT_MATTER_MAX));
  const open = /^---[ \t]*\r?\n/.exec(head);
  if (!open) return null;
  const close = /^(?:---|\.\.\.)[ \t]*$/m.exec(head.slice(open[0].length));
  if (!close) return null;
  return { from: 0, to: open[0].length + close.index + close[0].length, kind: 'front-matter', block: true };
}

/**
 * The spans that are not prose and overlap [from, to), in document order, from
 * the syntax tree of the whole document (`tree`) and the text (`read`).
 */
export function nonProseSpans(tree: Tree, read: ReadText, length: number, from = 0, to = length): NonProseSpan[] {
  const spans: NonProseSpan[] = [];
  const front = frontMatter(read, length);
  if (front && front.to >= from) spans.push(front);
  const after = front?.to ?? 0;
  tree.iterate({
    from,
    to,
    enter(node) {
      if (node.to <= after) return false; // the parser's reading of the front matter
      const block = BLOCKS[node.name];
      if (block) {
        // an indented code block's node starts after its indent: the span takes the whole line
        const before = read(Math.max(0, node.from - 80), node.from);
        const indent = /(?:^|\n)([ \t]*)$/.exec(before)?.[1];
        const start = indent === undefined ? node.from : node.from - indent.length;
        spans.push({ from: start, to: node.to, kind: block, block: true });
        return false;
      }
      const inline = INLINE[node.name];
      if (inline) {
        spans.push({ from: node.from, to: node.to, kind: inline, block: false });
        return false;
      }
      if (node.name === 'Link' || node.name === 'Image') {
        // [text](target "title") or [text][label]: what follows the text's closing bracket
        const marks = node.node.getChildren('LinkMark');
        const closing = marks[1];
        if (closing && closing.to < node.to) {
          spans.push({ from: closing.to, to: node.to, kind: 'link-target', block: false });
        }
      }
      return undefined; // the link's text may hold inline code
    },
  });
  return spans.sort((a, b) => a.from - b.from);
}

/** The spans of a whole Markdown text, parsed here (main and the command line, which have no editor). */
export function markdownNonProse(text: string): NonProseSpan[] {
  return nonProseSpans(parser.parse(text), (a, b) => text.slice(a, b), text.length);
}

/**
 * The span a cursor at `pos` is inside, if any. A block holds the end of its
 * last line (ghost text there would run on from a closing fence or from code
 * still being written); an inline span holds its start (between `]` and `(`)
 * but not its end (after `)` the sentence goes on).
 */
export function spanAt(spans: readonly NonProseSpan[], pos: number): NonProseSpan | null {
  for (const s of spans) {
    if (s.block ? pos > s.from && pos <= s.to : pos >= s.from && pos < s.to) return s;
  }
  return null;
}

/**
 * A link whose target is being typed, `[text](http://exa` on the line before
 * the cursor: the parser sees no link until its `)` is there.
 */
export function inUnfinishedLinkTarget(lineBefore: string): boolean {
  return /\]\([^()\s]*$/.test(lineBefore);
}

/** What is dropped from the model's text (context and training): all but inline code, which belongs to its sentence. */
export const isDropped = (s: NonProseSpan): boolean => s.kind !== 'inline-code';

/**
 * The text of [from, to) without the spans the model does not read. A dropped
 * block takes the blank lines after it along, so the paragraphs around it stay
 * one blank line apart. `dropped` counts the code points left out.
 */
export function withoutNonProse(
  read: ReadText,
  spans: readonly NonProseSpan[],
  from: number,
  to: number,
): { text: string; dropped: number } {
  let text = '';
  let dropped = 0;
  let at = from;
  for (const s of spans) {
    if (!isDropped(s) || s.to <= at || s.from >= to) continue;
    let end = s.to;
    if (s.block) while (end < to && /^[\r\n]$/.test(read(end, end + 1))) end++;
    const start = Math.max(s.from, at);
    end = Math.min(end, to);
    text += read(at, start);
    dropped += [...read(start, end)].length;
    at = end;
  }
  text += read(at, to);
  return { text, dropped };
}

/** A whole Markdown text as training reads it: its prose, and how many code points were left out. */
export function markdownProse(text: string): { text: string; dropped: number } {
  const read = (a: number, b: number) => text.slice(a, b);
  return withoutNonProse(read, markdownNonProse(text), 0, text.length);
}
