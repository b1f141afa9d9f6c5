/**
 * Keys for suggestions, at the highest precedence so Tab accepts before it
 * indents (each command returns false when there is no ghost text, letting the
 * key do its usual job).
 */
import { Prec } from '@codemirror/state';
import { keymap, type Command } from '@codemirror/view';
import {
  acceptSuggestion,
  acceptWord,
  dismissSuggestion,
  insertSuggestion,
  nextSuggestion,
  previousSuggestion,
} from './ghost-text';
import { requestSuggestionsNow } from './suggestion-fetcher';

const requestNow: Command = (view) => {
  view.dispatch({ effects: requestSuggestionsNow.of(null) });
  return true;
};

export function suggestionKeymap(mac: boolean) {
  return Prec.highest(
    keymap.of([
      { key: 'Tab', run: acceptSuggestion },
      { key: mac ? 'Alt-ArrowRight' : 'Ctrl-ArrowRight', run: acceptWord },
      { key: 'Alt-]', run: nextSuggestion },
      { key: 'Alt-[', run: previousSuggestion },
      { key: 'Escape', run: dismissSuggestion },
      { key: 'Ctrl-Space', run: requestNow },
      ...Array.from({ length: 9 }, (_, i) => ({ key: `Alt-${i + 1}`, run: insertSuggestion(i) })),
    ]),
  );
}
