import { EditorState, type Transaction } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';
import { describe, expect, it } from 'vitest';
import {
  SUGGESTION_COMMANDS,
  defaultKeys,
  keyConflict,
  keyProblem,
  normalizeKey,
  resolveKeys,
  type KeyBindings,
} from '../../src/shared/keybindings';
import { DEFAULT_SETTINGS, settingsPatchSchema, settingsSchema } from '../../src/shared/settings';
import { keySpecOf, SUGGESTION_ACTIONS, suggestionBindings } from '../../src/renderer/src/editor/suggestion-keymap';
import { acceptTrail } from '../../src/renderer/src/editor/finer-accepts';
import { ghostField, setSuggestions } from '../../src/renderer/src/editor/ghost-text';

const press = (
  key: string,
  mods: Partial<Record<'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey', boolean>> = {},
  code = '',
) => ({
  key,
  code,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});

describe('the default keys', () => {
  it('give every command a key on both platforms, none twice', () => {
    for (const mac of [true, false]) {
      const keys = defaultKeys(mac);
      expect(Object.keys(keys).sort()).toEqual([...SUGGESTION_COMMANDS].sort());
      expect(keyConflict({}, mac)).toBeNull();
      for (const c of SUGGESTION_COMMANDS) expect(keyProblem(keys[c]), `${c}: ${keys[c]}`).toBeNull();
    }
  });

  it('on macOS, type no character and leave Option-arrows to the system', () => {
    const keys = Object.values(defaultKeys(true));
    // Option (Alt) with a character types one on a US keyboard; Option-→ is word navigation; Ctrl-→ switches Spaces
    expect(keys.filter((k) => /^Alt-/.test(k))).toEqual([]);
    expect(keys.filter((k) => /Arrow/.test(k))).toEqual([]);
    expect(keys.filter((k) => /^(Meta|Cmd|Mod)-/.test(k))).toEqual([]);
    expect(defaultKeys(true).acceptWord).not.toBe('Alt-ArrowRight');
  });

  it('elsewhere, keep Ctrl+→ for a word, with Ctrl+← to take it back', () => {
    expect(defaultKeys(false)).toMatchObject({
      acceptWord: 'Ctrl-ArrowRight',
      undoWord: 'Ctrl-ArrowLeft',
      accept: 'Tab',
    });
  });
});

describe('a writer’s own keys', () => {
  it('are checked by the settings rules, with a sentence that says what is wrong', () => {
    expect(settingsPatchSchema.safeParse({ keybindings: { acceptWord: 'Ctrl-Shift-ArrowRight' } }).success).toBe(true);
    expect(settingsPatchSchema.safeParse({ keybindings: { acceptWord: '' } }).success).toBe(true); // no key
    const bad = (keybindings: object) => {
      const r = settingsPatchSchema.safeParse({ keybindings });
      return r.success ? null : r.error.issues[0].message;
    };
    expect(bad({ acceptWord: 'Ctrl-Foo' })).toMatch(/“Ctrl-Foo” is not a key: write modifiers .* Ctrl-ArrowRight/);
    expect(bad({ acceptWord: 'Hyper-x' })).toMatch(/not a key/);
    expect(bad({ acceptWord: 'Ctrl-Ctrl-x' })).toMatch(/not a key/);
    expect(bad({ acceptWord: 'x' })).toMatch(/types text: add Ctrl, Alt or Cmd/);
    expect(bad({ acceptWord: 'Shift-x' })).toMatch(/types text/);
    expect(bad({ acceptWord: 'Space' })).toMatch(/types text/);
    expect(bad({ launchRockets: 'Ctrl-x' })).not.toBeNull(); // no such command
    expect(bad({ acceptWord: 42 })).not.toBeNull();
  });

  it('are stored over the defaults, which a settings file without them takes', () => {
    expect(settingsSchema.parse({}).keybindings).toEqual({});
    expect(settingsSchema.parse({}).suggestBeforeLetters).toBe(false);
    expect(DEFAULT_SETTINGS.keybindings).toEqual({});
    expect(resolveKeys({ acceptWord: 'Alt-w' }, false)).toMatchObject({ acceptWord: 'Alt-w', accept: 'Tab' });
  });

  it('may not put two commands on one key, however it is written', () => {
    expect(keyConflict({ acceptPhrase: 'Ctrl-ArrowRight' }, false)).toMatch(
      /Ctrl-ArrowRight is already “Accept the next word”: give “Accept to the end of the phrase” another key/,
    );
    expect(keyConflict({ next: 'Mod-;' }, true)).toBeNull(); // Mod is Cmd on a Mac: Ctrl-; stays free
    expect(keyConflict({ next: 'Mod-;' }, false)).toBeNull();
    expect(keyConflict({ next: 'Control-;' }, true)).toMatch(/already “Take back the last accepted word/);
    // moving a key: free the old command first, then give it away
    expect(keyConflict({ acceptWord: '', acceptPhrase: 'Ctrl-ArrowRight' }, false)).toBeNull();
    expect(normalizeKey('Shift-Cmd-K', true)).toBe(normalizeKey('Meta-Shift-k', true));
  });
});

describe('recording a key press', () => {
  it('writes it as the keymap reads it', () => {
    expect(keySpecOf(press('ArrowRight', { ctrlKey: true }))).toBe('Ctrl-ArrowRight');
    expect(keySpecOf(press("'", { ctrlKey: true }, 'Quote'))).toBe("Ctrl-'");
    expect(keySpecOf(press(' ', { ctrlKey: true }, 'Space'))).toBe('Ctrl-Space');
    expect(keySpecOf(press('ArrowRight', { altKey: true, shiftKey: true }))).toBe('Alt-Shift-ArrowRight');
    expect(keySpecOf(press('>', { ctrlKey: true, shiftKey: true }, 'Period'))).toBe('Ctrl->');
    expect(keySpecOf(press('k', { metaKey: true }, 'KeyK'))).toBe('Cmd-k');
  });

  it('names the key, not the character Option made of it', () => {
    expect(keySpecOf(press('‘', { altKey: true }, 'BracketRight'))).toBe('Alt-]');
    expect(keySpecOf(press('™', { altKey: true }, 'Digit2'))).toBe('Alt-2');
    expect(keySpecOf(press('’', { altKey: true, shiftKey: true }, 'BracketRight'))).toBe('Alt-Shift-]');
  });

  it('ignores a modifier pressed alone', () => {
    expect(keySpecOf(press('Control', { ctrlKey: true }))).toBeNull();
    expect(keySpecOf(press('Alt', { altKey: true }))).toBeNull();
  });
});

describe('the suggestion keymap', () => {
  it('has an action for every command', () => {
    expect(Object.keys(SUGGESTION_ACTIONS).sort()).toEqual([...SUGGESTION_COMMANDS].sort());
  });

  /** The text after the command bound to `key` runs in an editor whose ghost text is " the cat sat." ('' when no command has the key). */
  function pressIn(own: KeyBindings, key: string, mac = false): string {
    const binding = suggestionBindings(resolveKeys(own, mac)).find((b) => b.key === key);
    if (!binding) return '';
    let state = EditorState.create({ doc: 'Once', selection: { anchor: 4 }, extensions: [ghostField, acceptTrail] });
    const target = { state, dispatch: (tr: Transaction) => void (state = target.state = tr.state) };
    target.dispatch(
      state.update({
        effects: setSuggestions.of({
          suggestions: [{ text: ' the cat sat.', temperature: 0.2, logprob: -1 }],
          pos: 4,
          doc: state.doc,
        }),
      }),
    );
    binding.run!(target as unknown as EditorView);
    return state.doc.toString();
  }

  it('runs a command on the writer’s key, and no longer on the old one', () => {
    expect(pressIn({}, 'Ctrl-ArrowRight')).toBe('Once the');
    expect(pressIn({}, "Ctrl-'", true)).toBe('Once the');
    expect(pressIn({}, 'Ctrl-.', true)).toBe('Once the cat sat.');
    expect(pressIn({ acceptWord: 'Alt-w' }, 'Ctrl-ArrowRight')).toBe('');
    expect(pressIn({ acceptWord: 'Alt-w' }, 'Alt-w')).toBe('Once the');
    expect(pressIn({ acceptWord: '' }, 'Ctrl-ArrowRight')).toBe('');
  });
});
