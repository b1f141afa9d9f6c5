/**
 * Keys for suggestions, at the highest precedence so Tab accepts before it
 * indents (each command returns false when there is no ghost text, letting the
 * key do its usual job). What each command does is said here; which key runs
 * it is the platform's default or the writer's own (shared/keybindings.ts,
 * changed in Settings).
 */
import { Prec } from '@codemirror/state';
import { keymap, type Command, type KeyBinding } from '@codemirror/view';
import type { SuggestionCommand } from '../../../shared/keybindings';
import { SUGGESTION_COMMANDS } from '../../../shared/keybindings';
import { acceptTo, undoAccept } from './finer-accepts';
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

export const SUGGESTION_ACTIONS: Readonly<Record<SuggestionCommand, Command>> = {
  accept: acceptSuggestion,
  acceptWord,
  acceptPhrase: acceptTo('phrase'),
  acceptSentence: acceptTo('sentence'),
  undoWord: undoAccept,
  next: nextSuggestion,
  previous: previousSuggestion,
  dismiss: dismissSuggestion,
  requestNow,
  insert1: insertSuggestion(0),
  insert2: insertSuggestion(1),
  insert3: insertSuggestion(2),
  insert4: insertSuggestion(3),
  insert5: insertSuggestion(4),
  insert6: insertSuggestion(5),
  insert7: insertSuggestion(6),
  insert8: insertSuggestion(7),
  insert9: insertSuggestion(8),
};

/** The bindings for `keys` (resolveKeys: the defaults and the writer's own); a command with no key ('') has none. */
export function suggestionBindings(keys: Readonly<Record<SuggestionCommand, string>>): KeyBinding[] {
  return SUGGESTION_COMMANDS.filter((c) => keys[c] !== '').map((c) => ({ key: keys[c], run: SUGGESTION_ACTIONS[c] }));
}

export function suggestionKeymap(keys: Readonly<Record<SuggestionCommand, string>>) {
  return Prec.highest(keymap.of(suggestionBindings(keys)));
}

const CODE_KEYS: Record<string, string> = {
  BracketLeft: '[',
  BracketRight: ']',
  Semicolon: ';',
  Quote: "'",
  Comma: ',',
  Period: '.',
  Slash: '/',
  Backslash: '\\',
  Minus: '-',
  Equal: '=',
  Backquote: '`',
};

/**
 * The key a key press is, written as the keymap reads it (`Ctrl-'`,
 * `Alt-ArrowRight`), or null for a modifier alone. Where Option turns a key
 * into another character (Option-] types ‘ on a Mac), the key on the keyboard
 * is named instead, as CodeMirror matches it.
 */
export function keySpecOf(
  e: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey'>,
): string | null {
  if (['Control', 'Alt', 'Shift', 'Meta', 'AltGraph', 'CapsLock', 'Dead'].includes(e.key)) return null;
  let key = e.key === ' ' ? 'Space' : e.key;
  const char = [...key].length === 1;
  const fromCode =
    /^Key([A-Z])$/.exec(e.code)?.[1].toLowerCase() ?? /^Digit(\d)$/.exec(e.code)?.[1] ?? CODE_KEYS[e.code];
  // a character the modifier made (Option-2 is ™): the key that was pressed
  const remapped = char && (e.altKey || e.ctrlKey || e.metaKey) && !/^[\x21-\x7e]$/.test(key) && fromCode;
  if (remapped) key = fromCode;
  const mods = [
    e.ctrlKey && 'Ctrl',
    e.altKey && 'Alt',
    // a character typed with Shift is its own key (>, not Shift-.)
    e.shiftKey && (!char || remapped) && 'Shift',
    e.metaKey && 'Cmd',
  ].filter(Boolean);
  return [...mods, key].join('-');
}
