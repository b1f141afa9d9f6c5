/**
 * The writer's settings: each one's rule, its default, the stored form (a
 * setting missing from the file takes its default) and a change to some.
 */
import { z } from 'zod';
import { folderPreferenceSchema, MAX_FOLDER_PREFERENCES } from './folders';
import { id, path, temperature } from './schema-parts';
import { keyBindingsSchema, type KeyBindings } from './keybindings';
import {
  DEFAULT_SUGGESTION_CHARS,
  DEFAULT_TEMPERATURES,
  MAX_DRAFTS,
  MAX_SUGGESTION_CHARS,
  STOP_RULES,
} from './vocabulary';

/**
 * Each setting's rule, without its default. Kept apart from the defaults
 * because zod applies a default even inside .partial(): a patch built from a
 * schema with defaults would put every setting it does not name back to its
 * default (it did: changing a temperature switched the model back).
 */
const settingFields = {
  temperatures: z.array(temperature).min(1).max(9),
  suggestionChars: z.number().int().min(1).max(400),
  stopRule: z.enum(STOP_RULES),
  /** How sure before suggesting: the least probability, as the model sees it, that the ghost text is right. */
  suggestionConfidence: z.number().min(0).max(0.99),
  pauseMs: z.number().int().min(0).max(5000),
  autoSuggest: z.boolean(),
  /** Learn this document as I write: small training steps on the text just written while the writer pauses. */
  adaptToDocument: z.boolean(),
  /** Ghost text where a letter or digit follows the cursor (in the middle of a word, or before one). */
  suggestBeforeLetters: z.boolean(),
  /** The writer's own keys for the suggestion commands, over the platform's defaults (keybindings.ts). */
  keybindings: keyBindingsSchema,
  draftTemperatures: z.array(temperature).min(2).max(MAX_DRAFTS),
  draftChars: z.number().int().min(20).max(MAX_SUGGESTION_CHARS),
  activeModelId: id,
  theme: z.enum(['system', 'light', 'dark']),
  fontSize: z.number().int().min(10).max(32),
  lineWidth: z.number().int().min(30).max(200),
  trainingThreads: z.number().int().min(0).max(256),
  /** Remember which passages came from suggestions and drafts (off deletes every record). */
  authorshipRecord: z.boolean(),
  /** Underline those passages in the editor. */
  showAuthorship: z.boolean(),
  /** Per folder of documents (its path): the model chosen there, and whether suggestions come as you type. */
  folderPreferences: z
    .record(path, folderPreferenceSchema)
    .refine((r) => Object.keys(r).length <= MAX_FOLDER_PREFERENCES, 'too many folders'),
};
type SettingFields = typeof settingFields;
export type Settings = { [K in keyof SettingFields]: z.output<SettingFields[K]> };

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  temperatures: [...DEFAULT_TEMPERATURES],
  suggestionChars: DEFAULT_SUGGESTION_CHARS,
  stopRule: 'phrase',
  // chosen with `npm run bench:writer -- --curve` on the gate slice (README, "Writer's benchmark")
  suggestionConfidence: 0.35,
  pauseMs: 150,
  autoSuggest: true,
  // measured with `npm run bench:writer` (README, "Learning the document as you write")
  adaptToDocument: false,
  suggestBeforeLetters: false,
  keybindings: {} as KeyBindings,
  draftTemperatures: [0.3, 1.0],
  draftChars: 300,
  activeModelId: 'default',
  theme: 'system',
  fontSize: 18,
  lineWidth: 72,
  trainingThreads: 0,
  authorshipRecord: true,
  showAuthorship: false,
  folderPreferences: {},
});

/** Settings as stored: a setting missing from the file takes its default. */
export const settingsSchema = z.object(
  Object.fromEntries(
    Object.entries(settingFields).map(([key, rule]) => [
      key,
      // a fresh copy each time: the stored arrays must not share the defaults'
      (rule as z.ZodType).default(() => structuredClone(DEFAULT_SETTINGS[key as keyof Settings])),
    ]),
  ) as { [K in keyof SettingFields]: z.ZodDefault<SettingFields[K]> },
);

/** A change to some settings: only the ones named. */
export const settingsPatchSchema = z.object(settingFields).partial().strict();
