/**
 * Asks for suggestions when the writer pauses (or at once on Ctrl+Space); a
 * change before the pause ends just clears the timer. It cancels nothing:
 * asking again is what supersedes the request before (in main, see
 * model/suggesting/superseding.ts). Answers go through `setSuggestions` with
 * the document and cursor they were computed for, so a late answer drops
 * itself (ghost-text.ts). It asks nothing where ghost text may not show (code,
 * front matter, a link's target, before a letter: markdown-context.ts), and
 * sends the text before the cursor without what the model should not read.
 * It also fetches the rest of a phrase or sentence the writer accepted to
 * its end when the ghost text stopped short of it (finer-accepts.ts).
 */
import { StateEffect, type EditorState, type Text } from '@codemirror/state';
import { ViewPlugin, type EditorView, type ViewUpdate } from '@codemirror/view';
import { addSuggestions, ghostField, setSuggestions, type GhostSuggestion } from './ghost-text';
import { acceptExtension, extendToEnd, type AcceptRule } from './finer-accepts';
import { noSuggestionAt, proseBefore } from './markdown-context';
import { CONTEXT_LIMITS } from '../../../shared/vocabulary';

/** Which part of the editor's suggestions a request asks for: the ghost text alone, or the alternatives after it. */
export type SuggestionPart = 'ghost' | 'rest';

export interface SuggestionSource {
  /**
   * Suggestions for the text before the cursor: all of them, or one `part`.
   * Rejects or resolves null when it has none.
   */
  request(textBefore: string, part?: SuggestionPart): Promise<GhostSuggestion[] | null>;
  /** Milliseconds of pause before asking. */
  pauseMs(): number;
  /** Whether to ask automatically while typing (Ctrl+Space always asks). */
  auto(): boolean;
  /** Whether ghost text may show where a letter or digit follows the cursor. */
  beforeLetters(): boolean;
  /** The rest of a phrase or sentence after `textBefore`: one continuation under that stop rule, or null. */
  extend(textBefore: string, rule: AcceptRule): Promise<GhostSuggestion | null>;
}

export const requestSuggestionsNow = StateEffect.define<null>();

/** What a continuation follows: up to `maxChars` before the (main) cursor, without code, front matter or link targets. */
export function textBeforeCursor(state: EditorState, maxChars = CONTEXT_LIMITS.sent): string {
  return proseBefore(state, state.selection.main.head, maxChars);
}

export function suggestionFetcher(source: SuggestionSource) {
  return ViewPlugin.fromClass(
    class {
      private timer: ReturnType<typeof setTimeout> | undefined;

      constructor(readonly view: EditorView) {}

      update(u: ViewUpdate) {
        // while an input method composes, the text is provisional: ask when it is committed
        if (u.view.composing) return this.cancel();
        const effects = u.transactions.flatMap((tr) => tr.effects);
        const extend = effects.find((e) => e.is(extendToEnd));
        // the rest of an accepted phrase or sentence, instead of the next suggestion (which would supersede it)
        if (extend?.is(extendToEnd)) return void this.extend(extend.value);
        if (effects.some((e) => e.is(requestSuggestionsNow))) return this.schedule(0, true);
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
        if (noSuggestionAt(state, pos, { beforeLetters: source.beforeLetters() })) return;
        const textBefore = textBeforeCursor(state);
        // after a pause the ghost text comes alone, so it shows without waiting for the alternatives
        // to be sampled; they follow for cycling. Asked for (Ctrl+Space), all come at once: with no
        // ghost text the first alternative shows.
        let suggestions = await this.ask(textBefore, explicit ? undefined : 'ghost');
        // no temperature low enough for ghost text (none below 0.8): the samples come all at once, the first shown
        const whole = explicit || suggestions?.length === 0;
        if (suggestions?.length === 0) suggestions = await this.ask(textBefore);
        // no ghost text beside text an input method is composing (ghost-text.ts drops any other late answer)
        if (!suggestions || this.view.composing) return;
        this.view.dispatch({ effects: setSuggestions.of({ suggestions, pos, doc, explicit }) });
        if (whole || !this.stillAt(doc, pos, suggestions)) return;
        const rest = await this.ask(textBefore, 'rest');
        if (!rest?.length || this.view.composing) return;
        const ghostEmpty = !suggestions.some((s) => s.text.length > 0);
        this.view.dispatch({ effects: addSuggestions.of({ suggestions: rest, pos, doc, ghostEmpty }) });
      }

      /**
       * Whether the alternatives would still join what `ghost` showed: the same document (a Text
       * object per version, so another document or any edit is another), the cursor where it was,
       * and the ghost text neither typed through nor dismissed. Otherwise they are not asked for.
       */
      private stillAt(doc: Text, pos: number, ghost: GhostSuggestion[]): boolean {
        const { state } = this.view;
        if (state.doc !== doc || state.selection.main.head !== pos || !state.selection.main.empty) return false;
        const g = state.field(ghostField, false);
        const shown = ghost.some((s) => s.text.length > 0);
        return shown ? !!g && g.from === pos && g.typed === 0 : !g;
      }

      private async ask(textBefore: string, part?: SuggestionPart): Promise<GhostSuggestion[] | null> {
        try {
          return await source.request(textBefore, part);
        } catch {
          return null; // failed: the source reports real errors itself
        }
      }

      private async extend({ rule, pos, accepted }: { rule: AcceptRule; pos: number; accepted: string }) {
        this.cancel();
        const { doc } = this.view.state;
        let more: GhostSuggestion | null;
        try {
          more = await source.extend(textBeforeCursor(this.view.state), rule);
        } catch {
          more = null;
        }
        const now = this.view.state;
        // the writer has moved on: nothing goes in behind their back
        if (now.doc !== doc || now.selection.main.head !== pos || this.view.composing) return;
        if (more && acceptExtension(this.view, more, rule, accepted)) return;
        if (more?.text)
          this.view.dispatch({ effects: setSuggestions.of({ suggestions: [more], pos, doc, explicit: true }) });
        else if (source.auto()) this.schedule(source.pauseMs());
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
