/**
 * The IPC contract, declared once: every invoke channel with its request
 * schema (validated in main at run time) and response type, and every event
 * main pushes to the renderer. Imported by main, preload and renderer. Long
 * (over 300 lines) on purpose: every channel is declared here, side by side;
 * a feature's own schemas may live beside it (surprise-contract.ts).
 */
import { z } from 'zod';
import { EVENT_NAMES } from './constants';
import { authorshipRangesSchema, type AuthorshipRange } from './authorship';
import { id, path, temperature } from './schema-parts';
import { settingsPatchSchema, type Settings } from './settings';
import { surpriseRequestSchemas, type SurpriseResponses } from './surprise-contract';
import type { CorpusSummary, KeystrokeReport, TrainingBackendInfo, TrainingComparison, TrainProgress } from './reports';
import {
  CONTEXT_LIMITS,
  MAX_DRAFTS,
  MAX_SUGGESTION_CHARS,
  SIZE_NAMES,
  STOP_RULES,
  type SizeName,
  type SuggestionText,
  type TrainingStopReason,
} from './vocabulary';

// ---------- limits ----------

/** Largest document the editor sends (code units): far beyond a novel. */
export const MAX_DOCUMENT_CHARS = 20_000_000;
export const MAX_PATHS = 1000;
export { MAX_DRAFTS };

// ---------- shared value types ----------

export { STOP_RULES };

export { DEFAULT_SETTINGS, settingsPatchSchema, settingsSchema, type Settings } from './settings';

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

/**
 * A document restored after a crash, with the machine-written passages of
 * its recovered text as its last autosave kept them; null when the record
 * did not keep them (written by an older version): then they are not known.
 */
export interface RestoredDocument extends OpenedDocument {
  authorship: AuthorshipRange[] | null;
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
export type { CorpusSummary, KeystrokeReport, TrainingBackendInfo, TrainingComparison };

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
  /** Kept from "learn this document as I write": the document `baseModel` was adapted to, and how many times. */
  adaptedTo?: { document: string; adaptations: number };
}

export type Suggestion = SuggestionText;

/** A training run's progress report, as the model core's trainer emits it. */
export type TrainingProgress = TrainProgress;

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
  stoppedBy: TrainingStopReason;
  /** The new model's validation loss beside the base (or default) model's, on the same text. */
  comparison: TrainingComparison;
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
  | 'model.keepAdapted'
  | 'view.compare'
  | 'view.suggestions'
  | 'view.settings'
  | 'view.authorship'
  | 'file.exportAuthorship'
  | 'view.surpriseMap'
  | 'view.voiceCheck'
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
  /** `authorship`: the machine-written passages of `text`, kept with it so a restore keeps them too. */
  'documents:autosave': z
    .object({ docId: id, text: z.string().max(MAX_DOCUMENT_CHARS), authorship: authorshipRangesSchema.optional() })
    .strict(),
  'documents:close': z.object({ docId: id }).strict(),
  'recovery:list': empty,
  'recovery:restore': z.object({ recoveryId: id }).strict(),
  'recovery:discard': z.object({ recoveryId: id }).strict(),
  'models:list': empty,
  /** `forDocId`: the open document the writer chose it for; its folder remembers the choice. */
  'models:select': z.object({ modelId: id, forDocId: id.optional() }).strict(),
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
      /** The Compare drafts column asking: each has its own session, so they run side by side. Absent: the editor. */
      draftColumn: z.number().int().min(0).lt(MAX_DRAFTS).optional(),
      textBefore: z.string().max(CONTEXT_LIMITS.accepted),
      temperatures: z.array(temperature).min(1).max(9).optional(),
      maxChars: z.number().int().min(1).max(MAX_SUGGESTION_CHARS).optional(),
      stop: z.enum(STOP_RULES).optional(),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .optional(),
      /** The editor's ghost text alone (shown at once), or the alternatives after it. Absent: all of them. */
      part: z.enum(['ghost', 'rest']).optional(),
    })
    .strict(),
  ...surpriseRequestSchemas,
  'settings:get': empty,
  'settings:update': settingsPatchSchema,
  /** The record of a document just opened: its machine-written ranges, if the file is as the record knew it. */
  'authorship:load': z.object({ docId: id }).strict(),
  /** The ranges of the text the document's last save wrote. */
  'authorship:saved': z.object({ docId: id, ranges: authorshipRangesSchema }).strict(),
  /** A plain-text report of the document's machine-written passages, written where the writer chooses. */
  'authorship:export': z
    .object({ docId: id, text: z.string().max(MAX_DOCUMENT_CHARS), ranges: authorshipRangesSchema })
    .strict(),
  /** A document from a folder opened: switch to the folder's model, and say what the folder remembers. */
  'folders:opened': z.object({ docId: id }).strict(),
  /** Suggestions as you type on or off for the folder of an open document. */
  'folders:suggest': z.object({ docId: id, suggest: z.boolean() }).strict(),
  /** What "learn this document as I write" learned from an open document, kept as a new model named `name`. */
  'adaptation:keep': z.object({ docId: id, name: z.string().trim().min(1).max(120) }).strict(),
} as const;

export type Channel = keyof typeof requestSchemas;
export type RequestOf<C extends Channel> = z.input<(typeof requestSchemas)[C]>;
export type ParsedRequestOf<C extends Channel> = z.output<(typeof requestSchemas)[C]>;

export interface Responses extends SurpriseResponses {
  'app:info': {
    version: string;
    backend: BackendInfo;
    platform: string;
    cores: number;
    /** Training characters/s measured on this computer, by preset (absent until a job has run). */
    trainingSpeed: Partial<Record<SizeName, number>>;
    /** What trains here, as the first training on this computer measured it (null until then). */
    trainingBackend: TrainingBackendInfo | null;
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
  'recovery:restore': RestoredDocument;
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
  'suggestions:request': { suggestions: Suggestion[]; latencyMs: number; modelId: string };
  'settings:get': { settings: Settings; notice: string | null };
  'settings:update': Settings;
  /** notice: the record was dropped or unreadable, in words for the writer; null when all was well. */
  'authorship:load': { ranges: AuthorshipRange[]; notice: string | null };
  /** recorded: false when there is nothing to keep (never saved, or the record is off). */
  'authorship:saved': { recorded: boolean };
  'authorship:export': { path: string } | null;
  /** switchedTo: the model's name when opening switched to the folder's model. */
  'folders:opened': { folder: string | null; switchedTo: string | null };
  'folders:suggest': Settings;
  'adaptation:keep': ModelSummary;
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
  /** The adapted weights an open document's suggestions come from changed: how many adaptations (0: none). */
  'adaptation:changed': { docId: string; adaptations: number };
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
