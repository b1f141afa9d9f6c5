/**
 * A suggestion session for one document: it holds the LSTM state after the
 * text before the cursor, absorbs new text incrementally, keeps periodic state
 * snapshots so an earlier edit rewinds to the nearest one instead of starting
 * over, and samples K continuations in one batched pass, each at its own
 * temperature. It runs one suggestion at a time: new text, a newer suggestion
 * or `dispose` supersedes the running one (superseding.ts says how, and why
 * no other layer does). It also gathers the document's own words (names,
 * places), which join the model's word list as words a suggestion may spell.
 * Over 300 lines on purpose: absorbing, snapshots, rewinding and priming are
 * one algorithm over the same state, kept in one place.
 */
import {
  CONTEXT_LIMITS,
  DEFAULT_SUGGESTION_CHARS,
  DEFAULT_TEMPERATURES,
  MAX_SUGGESTION_CHARS,
  VARIETY_TEMPERATURE,
} from '../../shared/vocabulary';
import { PenwrightError, cancelledError } from '../errors';
import { InferenceNet, cloneState, disposeState, type LstmState } from '../network/inference';
import type { CharModel } from '../storage/persistence';
import { Vocabulary } from '../text/vocab';
import { Lexicon, WordSet } from '../text/word-list';
import { DOCUMENT_SEPARATOR } from '../training/batches';
import { decodeGhost, type GhostResult } from './ghost-decoder';
import { sampleStreams } from './sampler';
import { OneAtATime } from './superseding';
import type { StopRule } from './stop-rules';
import { DocumentWords } from './document-words';
import { realign } from './realign';
import { trailingWord } from './word-constraint';
import type { GhostRequest, SessionOptions, SessionSuggestion, SuggestOptions } from './suggest-options';

export type { GhostRequest, SessionOptions, SessionSuggestion, SuggestOptions };

/** Characters `prime` reads between yields (about 5-10 ms for the default model: what a keystroke may wait). */
const PRIME_SLICE = 32;

interface Snapshot {
  /** Characters absorbed (from the origin) when it was taken. */
  length: number;
  state: LstmState;
}

/** What `ghost` is asked: the gate, the length, the stop rule, and the words it may spell (default: the session's lexicon; null: any). */
type GhostOptionsOf = GhostRequest & { maxChars?: number; stop?: StopRule; lexicon?: Lexicon | null };

export class SuggestionSession {
  readonly vocab: Vocabulary;
  private readonly net: InferenceNet;
  private readonly ownsNet: boolean;
  private readonly contextChars: number;
  private readonly snapshotEvery: number;
  private readonly maxSnapshots: number;
  /** Code points absorbed, starting at `origin` in the document. */
  private absorbed: string[] = [];
  private origin = 0;
  private state: LstmState;
  private snapshots: Snapshot[] = [];
  private readonly start: LstmState;
  private disposed = false;
  private readonly turn = new OneAtATime();
  /** Model steps run by the last `setText` (for tests and benchmarks). */
  lastStepCount = 0;
  /** The model's word list (null: the model has none, and nothing is constrained). */
  private readonly modelWords: WordSet | null;
  private readonly documentWords: DocumentWords;

  /** A shared network comes with the model's word set and, optionally, its document's words (shared by its sessions). */
  constructor(
    model: CharModel | { net: InferenceNet; vocab: Vocabulary; words?: WordSet | null; documentWords?: DocumentWords },
    options: SessionOptions = {},
  ) {
    if ('net' in model) {
      this.net = model.net;
      this.vocab = model.vocab;
      this.ownsNet = false;
      this.modelWords = model.words ?? null;
    } else {
      this.net = new InferenceNet(model);
      this.vocab = model.vocab;
      this.ownsNet = true;
      this.modelWords = model.wordCounts ? new WordSet(model.wordCounts.keys()) : null;
    }
    this.documentWords = ('net' in model && model.documentWords) || new DocumentWords(this.modelWords);
    this.contextChars = options.contextChars ?? CONTEXT_LIMITS.coldStart;
    this.snapshotEvery = options.snapshotEvery ?? 100;
    this.maxSnapshots = options.maxSnapshots ?? 50;
    // Every context starts as a new document does in training: after the separator.
    this.start = this.advance(this.net.zeroState(1), [...DOCUMENT_SEPARATOR]);
    this.state = cloneState(this.start);
  }

  /** The text (code points) the session's state stands for. */
  get absorbedLength(): number {
    return this.origin + this.absorbed.length;
  }

  private advance(state: LstmState, chars: string[]): LstmState {
    for (const ch of chars)
      state = this.net.step(state, Int32Array.of(this.vocab.idOf(ch.codePointAt(0)!)), false).state;
    return state;
  }

  private resetTo(origin: number): void {
    disposeState(this.state);
    for (const s of this.snapshots) disposeState(s.state);
    this.snapshots = [];
    this.absorbed = [];
    this.origin = origin;
    this.state = cloneState(this.start);
  }

  private rewindTo(length: number): void {
    while (this.snapshots.length && this.snapshots[this.snapshots.length - 1].length > length) {
      disposeState(this.snapshots.pop()!.state);
    }
    const snap = this.snapshots[this.snapshots.length - 1];
    disposeState(this.state);
    if (snap) {
      this.state = cloneState(snap.state);
      this.absorbed.length = snap.length;
    } else {
      this.state = cloneState(this.start);
      this.absorbed = [];
    }
  }

  private absorb(chars: string[]): void {
    for (const ch of chars) {
      this.state = this.net.step(this.state, Int32Array.of(this.vocab.idOf(ch.codePointAt(0)!)), false).state;
      this.absorbed.push(ch);
      this.lastStepCount++;
      if (this.absorbed.length % this.snapshotEvery === 0) {
        this.snapshots.push({ length: this.absorbed.length, state: cloneState(this.state) });
        if (this.snapshots.length > this.maxSnapshots) disposeState(this.snapshots.shift()!.state);
      }
    }
  }

  /**
   * Brings the state to the end of `text` (the text before the cursor), doing
   * only the work the change needs: appended text is absorbed; an edit rewinds
   * to the last snapshot before it; a jump elsewhere starts from the last
   * `contextChars` characters.
   */
  setText(text: string): void {
    if (this.disposed) throw new Error('session disposed');
    this.lastStepCount = 0;
    const chars = [...text];
    const length = chars.length;
    // How much of what we absorbed is still there, and where: in place, or
    // moved because text before the window changed or because the caller's
    // window follows the cursor (typing moves its start forward, deleting
    // moves it back).
    const { at, kept } = realign(this.absorbed, this.origin, chars);
    const inPlace = at === this.origin;
    if (inPlace && kept === this.absorbed.length && length === this.absorbedLength) return; // unchanged
    this.turn.end(new PenwrightError('STALE', 'The text changed while suggesting.'));
    this.documentWords.read(text);
    const coldOrigin = Math.max(0, length - this.contextChars);
    this.moveOrigin(at);
    if (inPlace && kept === 0 && this.origin > 0) {
      this.resetTo(coldOrigin); // changed at the very start of our window: nothing to keep
    } else if (length - (this.origin + kept) > this.contextChars) {
      this.resetTo(coldOrigin);
    } else if (kept < this.absorbed.length) {
      this.rewindTo(kept);
    }
    this.absorb(chars.slice(this.origin + this.absorbed.length));
  }

  /**
   * Reads `text` into a new session as `setText` would, a slice at a time,
   * yielding between slices so requests are answered meanwhile: how new
   * weights (a document's adapted copy) get their state in the background.
   * `giveWay`, awaited between slices, holds it back (while a suggestion is
   * being computed). Resolves false, the session unfinished, once
   * `stillWanted` says no.
   */
  async prime(text: string, stillWanted: () => boolean, giveWay?: () => Promise<void>): Promise<boolean> {
    if (this.disposed) throw new Error('session disposed');
    const chars = [...text];
    this.resetTo(Math.max(0, chars.length - this.contextChars));
    for (let at = this.origin; at < chars.length; at += PRIME_SLICE) {
      this.absorb(chars.slice(at, Math.min(at + PRIME_SLICE, chars.length)));
      await new Promise<void>((resolve) => setImmediate(resolve));
      // a suggestion being computed yields between its steps: a slice there would be its wait
      await giveWay?.();
      if (this.disposed || !stillWanted()) return false;
    }
    return true;
  }

  /** The absorbed text now starts at `at`; before 0, its head fell out of the window. */
  private moveOrigin(at: number): void {
    if (at >= 0) {
      this.origin = at;
      return;
    }
    // The state still stands for the whole text read; only the record of it
    // (and the snapshots one could rewind to) lose what is no longer in view.
    const cut = -at;
    this.absorbed = this.absorbed.slice(cut);
    this.snapshots = this.snapshots.filter((snap) => {
      snap.length -= cut;
      if (snap.length > 0) return true;
      disposeState(snap.state);
      return false;
    });
    this.origin = 0;
  }

  /** The last characters absorbed: what a continuation's loop check reads. */
  private contextTail(): string {
    return this.absorbed.slice(-200).join('');
  }

  /** What a suggestion may spell: the model's words and the document's (none without a model list). */
  lexicon(): Lexicon | undefined {
    if (!this.modelWords) return undefined;
    return new Lexicon([this.modelWords, this.documentWords.set(this.modelWords)]);
  }

  /** Words of a suggestion the lexicon does not know (for the suggestions panel to mark). */
  private invented(lexicon: Lexicon | undefined, text: string): [number, number][] | undefined {
    return lexicon?.unknownWords(text, trailingWord(this.contextTail()));
  }

  /** Ghost text from the current state (see ghost-decoder.ts), as a suggestion of its own. */
  async ghost(options: GhostOptionsOf): Promise<GhostResult> {
    if (this.disposed) throw new Error('session disposed');
    return this.ghostWith(options, this.turn.begin());
  }

  private ghostWith(options: GhostOptionsOf, check: () => void): Promise<GhostResult> {
    let lastYield = performance.now();
    return decodeGhost(this.net, this.vocab, this.state, this.contextTail(), {
      minConfidence: options.minConfidence,
      lexicon: options.lexicon === undefined ? this.lexicon() : (options.lexicon ?? undefined),
      beamWidth: options.beamWidth,
      maxChars: Math.min(options.maxChars ?? DEFAULT_SUGGESTION_CHARS, MAX_SUGGESTION_CHARS),
      stop: options.stop ?? 'none',
      checkpoint: async () => {
        check();
        if (performance.now() - lastYield > 8) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
          check();
        }
      },
    });
  }

  /**
   * One continuation per temperature from the current state: ghost text for
   * the lowest one when `ghost` is asked for (first in the answer), the rest
   * sampled in one batched pass, each at its own temperature. No continuation
   * repeats a word 3-gram (loop-guard.ts). Superseded, it throws STALE or
   * CANCELLED (superseding.ts).
   */
  async suggest(options: SuggestOptions = {}): Promise<SessionSuggestion[]> {
    if (this.disposed) throw new Error('session disposed');
    const temperatures = options.temperatures ?? [...DEFAULT_TEMPERATURES];
    if (temperatures.length === 0) return [];
    const maxChars = Math.min(options.maxChars ?? DEFAULT_SUGGESTION_CHARS, MAX_SUGGESTION_CHARS);
    const rule = options.stop ?? 'none';
    const check = this.turn.begin();
    const seedBase = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    let ghostAt = -1;
    if (options.ghost) {
      for (const [i, t] of temperatures.entries()) {
        if (t < VARIETY_TEMPERATURE && (ghostAt < 0 || t < temperatures[ghostAt])) ghostAt = i;
      }
    }
    const out: SessionSuggestion[] = [];
    const lexicon = this.lexicon();
    if (ghostAt >= 0 && options.part !== 'rest') {
      const g = await this.ghostWith({ ...options.ghost!, maxChars, stop: rule, lexicon }, check);
      out.push({
        temperature: temperatures[ghostAt],
        text: g.text,
        logprob: g.chars ? Math.log(g.confidence) / g.chars : 0,
        stoppedBy: g.endedBy === 'stop' ? rule : g.endedBy,
        ghost: true,
      });
    }
    check(); // superseded while the ghost text was decoded: the state may be gone
    const streams = options.part === 'ghost' ? [] : [...temperatures.keys()].filter((i) => i !== ghostAt);
    out.push(
      ...(await sampleStreams({
        net: this.net,
        vocab: this.vocab,
        state: this.state,
        context: this.contextTail(),
        streams,
        temperatures,
        seedBase,
        maxChars,
        rule,
        topK: options.topK,
        topP: options.topP,
        lexicon,
        check,
      })),
    );
    check();
    for (const s of out) {
      const invented = this.invented(lexicon, s.text);
      if (invented) s.invented = invented;
    }
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.turn.end(cancelledError('The suggestion'));
    disposeState(this.state);
    disposeState(this.start);
    for (const s of this.snapshots) disposeState(s.state);
    this.snapshots = [];
    if (this.ownsNet) this.net.dispose();
  }
}
