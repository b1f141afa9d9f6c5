/**
 * The keys of the suggestion commands: which commands there are, what each
 * is called in Settings, its default key on macOS and elsewhere, and the
 * rules a writer's own key must follow. The editor's keymap
 * (renderer/src/editor/suggestion-keymap.ts) says what each command does;
 * main checks a writer's keys with these rules (settings.ts), so both read
 * the list here. Keys are written as CodeMirror writes them: modifiers and a
 * key joined by dashes (`Ctrl-ArrowRight`, `Alt-]`, `Mod-Shift-.`, `Tab`).
 */
import { z } from 'zod';

export const SUGGESTION_COMMANDS = [
  'accept',
  'acceptWord',
  'acceptPhrase',
  'acceptSentence',
  'undoWord',
  'next',
  'previous',
  'dismiss',
  'requestNow',
  'insert1',
  'insert2',
  'insert3',
  'insert4',
  'insert5',
  'insert6',
  'insert7',
  'insert8',
  'insert9',
] as const;
export type SuggestionCommand = (typeof SUGGESTION_COMMANDS)[number];

type InsertCommand = Extract<SuggestionCommand, `insert${string}`>;
const NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8, 9];
const perDigit = (value: (n: number) => string) =>
  Object.fromEntries(NUMBERS.map((n) => [`insert${n}`, value(n)])) as Record<InsertCommand, string>;

export const COMMAND_LABELS: Readonly<Record<SuggestionCommand, string>> = {
  accept: 'Accept the whole suggestion',
  acceptWord: 'Accept the next word',
  acceptPhrase: 'Accept to the end of the phrase',
  acceptSentence: 'Accept to the end of the sentence',
  undoWord: 'Take back the last accepted word (it becomes ghost text again)',
  next: 'Show the next suggestion',
  previous: 'Show the previous suggestion',
  dismiss: 'Hide the suggestion',
  requestNow: 'Suggest now',
  ...perDigit((n) => `Insert suggestion ${n}`),
};

/**
 * Windows and Linux: Ctrl+→ takes a word as it moves over one, and Ctrl+←
 * gives it back (only just after an accept; otherwise both move the cursor as
 * usual); Alt+→ and Alt+Shift+→ take a phrase and a sentence.
 */
const OTHERS: Record<SuggestionCommand, string> = {
  accept: 'Tab',
  acceptWord: 'Ctrl-ArrowRight',
  acceptPhrase: 'Alt-ArrowRight',
  acceptSentence: 'Alt-Shift-ArrowRight',
  undoWord: 'Ctrl-ArrowLeft',
  next: 'Alt-]',
  previous: 'Alt-[',
  dismiss: 'Escape',
  requestNow: 'Ctrl-Space',
  ...perDigit((n) => `Alt-${n}`),
};

/**
 * macOS: Option with a letter, a digit or a bracket types a character on a US
 * keyboard (Option-] is ‘, Option-[ is “, Option-2 is ™), and Option-→ and
 * Option-← are the system's word navigation, Ctrl-→ and Ctrl-← switch Spaces.
 * Control with punctuation or a digit types nothing and the system leaves it
 * alone (Ctrl-digit switches desktops only when turned on in System
 * Settings), so the defaults are Control keys: ' and ; side by side for a word
 * taken and given back, , and . for a phrase and a sentence (the marks that
 * end them), ] and [ to cycle, digits to pick.
 */
const MAC: Record<SuggestionCommand, string> = {
  accept: 'Tab',
  acceptWord: "Ctrl-'",
  acceptPhrase: 'Ctrl-,',
  acceptSentence: 'Ctrl-.',
  undoWord: 'Ctrl-;',
  next: 'Ctrl-]',
  previous: 'Ctrl-[',
  dismiss: 'Escape',
  requestNow: 'Ctrl-Space',
  ...perDigit((n) => `Ctrl-${n}`),
};

export function defaultKeys(mac: boolean): Readonly<Record<SuggestionCommand, string>> {
  return mac ? MAC : OTHERS;
}

/** A writer's own keys over the defaults; '' leaves a command without a key. */
export type KeyBindings = Partial<Record<SuggestionCommand, string>>;

export function resolveKeys(own: KeyBindings, mac: boolean): Record<SuggestionCommand, string> {
  return { ...defaultKeys(mac), ...own };
}

const MODIFIERS: Record<string, string> = {
  ctrl: 'Ctrl',
  control: 'Ctrl',
  alt: 'Alt',
  option: 'Alt',
  shift: 'Shift',
  meta: 'Meta',
  cmd: 'Meta',
  mod: 'Mod',
};
const NAMED_KEYS = [
  'Tab',
  'Enter',
  'Escape',
  'Space',
  'Backspace',
  'Delete',
  'Insert',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
  ...Array.from({ length: 12 }, (_, i) => `F${i + 1}`),
];

/** The parts of a key: its modifiers (canonical names, sorted) and the key, or null when it is not one. */
function parseKey(spec: string): { mods: string[]; key: string } | null {
  const parts = spec.split(/-(?!$)/);
  const key = parts.pop() ?? '';
  const mods = parts.map((p) => MODIFIERS[p.toLowerCase()]);
  if (mods.some((m) => m === undefined) || new Set(mods).size !== mods.length) return null;
  const named = NAMED_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
  if (!named && [...key].length !== 1) return null;
  return { mods: mods.sort(), key: named ?? key };
}

/** Why `spec` cannot be a key, or null when it can ('' is no key at all). */
export function keyProblem(spec: string): string | null {
  if (spec === '') return null;
  const parsed = parseKey(spec);
  if (!parsed) {
    return `“${spec}” is not a key: write modifiers (Ctrl, Alt, Shift, Cmd) and a key joined by dashes, as in Ctrl-ArrowRight, Alt-] or Tab.`;
  }
  const typesText = [...parsed.key].length === 1 || parsed.key === 'Space' || parsed.key === 'Enter';
  if (typesText && parsed.mods.every((m) => m === 'Shift')) {
    return `“${spec}” types text: add Ctrl, Alt or Cmd to it.`;
  }
  return null;
}

/** The same key however it is written (Cmd-x and Meta-x; Mod as the platform reads it; letters in either case). */
export function normalizeKey(spec: string, mac: boolean): string {
  const parsed = parseKey(spec);
  if (!parsed) return spec;
  const mods = parsed.mods.map((m) => (m === 'Mod' ? (mac ? 'Meta' : 'Ctrl') : m));
  return [...new Set(mods)].sort().concat(parsed.key.toLowerCase()).join('-');
}

/** Two commands on one key: the sentence that says which, or null. */
export function keyConflict(own: KeyBindings, mac: boolean): string | null {
  const keys = resolveKeys(own, mac);
  const seen = new Map<string, SuggestionCommand>();
  for (const command of SUGGESTION_COMMANDS) {
    const spec = keys[command];
    if (!spec) continue;
    const key = normalizeKey(spec, mac);
    const other = seen.get(key);
    if (other) {
      return `${spec} is already “${COMMAND_LABELS[other]}”: give “${COMMAND_LABELS[command]}” another key, or change that one first.`;
    }
    seen.set(key, command);
  }
  return null;
}

/** A writer's keys, as settings store them: each a key (or '' for none) for a known command. */
export const keyBindingsSchema = z.partialRecord(
  z.enum(SUGGESTION_COMMANDS),
  z
    .string()
    .max(60)
    .superRefine((spec, ctx) => {
      const problem = keyProblem(spec);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
);
