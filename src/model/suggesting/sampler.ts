/**
 * Sampled continuations, one per temperature, in one batched pass through the
 * network: each stream draws from its own seeded generator, stops by the stop
 * rule or its length, and never begins a word that would repeat a word
 * 3-gram (loop-guard.ts). Below VARIETY_TEMPERATURE a stream spells
 * only words of the lexicon (word-constraint.ts); from there up it keeps its
 * variety, invented words included.
 */
import { VARIETY_TEMPERATURE } from '../../shared/vocabulary';
import { disposeState, tileState, type InferenceNet, type LstmState } from '../network/inference';
import { Rng } from '../rng';
import type { Vocabulary } from '../text/vocab';
import type { Lexicon } from '../text/word-list';
import { LoopGuard } from './loop-guard';
import { logProbOf, sampleId } from './sampling';
import { decideStop, type StopRule } from './stop-rules';
import type { SessionSuggestion } from './suggest-options';
import { WordSpeller } from './word-constraint';

/** Primes that spread a request's seed and each temperature's stream apart, so no two streams share numbers. */
const SEED_STRIDE = { request: 7919, stream: 104729 };

export interface SampleJob {
  net: InferenceNet;
  vocab: Vocabulary;
  /** The state after the text so far (not disposed). */
  state: LstmState;
  /** The text so far (its end), for the loop block. */
  context: string;
  streams: number[];
  temperatures: number[];
  seedBase: number;
  maxChars: number;
  rule: StopRule;
  topK?: number;
  topP?: number;
  /** Words low-temperature streams may spell; none: any. */
  lexicon?: Lexicon;
  /** Throws once the suggestion is superseded (superseding.ts). */
  check(): void;
}

/** `row` with `ids` set to -Infinity (a copy when there are any). */
function ban(row: Float32Array, ids: readonly number[]): Float32Array {
  if (ids.length === 0) return row;
  const out = row.slice();
  for (const id of ids) out[id] = -Infinity;
  return out;
}

/** Samples streams (indices into `temperatures`; the index seeds each one) in one batched pass. */
export async function sampleStreams(job: SampleJob): Promise<SessionSuggestion[]> {
  const { net, vocab, streams, temperatures, seedBase, maxChars, rule } = job;
  const k = streams.length;
  if (k === 0) return [];
  const rngs = streams.map((i) => new Rng(seedBase * SEED_STRIDE.request + i * SEED_STRIDE.stream + 1));
  const guards = streams.map(() => new LoopGuard(vocab, job.context));
  const spellers = streams.map((s) =>
    temperatures[s] < VARIETY_TEMPERATURE ? WordSpeller.after(job.lexicon, job.context) : null,
  );
  const texts = streams.map(() => '');
  const logprobSums = new Float64Array(k);
  const counts = new Int32Array(k);
  const done: (SessionSuggestion['stoppedBy'] | null)[] = streams.map(() => null);
  let state = tileState(job.state, k);
  let logits = net.logitsOf(state);
  let lastYield = performance.now();
  try {
    for (let step = 0; step < maxChars; step++) {
      const rows = (await logits.data()) as Float32Array;
      logits.dispose();
      job.check();
      const V = rows.length / k;
      const next = new Int32Array(k);
      for (let i = 0; i < k; i++) {
        if (done[i]) continue;
        const row = rows.subarray(i * V, (i + 1) * V);
        // a word that would repeat a word 3-gram may not begin; a low temperature spells known words
        let choices = ban(row, guards[i].bannedIds());
        const speller = spellers[i];
        if (speller) {
          const spelled = ban(choices, speller.bannedIds(vocab));
          // when the lexicon leaves nothing the model would write, the word goes free
          if (spelled.some((x) => x > -Infinity)) choices = spelled;
        }
        const sampling = { temperature: temperatures[streams[i]], topK: job.topK, topP: job.topP };
        const id = sampleId(choices, sampling, rngs[i]);
        const ch = vocab.charOf(id);
        const decision = decideStop(rule, texts[i], ch);
        if (decision.take) {
          texts[i] += ch;
          guards[i].push(ch);
          spellers[i] = spellers[i]?.push(ch) ?? null;
          logprobSums[i] += logProbOf(row, id);
          counts[i]++;
        }
        if (decision.stop) done[i] = rule;
        next[i] = id;
      }
      if (done.every(Boolean) || step === maxChars - 1) break;
      const advanced = net.step(state, next, true);
      state = advanced.state;
      logits = advanced.logits!;
      if (performance.now() - lastYield > 8) {
        // let a newer request or a cancel message through
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  } finally {
    if (!logits.isDisposed) logits.dispose();
    disposeState(state);
  }
  return streams.map((s, i) => ({
    temperature: temperatures[s],
    text: texts[i],
    logprob: counts[i] ? logprobSums[i] / counts[i] : 0,
    stoppedBy: done[i] ?? 'budget',
  }));
}
