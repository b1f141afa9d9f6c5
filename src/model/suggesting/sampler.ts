/**
 * Sampled continuations, one per temperature, in one batched pass through the
 * network: each stream draws from its own seeded generator, stops by the stop
 * rule or its length, and never begins a word that would repeat a word
 * 3-gram (loop-guard.ts).
 */
import { disposeState, tileState, type InferenceNet, type LstmState } from '../network/inference';
import { Rng } from '../rng';
import type { Vocabulary } from '../text/vocab';
import { LoopGuard } from './loop-guard';
import { logProbOf, sampleId } from './sampling';
import { decideStop, type StopRule } from './stop-rules';
import type { Suggestion } from './suggest-options';

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
  /** Throws once the suggestion is superseded (superseding.ts). */
  check(): void;
}

/** Samples streams (indices into `temperatures`; the index seeds each one) in one batched pass. */
export async function sampleStreams(job: SampleJob): Promise<Suggestion[]> {
  const { net, vocab, streams, temperatures, seedBase, maxChars, rule } = job;
  const k = streams.length;
  if (k === 0) return [];
  const rngs = streams.map((i) => new Rng(seedBase * SEED_STRIDE.request + i * SEED_STRIDE.stream + 1));
  const guards = streams.map(() => new LoopGuard(vocab, job.context));
  const texts = streams.map(() => '');
  const logprobSums = new Float64Array(k);
  const counts = new Int32Array(k);
  const done: (Suggestion['stoppedBy'] | null)[] = streams.map(() => null);
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
        // a word that would repeat a word 3-gram may not begin
        const banned = guards[i].bannedIds();
        let choices = row;
        if (banned.length) {
          choices = row.slice();
          for (const id of banned) choices[id] = -Infinity;
        }
        const sampling = { temperature: temperatures[streams[i]], topK: job.topK, topP: job.topP };
        const id = sampleId(choices, sampling, rngs[i]);
        const ch = vocab.charOf(id);
        const decision = decideStop(rule, texts[i], ch);
        if (decision.take) {
          texts[i] += ch;
          guards[i].push(ch);
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
