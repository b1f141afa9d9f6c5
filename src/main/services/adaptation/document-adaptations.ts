/**
 * "Learn this document as I write", for the suggestion service: after a pause
 * in a document's editor requests (ADAPT_PAUSE_MS, with MIN_ADAPTATION_CHARS
 * new since the last time) the adaptation runner learns the text just written
 * into the document's own copy of the weights (model/suggesting/adaptation.ts).
 * New weights invalidate the carried LSTM state, so a session on them reads
 * the context in the background (`prime`) and takes over only at the
 * document's next request, ready; until then the old weights answer. A
 * document's copy goes when it closes, the model changes or the setting is
 * turned off. While it is there, the weights in use can be kept as a model
 * of their own (`adapted`, keep-adapted.ts).
 */
import { InferenceNet } from '../../../model/network/inference';
import type { ModelMeta } from '../../../model/storage/metadata';
import type { CharModel } from '../../../model/storage/persistence';
import { MIN_ADAPTATION_CHARS } from '../../../model/suggesting/adaptation';
import type { Adaptation } from '../../../model/suggesting/adaptation-runner';
import type { DocumentWords } from '../../../model/suggesting/document-words';
import { SuggestionSession } from '../../../model/suggesting/session';
import type { WordSet } from '../../../model/text/word-list';
import { ParamLayout } from '../../../model/training/parallel/param-layout';
import { CONTEXT_LIMITS } from '../../../shared/vocabulary';
import { countCodePoints } from '../../../model/text/vocab';

/** How long a document's editor goes without a request before its new text is learned. */
export const ADAPT_PAUSE_MS = 1000;
/** The writer counts as typing this long after the last suggestion request: background work waits. */
export const TYPING_MS = 400;

/** The loaded model, as the suggestion service holds it. */
export interface ActiveModel {
  modelId: string;
  model: CharModel;
  net: InferenceNet;
  /** The model's word list, searchable (null for a model saved before lists were kept). */
  words: WordSet | null;
  /** Its weights, flat, for adaptation (made on first use). */
  flat?: Float32Array;
}

/** A document's sessions: the editor's, and each Compare drafts column's. */
export type SessionSlots = Map<'editor' | number, SuggestionSession>;

interface Ready {
  session: SuggestionSession;
  net: InferenceNet;
  /** The weights the network was built from, what was learned to get them, and from which model. */
  kept: AdaptedWeights;
}

/**
 * A document's adapted weights as a model of their own would keep them. The
 * ones kept are those its sessions use (that took over), not newer ones still
 * priming: they are the weights whose suggestions the writer has seen, and a
 * document's in-use weights change only at a request, never mid-save.
 */
export interface AdaptedWeights {
  /** Flat, in ParamLayout's order (the runner's copy, never written to again). */
  weights: Float32Array;
  /** Adaptations they have had since the base weights. */
  adaptations: number;
  /** New characters learned from over those adaptations. */
  characters: number;
  /** The model they were adapted from (its metadata and word list: plain data, no tensors). */
  base: { modelId: string; meta: ModelMeta; wordCounts?: ReadonlyMap<string, number> };
}

/** One document's adapted weights: the ones its sessions use, and newer ones getting ready. */
interface DocumentAdaptation {
  /** The network its sessions run on (null: the model's own). */
  net: InferenceNet | null;
  /** An editor session on newer weights, primed and waiting for the next request. */
  ready: Ready | null;
  /** The text (before the cursor) last learned from. */
  learned: string;
  /** The latest text the editor sent. */
  latest: string;
  timer?: ReturnType<typeof setTimeout>;
  running: boolean;
  /** Adaptations that took over. */
  swaps: number;
  /** Adaptations the runner's copy has had, and the new characters they learned from. */
  adaptations: number;
  characters: number;
  /** The weights its sessions use, as a model would keep them (null: the model's own). */
  inUse: AdaptedWeights | null;
}

export interface DocumentAdaptationsOptions {
  runner?: Adaptation;
  /** Whether the writer has it on. */
  enabled: () => boolean;
  /** The model loaded now (null: none). */
  active: () => ActiveModel | null;
  wordsOf: (docId: string) => DocumentWords;
  /** Resolves once no suggestion is being computed (priming waits for it between slices). */
  whenIdle?: () => Promise<void>;
  /** The pause that starts an adaptation (null: only `adaptNow`, as the benchmark drives it). */
  pauseMs?: number | null;
  /** Where an adaptation that failed is told (it never fails a request). */
  onError?: (e: unknown) => void;
  /** A document's weights in use changed: `adaptations` they have had (0: back to the model's own). */
  onChange?: (docId: string, adaptations: number) => void;
}

export class DocumentAdaptations {
  private readonly docs = new Map<string, DocumentAdaptation>();
  /** Adapted weights that took over, in every document (benchmarks). */
  swapsTotal = 0;

  constructor(private readonly o: DocumentAdaptationsOptions) {}

  /** Each loaded model's own key: a model deleted and imported again under its id is another model. */
  private readonly keys = new WeakMap<ActiveModel, string>();
  private loads = 0;

  private keyOf(active: ActiveModel): string {
    let key = this.keys.get(active);
    if (!key) this.keys.set(active, (key = `${active.modelId}#${++this.loads}`));
    return key;
  }

  /** Whether documents learn now: the setting is on and there is a runner. */
  get on(): boolean {
    return this.o.runner !== undefined && this.o.enabled();
  }

  /** The network a document's new sessions run on (undefined: the model's own). */
  netOf(docId: string): InferenceNet | undefined {
    return this.docs.get(docId)?.net ?? undefined;
  }

  /** How many adaptations took over, and whether one is waiting (tests, benchmarks). */
  of(docId: string): { swaps: number; ready: boolean } | null {
    const a = this.docs.get(docId);
    return a ? { swaps: a.swaps, ready: a.ready !== null } : null;
  }

  /** The adapted weights a document's sessions use now (null: none, it runs on the model's own). */
  adapted(docId: string): AdaptedWeights | null {
    return this.on ? (this.docs.get(docId)?.inUse ?? null) : null;
  }

  /** The editor sent new text: learn it after a pause. */
  noteText(docId: string, text: string): void {
    let a = this.docs.get(docId);
    if (!a)
      this.docs.set(
        docId,
        (a = { net: null, ready: null, learned: '', latest: '', running: false, swaps: 0, ...NOTHING_LEARNED }),
      );
    a.latest = text;
    const pause = this.o.pauseMs === undefined ? ADAPT_PAUSE_MS : this.o.pauseMs;
    if (pause === null) return;
    clearTimeout(a.timer);
    a.timer = setTimeout(() => {
      this.adaptNow(docId).catch((e: unknown) => this.o.onError?.(e));
    }, pause);
    a.timer.unref?.();
  }

  /**
   * Learns the document's new text into its copy of the weights and primes a
   * session on them, which takes over at the next request. Does nothing with
   * fewer than MIN_ADAPTATION_CHARS new characters, while another adaptation
   * of it runs, or once the document closed, the model changed or the
   * setting went off.
   */
  async adaptNow(docId: string): Promise<void> {
    const runner = this.o.runner;
    const a = this.docs.get(docId);
    const active = this.o.active();
    if (!runner || !a || a.running || !active || !this.on) return;
    const text = a.latest;
    // `learned` changes only here, and not while this runs (`running`): counted once for both uses
    const fresh = newSince(a.learned, text);
    if (fresh < MIN_ADAPTATION_CHARS) return;
    a.running = true;
    const current = () => this.docs.get(docId) === a && this.o.active() === active && this.on;
    try {
      active.flat ??= new ParamLayout(active.model.meta.network, active.model.vocab.size).flatten(active.model.params);
      const params = await runner.adapt({
        docId,
        modelId: this.keyOf(active),
        network: active.model.meta.network,
        vocabSize: active.model.vocab.size,
        base: active.flat,
        ids: active.model.vocab.encode(text.slice(-(CONTEXT_LIMITS.sent + 1))),
      });
      if (!current()) return;
      a.adaptations++;
      a.characters += fresh;
      a.learned = text;
      const { modelId, model } = active;
      const kept: AdaptedWeights = {
        weights: params,
        adaptations: a.adaptations,
        characters: a.characters,
        base: { modelId, meta: model.meta, ...(model.wordCounts ? { wordCounts: model.wordCounts } : {}) },
      };
      const net = netFrom(active.model, params);
      const session = new SuggestionSession({
        net,
        vocab: active.model.vocab,
        words: active.words,
        documentWords: this.o.wordsOf(docId),
      });
      // the state for the newest text, read a slice at a time while requests go on
      const primed = await session.prime(a.latest, current, this.o.whenIdle);
      if (!primed || !current()) {
        disposeReady({ session, net });
        return;
      }
      if (a.ready) disposeReady(a.ready);
      a.ready = { session, net, kept };
    } finally {
      a.running = false;
    }
  }

  /**
   * Before a request: newer weights that are ready take over the document's
   * sessions (`doc`): the editor's is the primed one, the drafts' start anew.
   * Superseded sessions end as a newer request ends them.
   */
  takeOver(docId: string, doc: SessionSlots): void {
    const a = this.docs.get(docId);
    if (!a?.ready) return;
    for (const s of doc.values()) s.dispose();
    doc.clear();
    a.net?.dispose();
    a.net = a.ready.net;
    doc.set('editor', a.ready.session);
    a.inUse = a.ready.kept;
    a.ready = null;
    a.swaps++;
    this.swapsTotal++;
    this.o.onChange?.(docId, a.inUse.adaptations);
  }

  /** Back to the model's own weights for a document; its sessions on the old ones (`doc`) end. */
  drop(docId: string, doc?: SessionSlots): void {
    const a = this.docs.get(docId);
    if (!a) return;
    this.docs.delete(docId);
    clearTimeout(a.timer);
    if (a.ready) disposeReady(a.ready);
    if (a.net) {
      for (const s of doc?.values() ?? []) s.dispose();
      doc?.clear();
      a.net.dispose();
    }
    this.o.runner?.forget(docId);
    if (a.inUse) this.o.onChange?.(docId, 0);
  }

  /** Every document back to the model's own weights. */
  dropAll(sessionsOf: (docId: string) => SessionSlots | undefined): void {
    for (const docId of [...this.docs.keys()]) this.drop(docId, sessionsOf(docId));
  }

  get size(): number {
    return this.docs.size;
  }
}

/**
 * Characters of `text` written after what was learned: the editor sends a
 * window that moves with the cursor, so what was learned is found by its last
 * characters, not by a common start. Not found (an edit there, or the cursor
 * elsewhere): all of it is new to this copy.
 */
export function newSince(learned: string, text: string): number {
  if (!learned) return countCodePoints(text);
  const tail = learned.slice(-LEARNED_TAIL);
  const at = text.lastIndexOf(tail);
  return countCodePoints(at < 0 ? text : text.slice(at + tail.length));
}

/** How much of the learned text's end is looked for in the new text. */
const LEARNED_TAIL = 200;

const NOTHING_LEARNED = { adaptations: 0, characters: 0, inUse: null };

function disposeReady(ready: Pick<Ready, 'session' | 'net'>): void {
  ready.session.dispose();
  ready.net.dispose();
}

/** A network on adapted weights (the tensors it is built from are let go once it is). */
function netFrom(model: CharModel, flat: Float32Array): InferenceNet {
  const params = new ParamLayout(model.meta.network, model.vocab.size).read(flat);
  try {
    return new InferenceNet({ ...model, params });
  } finally {
    for (const t of params.values()) t.dispose();
  }
}
