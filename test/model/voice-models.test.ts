/**
 * The voice check end to end on two tiny real models: "yours" trained on one
 * text, "the default" on another. Each paragraph's loss is computed
 * independently, by the one-step network (inference.ts) read character by
 * character after the same context, and the verdicts and chapter lines the
 * voice check gives (paragraphs as the editor splits them, the whole-sequence
 * scorer, voice.ts) must be the ones those losses call for.
 */
import { Text } from '@codemirror/state';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceNet, disposeState } from '../../src/model/network/inference';
import { CONTEXT_CHARS, scoreParagraphs } from '../../src/model/scoring/paragraph-scores';
import { disposeModel, type CharModel } from '../../src/model/storage/persistence';
import { documentParagraphs } from '../../src/renderer/src/editor/paragraphs';
import {
  FRESH_NATS,
  IN_YOUR_VOICE_NATS,
  UNLIKE_YOU_NATS,
  chapterSummaries,
  voiceOf,
  type VoiceParagraph,
} from '../../src/shared/voice';
import { trainTiny, useTestBackend } from '../helpers';

/** Both corpora hold every letter, so both vocabularies know every character of the document. */
const PANGRAM = 'the quick brown fox jumps over the lazy dog, 0123456789.\n';
const MINE = 'the harbour keeps its boats close, and the gulls keep the harbour.\n';
const THEIRS = 'a clerk counts coins in a cold room, and counts again.\n';

/** Summed loss of the paragraph's characters by the one-step network, after the same context as main reads. */
function handLoss(net: InferenceNet, model: CharModel, context: string, text: string): { loss: number; chars: number } {
  const ctx = [...context].slice(-CONTEXT_CHARS).join('') || '\n';
  const ids = model.vocab.encode(ctx + text);
  let state = net.zeroState(1);
  let loss = 0;
  const first = [...ctx].length; // index of the paragraph's first character
  for (let i = 0; i + 1 < ids.length; i++) {
    const r = net.step(state, Int32Array.of(ids[i]), true);
    state = r.state;
    const logp = tf.tidy(() => tf.logSoftmax(r.logits!).dataSync());
    r.logits!.dispose();
    if (i + 1 >= first) loss += -logp[ids[i + 1]];
  }
  disposeState(state);
  return { loss, chars: [...text].length };
}

/** The band by the words, restated here from the three thresholds. */
function expectedVoice(personal: number, standard: number): string {
  if (standard - personal >= IN_YOUR_VOICE_NATS) return 'in your voice';
  if (personal >= FRESH_NATS && standard >= FRESH_NATS) return 'fresh';
  if (personal - standard >= UNLIKE_YOU_NATS) return 'unlike you';
  return 'common';
}

describe('voice check on two tiny trained models', () => {
  let mine: CharModel;
  let standard: CharModel;
  beforeAll(async () => {
    await useTestBackend();
    const corpus = (line: string) => [PANGRAM + line.repeat(60)];
    mine = (await trainTiny({ documents: corpus(MINE), maxSteps: 60 })).model;
    standard = (await trainTiny({ documents: corpus(THEIRS), maxSteps: 60 })).model;
  }, 120_000);
  afterAll(() => {
    if (mine) disposeModel(mine);
    if (standard) disposeModel(standard);
  });

  it('gives each paragraph and chapter the verdict its step-by-step losses call for', async () => {
    const doc = Text.of([
      '# Harbour',
      MINE.trim(),
      '',
      'the gulls keep the harbour close, and the boats keep the gulls.',
      '# Counting',
      THEIRS.trim(),
      'zqxv jjwk 93 pf yyq xz.',
      '# Both',
      'the quick brown fox jumps over the lazy dog.',
    ]);
    const { paragraphs, headings } = documentParagraphs(doc);
    expect(headings.map((h) => h.title)).toEqual(['Harbour', 'Counting', 'Both']);
    const inputs = paragraphs.map(({ context, text }) => ({ context, text }));
    const [byMine, byStandard] = [await scoreParagraphs(mine, inputs), await scoreParagraphs(standard, inputs)];

    const netMine = new InferenceNet(mine);
    const netStandard = new InferenceNet(standard);
    const read: VoiceParagraph[] = [];
    try {
      paragraphs.forEach((p, i) => {
        const a = handLoss(netMine, mine, p.context, p.text);
        const b = handLoss(netStandard, standard, p.context, p.text);
        // the scorer's sums are the step-by-step ones
        expect(byMine[i].chars).toBe(a.chars);
        expect(byStandard[i].chars).toBe(b.chars);
        expect(byMine[i].loss, p.text).toBeCloseTo(a.loss, 2);
        expect(byStandard[i].loss, p.text).toBeCloseTo(b.loss, 2);
        const reading: VoiceParagraph = {
          line: p.line,
          text: p.text,
          personalLoss: byMine[i].loss,
          personalChars: byMine[i].chars,
          defaultLoss: byStandard[i].loss,
          defaultChars: byStandard[i].chars,
        };
        expect(voiceOf(reading), p.text).toBe(expectedVoice(a.loss / a.chars, b.loss / b.chars));
        read.push(reading);
      });
    } finally {
      netMine.dispose();
      netStandard.dispose();
    }
    // the models learned what they read: the bands the document was written to show
    expect(read.map(voiceOf).slice(0, 4)).toEqual(['in your voice', 'in your voice', 'unlike you', 'fresh']);

    // the chapter lines: the sums of their paragraphs' step-by-step losses, and the verdict those call for
    const lines = chapterSummaries(read, headings);
    expect(lines.map((l) => l.title)).toEqual(['Harbour', 'Counting', 'Both']);
    const chapterOf = (line: number) => (line < headings[1].line ? 0 : line < headings[2].line ? 1 : 2);
    lines.forEach((l, c) => {
      const members = read.filter((p) => chapterOf(p.line) === c);
      const sum = (f: (p: VoiceParagraph) => number) => members.reduce((n, p) => n + f(p), 0);
      const personal = sum((p) => p.personalLoss) / sum((p) => p.personalChars);
      const std = sum((p) => p.defaultLoss) / sum((p) => p.defaultChars);
      expect(l.personal).toBeCloseTo(personal, 6);
      expect(l.standard).toBeCloseTo(std, 6);
      expect(l.voice).toBe(expectedVoice(personal, std));
      expect(l.sentence).toContain(
        `your model ${personal.toFixed(2)}, the default ${std.toFixed(2)} nats per character`,
      );
    });
    expect(lines[0].sentence).toMatch(/^In your voice overall; of 2 paragraphs: 2 in your voice/);
    expect(lines[1].counts).toMatchObject({ 'unlike you': 1, fresh: 1 });
  }, 60_000);
});
