/**
 * The IPC contract, declared once: every invoke channel with its request
 * schema (validated in main at run time) and response type, and every event
 * main pushes to the renderer. Imported by main, preload and renderer.
 */
import { z } from 'zod';
import { EVENT_NAMES, STOP_RULES } from './constants';
import { SIZE_NAMES, type SizeName } from './vocabulary';

// ---------- limits ----------

/** Largest document the editor sends (code units): far beyond a novel. */
export const MAX_DOCUMENT_CHARS = 20_000_000;
/** Text before the cursor sent for suggestions; older text does not change an LSTM's state. */
export const MAX_CONTEXT_CHARS = 20_000;
export const MAX_PATHS = 1000;
/** Compare drafts shows two to four columns, each asking as `<docId>.draft<i>`. */
export const MAX_DRAFTS = 4;

// ---------- shared value types ----------

export { STOP_RULES };
export type StopRuleName = (typeof STOP_RULES)[number];

const id = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._-]+$/, 'must be an id');
const temperature = z.number().min(0).max(5);
const path = z.string().min(1).max(4096);

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
  draftTemperatures: z.array(temperature).min(2).max(MAX_DRAFTS),
  draftChars: z.number().int().min(20).max(2000),
  activeModelId: id,
  theme: z.enum(['system', 'light', 'dark']),
  fontSize: z.number().int().min(10).max(32),
  lineWidth: z.number().int().min(30).max(200),
  trainingThreads: z.number().int().min(0).max(256),
};
type SettingFields = typeof settingFields;
export type Settings = { [K in keyof SettingFields]: z.output<SettingFields[K]> };

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  temperatures: [0.2, 0.5, 0.8, 1.2],
  suggestionChars: 48,
  stopRule: 'phrase',
  // chosen with `npm run bench:writer -- --curve` on the gate slice (README, "Writer's benchmark")
  suggestionConfidence: 0.35,
  pauseMs: 150,
  autoSuggest: true,
  draftTemperatures: [0.3, 1.0],
  draftChars: 300,
  activeModelId: 'default',
  theme: 'system',
  fontSize: 18,
  lineWidth: 72,
  trainingThreads: 0,
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

export interface DocumentInfo {
  docId: string;
  /** Absolute path, or null for a document never saved. */
  path: string | null;
  title: string;
  /** Encoding the file is written back in. */
  encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';
  lineEnding: 'lf' | 'crlf';
  savedAt: string | null;
}

export interface OpenedDocument extends DocumentInfo {
  text: string;
}

export interface RecoveredDocument {
  recoveryId: string;
  title: string;
  path: string | null;
  savedAt: string;
  characters: number;
  preview: string;
}

/** What a corpus gives: files used, skipped (with reasons), characters. Defined by the model core. */
export type CorpusSummary = import('../model/text/corpus-summary').CorpusSummary;

export interface ModelSummary {
  modelId: string;
  name: string;
  builtIn: boolean;
  active: boolean;
  sizeBytes: number;
  createdAt: string;
  updatedAt: string;
  preset: string | null;
  parameters: number;
  valLoss: number | null;
  valBitsPerChar: number | null;
  trainingCharacters: number;
  corpus: { files: number; characters: number } | null;
  baseModel: { name: string; valLoss: number | null } | null;
}

export interface Suggestion {
  temperature: number;
  text: string;
  logprob: number;
}

/** A training run's progress report, as the model core's trainer emits it. */
export type TrainingProgress = import('../model/training/progress').TrainProgress;

export interface TrainingSample {
  temperature: number;
  text: string;
}

export interface TrainingJob {
  jobId: string;
  name: string;
  state: 'running' | 'interrupted' | 'finished' | 'failed' | 'cancelled';
  startedAt: string;
  progress: TrainingProgress | null;
  /** Loss curve so far: training and validation loss by characters seen. */
  history: { chars: number; trainLoss: number | null; valLoss: number | null }[];
  samples: TrainingSample[];
  corpus: CorpusSummary | null;
  error: string | null;
}

export interface TrainingResult {
  jobId: string;
  model: ModelSummary;
  /** converged: it stopped early because it had stopped improving on the held-out text. */
  stoppedBy: 'budget' | 'cancelled' | 'converged';
  /** The new model's validation loss beside the base (or default) model's, on the same text. */
  comparison: { newLoss: number | null; baseName: string; baseLoss: number | null };
}

export interface BackendInfo {
  name: string;
  label: string;
  notUsed: { name: string; reason: string }[];
}

export type MenuCommand =
  | 'file.new'
  | 'file.open'
  | 'file.openRecent'
  | 'file.save'
  | 'file.saveAs'
  | 'model.train'
  | 'model.switch'
  | 'model.manage'
  | 'model.import'
  | 'model.export'
  | 'view.compare'
  | 'view.suggestions'
  | 'view.settings'
  | 'help.about';

// ---------- invoke channels ----------

const empty = z.object({}).strict();
const trainingBudget = z
  .object({
    minutes: z
      .number()
      .positive()
      .max(24 * 60)
      .optional(),
    steps: z.number().int().positive().max(10_000_000).optional(),
  })
  .refine((b) => b.minutes !== undefined || b.steps !== undefined, 'give minutes or steps');

export const requestSchemas = {
  'app:info': empty,
  'app:confirmClose': z.object({ discardChanges: z.boolean() }).strict(),
  'documents:new': empty,
  'documents:open': empty,
  'documents:openRecent': z.object({ path }).strict(),
  'documents:recent': empty,
  'documents:save': z
    .object({ docId: id, text: z.string().max(MAX_DOCUMENT_CHARS), overwrite: z.boolean().optional() })
    .strict(),
  'documents:saveAs': z.object({ docId: id, text: z.string().max(MAX_DOCUMENT_CHARS) }).strict(),
  'documents:autosave': z.object({ docId: id, text: z.string().max(MAX_DOCUMENT_CHARS) }).strict(),
  'documents:close': z.object({ docId: id }).strict(),
  'recovery:list': empty,
  'recovery:restore': z.object({ recoveryId: id }).strict(),
  'recovery:discard': z.object({ recoveryId: id }).strict(),
  'models:list': empty,
  'models:select': z.object({ modelId: id }).strict(),
  'models:rename': z.object({ modelId: id, name: z.string().trim().min(1).max(120) }).strict(),
  'models:delete': z.object({ modelId: id }).strict(),
  'models:export': z.object({ modelId: id }).strict(),
  'models:import': empty,
  'corpus:pick': z.object({ folders: z.boolean() }).strict(),
  /**
   * Paths of files dropped on the window. Sent by the preload only (from the
   * File objects of the drop), never by the API the renderer sees.
   */
  'corpus:dropped': z.object({ paths: z.array(path).max(MAX_PATHS) }).strict(),
  'corpus:summarize': z.object({ paths: z.array(path).min(1).max(MAX_PATHS) }).strict(),
  'training:start': z
    .object({
      name: z.string().trim().min(1).max(120),
      paths: z.array(path).min(1).max(MAX_PATHS),
      preset: z.enum(SIZE_NAMES).optional(),
      baseModelId: id.nullable(),
      budget: trainingBudget,
    })
    .strict(),
  'training:cancel': z.object({ jobId: id }).strict(),
  'training:resume': z.object({ jobId: id, budget: trainingBudget }).strict(),
  'training:list': empty,
  'suggestions:request': z
    .object({
      docId: id,
      requestId: z.number().int().min(0),
      textBefore: z.string().max(MAX_CONTEXT_CHARS),
      temperatures: z.array(temperature).min(1).max(9).optional(),
      maxChars: z.number().int().min(1).max(2000).optional(),
      stop: z.enum(STOP_RULES).optional(),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .optional(),
    })
    .strict(),
  'settings:get': empty,
  'settings:update': settingsPatchSchema,
} as const;

export type Channel = keyof typeof requestSchemas;
export type RequestOf<C extends Channel> = z.input<(typeof requestSchemas)[C]>;
export type ParsedRequestOf<C extends Channel> = z.output<(typeof requestSchemas)[C]>;

export interface Responses {
  'app:info': {
    version: string;
    backend: BackendInfo;
    platform: string;
    cores: number;
    /** Training characters/s measured on this computer, by preset (absent until a job has run). */
    trainingSpeed: Partial<Record<SizeName, number>>;
  };
  'app:confirmClose': null;
  'documents:new': OpenedDocument;
  'documents:open': OpenedDocument | null;
  'documents:openRecent': OpenedDocument;
  'documents:recent': string[];
  'documents:save': DocumentInfo | null;
  'documents:saveAs': DocumentInfo | null;
  /** savedAt null: nothing was written (older than a finished save, or what the file holds already). */
  'documents:autosave': { savedAt: string | null };
  'documents:close': null;
  'recovery:list': RecoveredDocument[];
  'recovery:restore': OpenedDocument;
  'recovery:discard': null;
  'models:list': ModelSummary[];
  'models:select': ModelSummary;
  'models:rename': ModelSummary;
  'models:delete': null;
  'models:export': { path: string } | null;
  'models:import': ModelSummary | null;
  'corpus:pick': { paths: string[] } | null;
  'corpus:dropped': { paths: string[] };
  'corpus:summarize': CorpusSummary;
  'training:start': TrainingJob;
  'training:cancel': null;
  'training:resume': TrainingJob;
  'training:list': TrainingJob[];
  'suggestions:request': { requestId: number; suggestions: Suggestion[]; latencyMs: number; modelId: string };
  'settings:get': { settings: Settings; notice: string | null };
  'settings:update': Settings;
}

// ---------- errors ----------

export type IpcErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'IN_USE'
  | 'READ_ONLY'
  | 'SUPERSEDED'
  | 'BUSY'
  | 'FORBIDDEN'
  | 'FILE_ERROR'
  | 'MODEL_ERROR'
  | 'INTERNAL';

export interface IpcError {
  code: IpcErrorCode;
  message: string;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

// ---------- events (main -> renderer) ----------

export interface Events {
  'training:progress': { job: TrainingJob };
  'training:finished': TrainingResult;
  'training:failed': { jobId: string; error: IpcError };
  'models:changed': { models: ModelSummary[] };
  'settings:changed': { settings: Settings };
  /** `path` comes with file.openRecent. */
  'menu:command': { command: MenuCommand; path?: string };
  'app:closeRequested': Record<string, never>;
}
export type EventName = keyof Events;
export { EVENT_NAMES };
// every event has a name in the list, and every name an event:
type _Check = [EventName] extends [(typeof EVENT_NAMES)[number]]
  ? [(typeof EVENT_NAMES)[number]] extends [EventName]
    ? true
    : never
  : never;
export const EVENTS_COMPLETE: _Check = true;
export const CHANNELS = Object.keys(requestSchemas) as Channel[];
