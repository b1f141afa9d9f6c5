/**
 * Where the editor may suggest, and what it sends the model, read from the
 * Markdown syntax tree the editor already keeps (@codemirror/lang-markdown):
 * no ghost text inside code, front matter, link targets and definitions or
 * HTML (../../../shared/markdown-spans.ts says which spans those are), nor,
 * unless the writer wants it, where a letter or digit follows the cursor
 * (mid-word, or right before a word); and the text before the cursor goes to
 * the model without the spans it should not read.
 *
 * Only Markdown documents are read so (`markdownDocument`, by the path:
 * shared/markdown-spans.ts's isMarkdownPath): in a `.txt` file an indented
 * paragraph is prose, and training reads `.txt` files whole too. There only
 * the before-a-letter rule applies and the text goes to the model as it is.
 *
 * The session in main (model/suggesting/session.ts) absorbs the text it is
 * sent incrementally, realigning with what it read before: the text without
 * its code blocks is text like any other to it. Typing prose after a code
 * block appends to it as before; only when a block changes within the window
 * does it rewind, as for any edit there.
 */
import { markdown } from '@codemirror/lang-markdown';
import { ensureSyntaxTree, syntaxTree } from '@codemirror/language';
import { Facet, type EditorState, type Extension } from '@codemirror/state';
import {
  inUnfinishedLinkTarget,
  markdownNonProse,
  nonProseSpans,
  spanAt,
  withoutNonProse,
  type NonProseKind,
  type NonProseSpan,
} from '../../../shared/markdown-spans';
import { CONTEXT_LIMITS } from '../../../shared/vocabulary';

/** How long a request may wait for the parser to reach the cursor (it usually has: the cursor is on screen). */
const PARSE_BUDGET_MS = 30;

/** Set in a Markdown document's state (with the language): the rules below apply only there. */
const markdownFacet = Facet.define<boolean, boolean>({ combine: (values) => values.some(Boolean) });

/** The editor's reading of a document: Markdown (syntax and the rules here) or plain text (nothing). */
export function markdownDocument(isMarkdown: boolean): Extension {
  return isMarkdown ? [markdown(), markdownFacet.of(true)] : [];
}

/** Whether the state reads its document as Markdown. */
export const isMarkdownState = (state: EditorState): boolean => state.facet(markdownFacet);

/**
 * The spans that are not prose around [from, to) (none in a plain-text
 * document), parsing up to `to` for at most `budgetMs` first; past what the
 * parser has reached, none are found.
 */
export function spansIn(state: EditorState, from: number, to: number, budgetMs = PARSE_BUDGET_MS): NonProseSpan[] {
  if (!isMarkdownState(state)) return [];
  const tree = ensureSyntaxTree(state, to, budgetMs) ?? syntaxTree(state);
  return nonProseSpans(tree, (a, b) => state.doc.sliceString(a, b), state.doc.length, from, to);
}

/**
 * The spans of the whole document that are not prose, from a full parse of
 * its text (the editor's tree may not have reached the end of a long one):
 * for the voice check, which reads it all at once. None in plain text.
 */
export function documentNonProse(state: EditorState): NonProseSpan[] {
  return isMarkdownState(state) ? markdownNonProse(state.doc.toString()) : [];
}

export type NoSuggestionReason = NonProseKind | 'before-letter';

/** Why no ghost text may show at `pos`, or null when it may. */
export function noSuggestionAt(
  state: EditorState,
  pos: number,
  options: { beforeLetters: boolean },
): NoSuggestionReason | null {
  const span = spanAt(spansIn(state, pos, pos), pos);
  if (span) return span.kind;
  const line = state.doc.lineAt(pos);
  if (isMarkdownState(state) && inUnfinishedLinkTarget(state.doc.sliceString(line.from, pos))) return 'link-target';
  const next = state.doc.sliceString(pos, pos + 2);
  return !options.beforeLetters && /^[\p{L}\p{N}]/u.test(next) ? 'before-letter' : null;
}

/** What a continuation follows: up to `maxChars` of the document before `pos`, without what the model should not read. */
export function proseBefore(state: EditorState, pos: number, maxChars = CONTEXT_LIMITS.sent): string {
  const from = Math.max(0, pos - maxChars);
  return withoutNonProse((a, b) => state.doc.sliceString(a, b), spansIn(state, from, pos), from, pos).text;
}
