/**
 * Where the editor may suggest, and what it sends the model, read from the
 * Markdown syntax tree the editor already keeps (@codemirror/lang-markdown):
 * no ghost text inside code, front matter, link targets and definitions or
 * HTML (../../../shared/markdown-spans.ts says which spans those are), nor,
 * unless the writer wants it, where a letter or digit follows the cursor
 * (mid-word, or right before a word); and the text before the cursor goes to
 * the model without the spans it should not read.
 *
 * The session in main (model/suggesting/session.ts) absorbs the text it is
 * sent incrementally, realigning with what it read before: the text without
 * its code blocks is text like any other to it. Typing prose after a code
 * block appends to it as before; only when a block changes within the window
 * does it rewind, as for any edit there.
 */
import { ensureSyntaxTree, syntaxTree } from '@codemirror/language';
import type { EditorState } from '@codemirror/state';
import {
  inUnfinishedLinkTarget,
  nonProseSpans,
  spanAt,
  withoutNonProse,
  type NonProseKind,
  type NonProseSpan,
} from '../../../shared/markdown-spans';
import { CONTEXT_LIMITS } from '../../../shared/vocabulary';

/** How long a request may wait for the parser to reach the cursor (it usually has: the cursor is on screen). */
const PARSE_BUDGET_MS = 30;

/** The spans that are not prose around [from, to). */
function spansIn(state: EditorState, from: number, to: number): NonProseSpan[] {
  const tree = ensureSyntaxTree(state, to, PARSE_BUDGET_MS) ?? syntaxTree(state);
  return nonProseSpans(tree, (a, b) => state.doc.sliceString(a, b), state.doc.length, from, to);
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
  if (inUnfinishedLinkTarget(state.doc.sliceString(line.from, pos))) return 'link-target';
  const next = state.doc.sliceString(pos, pos + 2);
  return !options.beforeLetters && /^[\p{L}\p{N}]/u.test(next) ? 'before-letter' : null;
}

/** What a continuation follows: up to `maxChars` of the document before `pos`, without what the model should not read. */
export function proseBefore(state: EditorState, pos: number, maxChars = CONTEXT_LIMITS.sent): string {
  const from = Math.max(0, pos - maxChars);
  return withoutNonProse((a, b) => state.doc.sliceString(a, b), spansIn(state, from, pos), from, pos).text;
}
