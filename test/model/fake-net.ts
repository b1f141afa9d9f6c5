/**
 * A stand-in for InferenceNet with probabilities a test writes down: its state
 * is the text read so far (each row holds an index into a table of texts), and
 * the next-character distribution is a function of that text.
 */
import * as tf from '@tensorflow/tfjs-core';
import { decodeGhost, type GhostOptions, type StepNetwork } from '../../src/model/suggesting/ghost-decoder';
import { disposeState, type InferenceNet, type LstmState } from '../../src/model/network/inference';
import { Vocabulary } from '../../src/model/text/vocab';

/** Next-character probabilities after `text`; characters left out share what is left. */
export type Distribution = (text: string) => Record<string, number>;

export class FakeNet implements StepNetwork {
  readonly vocab: Vocabulary;
  readonly hidden = [1];
  private readonly texts: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);
  /** Texts the network was asked about (to count steps). */
  steps = 0;

  constructor(
    alphabet: string,
    private readonly distribution: Distribution,
  ) {
    this.vocab = Vocabulary.fromText([alphabet]);
  }

  /** For SuggestionSession, which types its network as InferenceNet. */
  asInferenceNet(): InferenceNet {
    return this as unknown as InferenceNet;
  }

  get vocabSize(): number {
    return this.vocab.size;
  }

  private idOfText(text: string): number {
    let id = this.index.get(text);
    if (id === undefined) {
      id = this.texts.length;
      this.texts.push(text);
      this.index.set(text, id);
    }
    return id;
  }

  private textsOf(state: LstmState): string[] {
    return [...state.h[0].dataSync()].map((i) => this.texts[i]);
  }

  private stateOf(texts: string[]): LstmState {
    const ids = texts.map((t) => this.idOfText(t));
    return {
      h: [tf.tensor2d(ids, [ids.length, 1])],
      c: [tf.zeros([ids.length, 1]) as tf.Tensor2D],
    };
  }

  /** The state after reading `text`. */
  stateAfter(text: string): LstmState {
    return this.stateOf([text]);
  }

  zeroState(k = 1): LstmState {
    return this.stateOf(Array.from({ length: k }, () => ''));
  }

  logitsOf(state: LstmState): tf.Tensor2D {
    const V = this.vocab.size;
    const rows = this.textsOf(state).map((text) => {
      const given = this.distribution(text);
      const chars = Object.keys(given);
      let total = 0;
      for (const ch of chars) total += given[ch];
      const others = V - 1 - chars.length;
      const rest = others > 0 ? Math.max(1 - total, 1e-9) / others : 0;
      const row = new Array<number>(V).fill(Math.log(rest || 1e-12));
      row[0] = -1e9; // the unknown symbol
      for (const ch of chars) row[this.vocab.idOf(ch.codePointAt(0)!)] = Math.log(given[ch]);
      return row;
    });
    return tf.tensor2d(rows, [rows.length, V]);
  }

  step(state: LstmState, ids: Int32Array, withLogits: boolean): { state: LstmState; logits?: tf.Tensor2D } {
    const texts = this.textsOf(state).map((t, i) => t + this.vocab.charOf(ids[i]));
    for (const t of [...state.h, ...state.c]) t.dispose();
    this.steps++;
    const next = this.stateOf(texts);
    return { state: next, logits: withLogits ? this.logitsOf(next) : undefined };
  }

  dispose(): void {}
}

/** Ghost text after `context` from `net`: no gate, 40 characters, no stop rule, unless `options` say otherwise. */
export async function decodeAfter(net: FakeNet, context: string, options: Partial<GhostOptions> = {}) {
  const state = net.stateAfter(context);
  try {
    return await decodeGhost(net, net.vocab, state, context, {
      minConfidence: 0,
      maxChars: 40,
      stop: 'none',
      ...options,
    });
  } finally {
    disposeState(state);
  }
}
