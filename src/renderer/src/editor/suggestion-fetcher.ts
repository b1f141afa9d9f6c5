/**
 * Asks for suggestions when the writer pauses (or at once on Ctrl+Space); a
 * change before the pause ends just clears the timer. It cancels nothing:
 * asking again is what supersedes the request before (in main, see
 * model/suggesting/superseding.ts). Answers go through `setSuggestions` with
 * the document and cursor they were computed for, so a late answer drops
 * itself (ghost-text.ts).
 */
import { StateEffect, type EditorState } from '@codemirror/state';
import { ViewPlugin, type EditorView, type ViewUpdate } from '@codemirror/view';
import { ghostField, setSuggestions, type GhostSuggestion } from './ghost-text';
import { CONTEXT_LIMITS } from '../../../shared/vocabulary';

export interface SuggestionSource {
  /** Suggestions for the text before the cursor. Rejects or resolves null when it has none. */
  request(textBefore: string): Promise<GhostSuggestion[] | null>;
  /** Milliseconds of pause before asking. */
  pauseMs(): number;
  /** Whether to ask automatically while typing (Ctrl+Space always asks). */
  auto(): boolean;
}

export const requestSuggestionsNow = StateEffect.define<null>();

/** What a continuation follows: up to `maxChars` before the (main) cursor. */
export function textBeforeCursor(state: EditorState, maxChars = CONTEXT_LIMITS.sent): string {
  const head = state.selection.main.head;
  return state.doc.sliceString(Math.max(0, head - maxChars), head);
}

export function suggestionFetcher(source: SuggestionSource) {
  return ViewPlugin.fromClass(
    class {
      private timer: ReturnType<typeof setTimeout> | undefined;

      constructor(readonly view: EditorView) {}

      update(u: ViewUpdate) {
        // while an input method composes, the text is provisional: ask when it is committed
        if (u.view.composing) return this.cancel();
        const now = u.transactions.some((tr) => tr.effects.some((e) => e.is(requestSuggestionsNow)));
        if (now) return this.schedule(0, true);
        if (!u.docChanged && !u.selectionSet) return;
        // still typing through a suggestion: keep it, ask nothing
        if (u.state.field(ghostField, false)) return this.cancel();
        if (!u.docChanged && !u.transactions.some((tr) => tr.isUserEvent('select'))) return this.cancel();
        if (source.auto()) this.schedule(source.pauseMs());
        else this.cancel();
      }

      private cancel() {
        clearTimeout(this.timer);
      }

      private schedule(delay: number, explicit = false) {
        this.cancel();
        this.timer = setTimeout(() => void this.fetch(explicit), delay);
      }

      /** The composition was committed: ask for the text as it now stands. */
      compositionEnded() {
        if (source.auto()) this.schedule(source.pauseMs());
      }

      private async fetch(explicit: boolean) {
        if (this.view.composing) return;
        const { state } = this.view;
        const sel = state.selection.main;
        if (!sel.empty || state.selection.ranges.length > 1) return;
        const doc = state.doc;
        const pos = sel.head;
        let suggestions: GhostSuggestion[] | null;
        try {
          suggestions = await source.request(textBeforeCursor(state));
        } catch {
          suggestions = null; // failed: the source reports real errors itself
        }
        // no ghost text beside text an input method is composing (ghost-text.ts drops any other late answer)
        if (!suggestions || this.view.composing) return;
        this.view.dispatch({ effects: setSuggestions.of({ suggestions, pos, doc, explicit }) });
      }

      destroy() {
        this.cancel();
      }
    },
    {
      eventHandlers: {
        compositionend() {
          // after CodeMirror has applied the committed text
          setTimeout(() => this.compositionEnded(), 0);
        },
      },
    },
  );
}
