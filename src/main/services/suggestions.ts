/**
 * Suggestions for open documents: one model-core session per document on the
 * active model (sharing one network), fed the text before the cursor. A newer
 * request for a document supersedes the one in flight by reaching the same
 * session, and closing the document or switching models by disposing it: the
 * session decides (model/suggesting/superseding.ts), and the superseded
 * request answers SUPERSEDED instead of a stale result. Settings give the defaults
 * (temperatures, length, stop rule); a request may override them (the drafts
 * view asks for long continuations at its own temperatures). A request on the
 * settings' temperatures is the editor's: its first suggestion is ghost text,
 * decoded rather than sampled and '' when the model is less sure of it than
 * the settings' "how sure before suggesting".
 */
import { InferenceNet } from '../../model/network/inference';
import { disposeModel, loadModel, type CharModel } from '../../model/storage/persistence';
import { SuggestionSession } from '../../model/suggesting/session';
import { MAX_DRAFTS, type ParsedRequestOf, type Responses, type Settings } from '../../shared/ipc-contract';
import { AppError } from './app-error';

interface ActiveModel {
  modelId: string;
  model: CharModel;
  net: InferenceNet;
}

export interface SuggestionServiceOptions {
  modelDir: (modelId: string) => string;
  settings: () => Settings;
  /** Whether a document is open: sessions are kept for open documents (and their drafts) only. */
  isOpen?: (docId: string) => boolean;
}

const DRAFT = /^(.+)\.draft(\d+)$/;

export class SuggestionService {
  private active: ActiveModel | null = null;
  private loading: Promise<ActiveModel> | null = null;
  private readonly sessions = new Map<string, SuggestionSession>();

  constructor(private readonly options: SuggestionServiceOptions) {}

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
      this.active = { modelId: wanted, model, net: new InferenceNet(model) };
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
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
    if (this.active) {
      this.active.net.dispose();
      disposeModel(this.active.model);
      this.active = null;
    }
  }

  /**
   * A session id is an open document's id, or `<docId>.draft<i>` for one of
   * its compare drafts (i below MAX_DRAFTS): anything else would keep a
   * session (and its tensors) alive for an id nobody will ever close.
   */
  private checkSessionId(id: string): string {
    const draft = DRAFT.exec(id);
    if (draft && (Number(draft[2]) >= MAX_DRAFTS || draft[2] !== String(Number(draft[2])))) {
      throw new AppError('BAD_REQUEST', `Compare drafts has at most ${MAX_DRAFTS} columns.`);
    }
    const docId = draft ? draft[1] : id;
    if (!this.isOpen(docId)) throw new AppError('NOT_FOUND', 'That document is no longer open.');
    return docId;
  }

  private isOpen(docId: string): boolean {
    return this.options.isOpen?.(docId) ?? true;
  }

  async request(req: ParsedRequestOf<'suggestions:request'>): Promise<Responses['suggestions:request']> {
    const started = performance.now();
    const docId = this.checkSessionId(req.docId);
    // Load first: a model switch disposes the previous model's sessions (superseding their requests), not this one.
    const active = await this.model();
    // Closed while the model loaded: superseded by the close, as a request in flight is; no session for it.
    if (!this.isOpen(docId)) throw new AppError('SUPERSEDED', 'The document was closed.');
    let session = this.sessions.get(req.docId);
    if (!session) {
      session = new SuggestionSession({ net: active.net, vocab: active.model.vocab });
      this.sessions.set(req.docId, session);
    }
    session.setText(req.textBefore);
    const settings = this.options.settings();
    const suggestions = await session.suggest({
      temperatures: req.temperatures ?? settings.temperatures,
      maxChars: req.maxChars ?? settings.suggestionChars,
      stop: req.stop ?? settings.stopRule,
      seed: req.seed,
      // the editor's request (the settings' temperatures) leads with ghost text; drafts are all sampled
      ghost: req.temperatures === undefined ? { minConfidence: settings.suggestionConfidence } : undefined,
    });
    return {
      suggestions: suggestions.map((s) => ({ temperature: s.temperature, text: s.text, logprob: s.logprob })),
      latencyMs: performance.now() - started,
      modelId: active.modelId,
    };
  }

  /** Drops a document's session and its drafts' sessions (`<docId>.draft<i>`), superseding their requests. */
  closeDocument(docId: string): void {
    for (const id of [...this.sessions.keys()]) {
      if (id !== docId && !id.startsWith(`${docId}.`)) continue;
      this.sessions.get(id)?.dispose();
      this.sessions.delete(id);
    }
  }
}
