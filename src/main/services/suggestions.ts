/**
 * Suggestions for open documents: model-core sessions on the active model
 * (sharing one network), fed the text before the cursor, one for a document's
 * editor and one for each Compare drafts column asking (the request's
 * `draftColumn`), kept under the document so they close with it. A newer
 * request for the same session supersedes the one in flight, and closing the
 * document or switching models disposes its sessions: the session decides
 * (model/suggesting/superseding.ts), and the superseded request answers
 * SUPERSEDED instead of a stale result. Settings give the defaults
 * (temperatures, length, stop rule); a request may override them (the drafts
 * view asks for long continuations at its own temperatures). A request on the
 * settings' temperatures is the editor's: its first suggestion is ghost text,
 * decoded rather than sampled and '' when the model is less sure of it than
 * the settings' "how sure before suggesting".
 *
 * With "learn this document as I write" on, a document's sessions move to
 * its own adapted weights as they become ready (adaptation/document-adaptations.ts).
 */
import { InferenceNet } from '../../model/network/inference';
import { disposeModel, loadModel } from '../../model/storage/persistence';
import { SuggestionSession } from '../../model/suggesting/session';
import { WordSet } from '../../model/text/word-list';
import { DocumentWords } from '../../model/suggesting/document-words';
import type { ParsedRequestOf, Responses, Settings } from '../../shared/ipc-contract';
import type { Adaptation } from '../../model/suggesting/adaptation-runner';
import { AppError } from './app-error';
import {
  DocumentAdaptations,
  TYPING_MS,
  type ActiveModel,
  type AdaptedWeights,
} from './adaptation/document-adaptations';

export interface SuggestionServiceOptions {
  modelDir: (modelId: string) => string;
  settings: () => Settings;
  /** Whether a document is open: sessions are kept for open documents (and their drafts) only. */
  isOpen?: (docId: string) => boolean;
  /** Runs "learn this document as I write" (none: the setting does nothing). */
  adaptation?: Adaptation;
  /** The pause that starts an adaptation (null: only `adaptNow`, as the benchmark drives it). */
  adaptAfterPauseMs?: number | null;
  /** Where an adaptation that failed is told (it never fails a request). */
  onAdaptationError?: (e: unknown) => void;
  /** A document's adapted weights in use changed: how many adaptations they have had (0: none now). */
  onAdaptationChanged?: (docId: string, adaptations: number) => void;
}

type Request = ParsedRequestOf<'suggestions:request'>;
/** Whose session in a document: the editor's, or a Compare drafts column's. */
type Slot = 'editor' | NonNullable<Request['draftColumn']>;

export class SuggestionService {
  private active: ActiveModel | null = null;
  private loading: Promise<ActiveModel> | null = null;
  /** By document, then by slot: a document's sessions, its drafts' included, go with it. */
  private readonly sessions = new Map<string, Map<Slot, SuggestionSession>>();
  /** By document: its own words, read whole when it opened and as it is written; kept across model switches. */
  private readonly words = new Map<string, DocumentWords>();
  /** By document: its adapted weights, while "learn this document" is on. */
  private readonly adaptations: DocumentAdaptations;

  /** Requests being answered, and who waits for there to be none (the surprise map's scoring). */
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: SuggestionServiceOptions) {
    this.adaptations = new DocumentAdaptations({
      runner: options.adaptation,
      enabled: () => options.settings().adaptToDocument,
      active: () => this.active,
      wordsOf: (docId) => this.wordsOf(docId),
      whenIdle: () => this.whenPaused(),
      pauseMs: options.adaptAfterPauseMs,
      onError: options.onAdaptationError,
      onChange: options.onAdaptationChanged,
    });
  }

  /** Resolves once no suggestion is being computed and none was asked for in TYPING_MS: the writer paused. */
  async whenPaused(): Promise<void> {
    for (;;) {
      await this.whenIdle();
      const wait = this.lastRequestAt + TYPING_MS - Date.now();
      if (wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Resolves once no suggestion is being computed: background work gives way to the ghost text. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async model(): Promise<ActiveModel> {
    const wanted = this.options.settings().activeModelId;
    if (this.active?.modelId === wanted) return this.active;
    if (this.loading) {
      const loaded = await this.loading;
      if (loaded.modelId === wanted) return loaded;
    }
    this.loading = (async () => {
      const model = await loadModel(this.options.modelDir(wanted));
      this.release();
      const words = model.wordCounts ? new WordSet(model.wordCounts.keys()) : null;
      this.active = { modelId: wanted, model, net: new InferenceNet(model), words };
      return this.active;
    })();
    try {
      return await this.loading;
    } finally {
      this.loading = null;
    }
  }

  /** Drops the loaded model and every session (e.g. after switching models), superseding their requests. */
  release(): void {
    for (const doc of this.sessions.values()) for (const s of doc.values()) s.dispose();
    this.sessions.clear();
    this.adaptations.dropAll((docId) => this.sessions.get(docId));
    if (this.active) {
      this.active.net.dispose();
      disposeModel(this.active.model);
      this.active = null;
    }
  }

  /** Sessions are kept for open documents only: for any other id nobody would ever close them. */
  private isOpen(docId: string): boolean {
    return this.options.isOpen?.(docId) ?? true;
  }

  /** When the last suggestion was asked for (Date.now()): background work waits while the writer types. */
  lastRequestAt = 0;

  async request(req: Request): Promise<Responses['suggestions:request']> {
    this.lastRequestAt = Date.now();
    this.options.adaptation?.busy?.(++this.inFlight);
    try {
      return await this.answer(req);
    } finally {
      this.options.adaptation?.busy?.(--this.inFlight);
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async answer(req: Request): Promise<Responses['suggestions:request']> {
    const started = performance.now();
    const { docId } = req;
    if (!this.isOpen(docId)) throw new AppError('NOT_FOUND', 'That document is no longer open.');
    // Load first: a model switch disposes the previous model's sessions (superseding their requests), not this one.
    const active = await this.model();
    // Closed while the model loaded: superseded by the close, as a request in flight is; no session for it.
    if (!this.isOpen(docId)) throw new AppError('SUPERSEDED', 'The document was closed.');
    // Switched again while it loaded: an answer from the model the writer just left is stale.
    if (active.modelId !== this.options.settings().activeModelId) {
      throw new AppError('SUPERSEDED', 'The model changed while it loaded.');
    }
    const slot: Slot = req.draftColumn ?? 'editor';
    let doc = this.sessions.get(docId);
    if (!doc) this.sessions.set(docId, (doc = new Map()));
    const adapting = this.adaptations.on;
    // turned off: every document back on the model's own weights
    if (!adapting && this.adaptations.size) this.adaptations.dropAll((id) => this.sessions.get(id));
    if (adapting) this.adaptations.takeOver(docId, doc);
    let session = doc.get(slot);
    if (!session) {
      session = new SuggestionSession({
        net: this.adaptations.netOf(docId) ?? active.net,
        vocab: active.model.vocab,
        words: active.words,
        documentWords: this.wordsOf(docId),
      });
      doc.set(slot, session);
    }
    session.setText(req.textBefore);
    if (adapting && slot === 'editor') this.adaptations.noteText(docId, req.textBefore);
    const settings = this.options.settings();
    const suggestions = await session.suggest({
      temperatures: req.temperatures ?? settings.temperatures,
      maxChars: req.maxChars ?? settings.suggestionChars,
      stop: req.stop ?? settings.stopRule,
      seed: req.seed,
      // the editor's request (the settings' temperatures) leads with ghost text; drafts are all sampled
      ghost: req.temperatures === undefined ? { minConfidence: settings.suggestionConfidence } : undefined,
      part: req.part,
    });
    return {
      suggestions: suggestions.map((s) => ({
        temperature: s.temperature,
        text: s.text,
        logprob: s.logprob,
        ...(s.invented ? { invented: s.invented } : {}),
      })),
      latencyMs: performance.now() - started,
      modelId: active.modelId,
    };
  }

  private wordsOf(docId: string): DocumentWords {
    let words = this.words.get(docId);
    if (!words) this.words.set(docId, (words = new DocumentWords()));
    return words;
  }

  /**
   * A document opened (or restored): its words become ones a suggestion may
   * spell (names from chapter one in chapter ten), read in the background a
   * slice at a time; not awaited by the caller.
   */
  async documentOpened(docId: string, text: string): Promise<void> {
    const words = this.wordsOf(docId);
    // closed (or closed and opened again under the same id): this reading is no longer wanted
    await words.readAll(text, () => !this.isOpen(docId) || this.words.get(docId) !== words);
  }

  /** A document's adaptation so far (tests, benchmarks): how many took over, and whether one is waiting. */
  adaptationOf(docId: string): { swaps: number; ready: boolean } | null {
    return this.adaptations.of(docId);
  }

  /** The adapted weights a document's suggestions come from now (null: the model's own), to keep as a model. */
  adaptedWeights(docId: string): AdaptedWeights | null {
    return this.adaptations.adapted(docId);
  }

  /** Every word read from an open document so far (normalised), the model's included. */
  documentWords(docId: string): string[] {
    return this.words.get(docId)?.list() ?? [];
  }

  /** Adapted weights that took over so far, in every document (benchmarks). */
  get adaptationSwaps(): number {
    return this.adaptations.swapsTotal;
  }

  /** Learns the document's new text now (the pause timer's job; the benchmark calls it where the writer pauses). */
  adaptNow(docId: string): Promise<void> {
    return this.adaptations.adaptNow(docId);
  }

  /** Every document back on the model's own weights ("learn this document" turned off). */
  dropAdaptations(): void {
    this.adaptations.dropAll((docId) => this.sessions.get(docId));
  }

  /** Drops a document's sessions, its drafts' included, superseding their requests. */
  closeDocument(docId: string): void {
    this.adaptations.drop(docId, this.sessions.get(docId));
    this.words.delete(docId);
    for (const s of this.sessions.get(docId)?.values() ?? []) s.dispose();
    this.sessions.delete(docId);
  }
}
