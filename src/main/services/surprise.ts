/**
 * The surprise map and voice check in main: paragraphs scored by the active
 * model (and, for the voice check, by the default one too), each result
 * cached by (model, context + paragraph text), and the words the model
 * expected where a word stands.
 *
 * Scoring never holds up a suggestion: it runs a window of time steps at a
 * time (model/scoring/sequence-scorer.ts) and between windows yields to the
 * event loop and waits until no suggestion is being computed (as a hover's
 * search for the expected words does between its steps). Passes run one
 * at a time; a newer request from the same document and purpose (the map's,
 * the voice check's, a hover's) supersedes the one before it, which answers
 * SUPERSEDED, and so does closing the document.
 *
 * The models are this service's own copies (loaded from the library's
 * folders, kept for the active model and the default), so a model switch in
 * the suggestion service never frees weights a pass is reading.
 */
import { createHash } from 'node:crypto';
import { InferenceNet } from '../../model/network/inference';
import { expectedWords } from '../../model/scoring/expected-words';
import {
  CONTEXT_CHARS,
  lastCodePoints,
  scoreParagraphs,
  type ParagraphScore,
} from '../../model/scoring/paragraph-scores';
import { disposeModel, loadModel, type CharModel } from '../../model/storage/persistence';
import type { ParsedRequestOf, Responses } from '../../shared/ipc-contract';
import type { ScoredParagraph } from '../../shared/surprise-contract';
import { AppError } from './app-error';

export const DEFAULT_MODEL_ID = 'default';

/** What the map reads of a score (the shared sums are the voice check's). */
const forTheMap = ({ loss, chars, unknown, words }: ParagraphScore): ScoredParagraph => ({
  loss,
  chars,
  unknown,
  words,
});
/** Paragraph results kept (both models together); the oldest go first. */
const MAX_CACHED = 8_000;

export interface SurpriseServiceOptions {
  modelDir: (modelId: string) => string;
  activeModelId: () => string;
  /** Changes when the model's files do (its updatedAt): a retrained model is read again. */
  modelVersion: (modelId: string) => Promise<string>;
  isOpen?: (docId: string) => boolean;
  /** Resolves once no suggestion is being computed: scoring gives way to the ghost text. */
  suggestionsIdle?: () => Promise<void>;
}

interface Loaded {
  modelId: string;
  version: string;
  model: CharModel;
  net: InferenceNet | null;
  /** Requests reading it now: it is freed only when none is. */
  users: number;
  retired: boolean;
  freed: boolean;
}

type ScoreRequest = ParsedRequestOf<'surprise:score'>;
type ExpectedRequest = ParsedRequestOf<'surprise:expected'>;

export class SurpriseService {
  /** By model: the copy loaded (or loading) and the version it is of, so requests at once share one load. */
  private readonly loaded = new Map<string, { version: string; pending: Promise<Loaded> }>();
  private readonly cache = new Map<string, ParagraphScore>();
  /** By document and purpose: the request running or waiting, to supersede it. */
  private readonly running = new Map<string, AbortController>();
  /** Paragraphs scored by a model so far (not answered from the cache): for tests and the benchmark. */
  scoredParagraphs = 0;
  /** One pass at a time: they share the processor. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SurpriseServiceOptions) {}

  async score(req: ScoreRequest): Promise<Responses['surprise:score']> {
    const activeId = this.options.activeModelId();
    if (req.compare && activeId === DEFAULT_MODEL_ID) {
      throw new AppError(
        'BAD_REQUEST',
        'The voice check compares your own model with the default one: choose one of your models first.',
      );
    }
    return this.exclusive(req.docId, req.purpose, async (signal) => {
      const active = await this.use(activeId);
      try {
        if (!req.compare) {
          const paragraphs = await this.scoreWith(active, req.paragraphs, signal);
          return { modelId: activeId, paragraphs: paragraphs.map(forTheMap), standard: null, personal: null };
        }
        const standardModel = await this.use(DEFAULT_MODEL_ID);
        try {
          // each model's loss over the characters both know (model/scoring/paragraph-scores.ts)
          const paragraphs = await this.scoreWith(active, req.paragraphs, signal, standardModel);
          const standard = await this.scoreWith(standardModel, req.paragraphs, signal, active);
          return {
            modelId: activeId,
            paragraphs: paragraphs.map(forTheMap),
            standard: standard.map((p) => p.shared),
            personal: paragraphs.map((p) => p.shared),
          };
        } finally {
          this.release(standardModel);
        }
      } finally {
        this.release(active);
      }
    });
  }

  async expected(req: ExpectedRequest): Promise<Responses['surprise:expected']> {
    if (this.options.isOpen && !this.options.isOpen(req.docId)) {
      throw new AppError('NOT_FOUND', 'That document is no longer open.');
    }
    const activeId = this.options.activeModelId();
    // not queued behind scoring passes: a hover is answered at once (they interleave at their awaits)
    const key = `${req.docId}\u0000hover`;
    const controller = this.supersede(key);
    const active = await this.use(activeId);
    try {
      active.net ??= new InferenceNet(active.model);
      // it gives way to the ghost text as scoring does: idle first, and between its steps
      const words = await expectedWords(active.net, active.model.vocab, req.textBefore, {
        signal: controller.signal,
        pause: () => this.giveWay(),
      });
      return { modelId: activeId, words };
    } finally {
      this.release(active);
      if (this.running.get(key) === controller) this.running.delete(key);
    }
  }

  /** A document closed: its requests are superseded. */
  closeDocument(docId: string): void {
    for (const [key, controller] of this.running) {
      if (key.startsWith(`${docId}\u0000`)) {
        controller.abort();
        this.running.delete(key);
      }
    }
  }

  /** Frees every model not in use (shutdown, tests). */
  release(loaded?: Loaded): void {
    if (loaded) {
      loaded.users--;
      this.freeIfDone(loaded);
      return;
    }
    for (const { pending } of this.loaded.values()) this.retire(pending);
    this.loaded.clear();
  }

  private supersede(key: string): AbortController {
    this.running.get(key)?.abort();
    const controller = new AbortController();
    this.running.set(key, controller);
    return controller;
  }

  /** Runs `work` when the passes before it are done, unless superseded first. */
  private exclusive<T>(docId: string, purpose: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.options.isOpen && !this.options.isOpen(docId)) {
      return Promise.reject(new AppError('NOT_FOUND', 'That document is no longer open.'));
    }
    const key = `${docId}\u0000${purpose}`;
    const controller = this.supersede(key);
    const run = this.queue.then(async () => {
      if (controller.signal.aborted) throw new AppError('SUPERSEDED', 'A newer request took its place.');
      try {
        return await work(controller.signal);
      } finally {
        if (this.running.get(key) === controller) this.running.delete(key);
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** Scores by `loaded`; with `partner`, `shared` counts only the characters the partner knows too. */
  private async scoreWith(
    loaded: Loaded,
    paragraphs: ScoreRequest['paragraphs'],
    signal: AbortSignal,
    partner?: Loaded,
  ): Promise<ParagraphScore[]> {
    const keys = paragraphs.map((p) => this.keyOf(loaded, p.context, p.text, partner));
    const missing = paragraphs.map((p, i) => ({ p, i })).filter(({ i }) => !this.cache.has(keys[i]));
    if (missing.length) {
      const scores = await scoreParagraphs(
        loaded.model,
        missing.map(({ p }) => p),
        {
          signal,
          alsoKnownBy: partner?.model.vocab,
          pause: () => this.giveWay(),
        },
      );
      this.scoredParagraphs += missing.length;
      missing.forEach(({ i }, k) => this.remember(keys[i], scores[k]));
    }
    return keys.map((k) => this.cache.get(k)!);
  }

  /** Between windows and steps: yields to the event loop, then waits until no suggestion is being computed. */
  private async giveWay(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await this.options.suggestionsIdle?.();
  }

  private keyOf(loaded: Loaded, context: string, text: string, partner?: Loaded): string {
    const also = partner ? `${partner.modelId}\u0000${partner.version}` : '';
    return createHash('sha256')
      .update(
        `${loaded.modelId}\u0000${loaded.version}\u0000${also}\u0000${lastCodePoints(context, CONTEXT_CHARS)}\u0000${text}`,
      )
      .digest('base64');
  }

  private remember(key: string, score: ParagraphScore): void {
    this.cache.delete(key);
    this.cache.set(key, score);
    while (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
  }

  /**
   * The model, loaded if need be, marked in use; models other than the active
   * one and the default are let go. The entry for a version is set before
   * anything is awaited, so two requests right after a retrain share one load
   * and the copy before it is retired once.
   */
  private async use(modelId: string): Promise<Loaded> {
    const version = await this.options.modelVersion(modelId);
    let entry = this.loaded.get(modelId);
    if (!entry || entry.version !== version) {
      if (entry) this.retire(entry.pending);
      const pending = loadModel(this.options.modelDir(modelId)).then((model): Loaded => ({
        modelId,
        version,
        model,
        net: null,
        users: 0,
        retired: false,
        freed: false,
      }));
      entry = { version, pending };
      this.loaded.set(modelId, entry);
      const mine = entry;
      pending.catch(() => this.loaded.get(modelId) === mine && this.loaded.delete(modelId));
    }
    const loaded = await entry.pending;
    loaded.users++;
    const keep = new Set([this.options.activeModelId(), DEFAULT_MODEL_ID, modelId]);
    for (const [id, other] of this.loaded) {
      if (keep.has(id)) continue;
      this.loaded.delete(id);
      this.retire(other.pending);
    }
    return loaded;
  }

  /** A copy no longer wanted: freed once the requests reading it are done (a failed load has nothing to free). */
  private retire(pending: Promise<Loaded>): void {
    void pending.then(
      (l) => ((l.retired = true), this.freeIfDone(l)),
      () => {},
    );
  }

  private freeIfDone(loaded: Loaded): void {
    if (!loaded.retired || loaded.users > 0 || loaded.freed) return;
    loaded.freed = true;
    loaded.net?.dispose();
    loaded.net = null;
    disposeModel(loaded.model);
  }
}
