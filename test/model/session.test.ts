import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InferenceNet } from '../../src/model/network/inference';
import { disposeModel, type CharModel } from '../../src/model/storage/persistence';
import { Rng } from '../../src/model/rng';
import { sampleId } from '../../src/model/suggesting/sampling';
import { SuggestionSession } from '../../src/model/suggesting/session';
import { decideStop } from '../../src/model/suggesting/stop-rules';
import { UNKNOWN_ID } from '../../src/model/text/vocab';
import { aliceText, trainTiny, useTestBackend } from '../helpers';

/** The state a fresh session reaches for `text`, compared through the next-character logits. */
async function greedy(session: SuggestionSession, n = 20): Promise<string> {
  const [s] = await session.suggest({ temperatures: [0], maxChars: n });
  return s.text;
}

describe('suggestion session', () => {
  let model: CharModel;
  beforeAll(async () => {
    await useTestBackend();
    model = (await trainTiny({ documents: [aliceText(20_000)], maxSteps: 60 })).model;
  });
  afterAll(() => disposeModel(model));

  it('returns one continuation per temperature with its log-probability', async () => {
    const session = new SuggestionSession(model);
    session.setText('Alice was beginning to get very tired of sitting by her');
    const out = await session.suggest({ temperatures: [0.2, 0.5, 0.8, 1.2], maxChars: 30, seed: 1 });
    expect(out.map((s) => s.temperature)).toEqual([0.2, 0.5, 0.8, 1.2]);
    for (const s of out) {
      expect([...s.text].length).toBeLessThanOrEqual(30);
      expect(s.logprob).toBeLessThan(0);
      expect(s.stoppedBy).toBe('budget');
    }
    session.dispose();
  });

  it('is deterministic near temperature 0 and reproducible with a seed', async () => {
    const session = new SuggestionSession(model);
    session.setText('The Queen said');
    const a = await session.suggest({ temperatures: [0.001, 0.001], maxChars: 40 });
    const b = await session.suggest({ temperatures: [0.001], maxChars: 40 });
    expect(a[0].text).toBe(a[1].text);
    expect(b[0].text).toBe(a[0].text);
    const s1 = await session.suggest({ temperatures: [1], maxChars: 40, seed: 9 });
    const s2 = await session.suggest({ temperatures: [1], maxChars: 40, seed: 9 });
    expect(s2[0].text).toBe(s1[0].text);
    session.dispose();
  });

  it('gives more varied text at higher temperature', async () => {
    const session = new SuggestionSession(model);
    session.setText('Alice');
    const distinct = async (t: number) => {
      const texts = new Set<string>();
      for (let seed = 1; seed <= 12; seed++)
        texts.add((await session.suggest({ temperatures: [t], maxChars: 12, seed }))[0].text);
      return texts.size;
    };
    const low = await distinct(0.1);
    const high = await distinct(1.2);
    expect(high).toBeGreaterThan(low);
    expect(high).toBeGreaterThanOrEqual(8);
    session.dispose();
  });

  it('absorbs a typed character with one model step and matches a fresh session', async () => {
    // 655 characters: not on a snapshot boundary, so nothing may be re-read from one
    const text = aliceText(655);
    const session = new SuggestionSession(model);
    session.setText(text);
    session.setText(text + 'A');
    expect(session.lastStepCount).toBe(1);
    session.setText(text + 'Al');
    expect(session.lastStepCount).toBe(1);
    const fresh = new SuggestionSession(model);
    fresh.setText(text + 'A');
    expect(await greedy(session)).toBe(await greedy(fresh));
    session.dispose();
    fresh.dispose();
  });

  it('rewinds to the nearest snapshot after an earlier edit', async () => {
    const text = aliceText(900);
    const session = new SuggestionSession(model, { snapshotEvery: 100 });
    session.setText(text);
    const edited = text.slice(0, 750) + 'X' + text.slice(751);
    session.setText(edited);
    // from the snapshot at 700: 200 characters, not 900
    expect(session.lastStepCount).toBe(200);
    const fresh = new SuggestionSession(model);
    fresh.setText(edited);
    expect(await greedy(session)).toBe(await greedy(fresh));
    // deleting back to the edit costs no more than the distance to the previous snapshot
    session.setText(edited.slice(0, 720));
    expect(session.lastStepCount).toBe(20);
    session.dispose();
    fresh.dispose();
  });

  it('starts a jump far away from the last context window only', () => {
    const session = new SuggestionSession(model, { contextChars: 300 });
    session.setText(aliceText(5000));
    expect(session.lastStepCount).toBe(300);
    session.dispose();
  });

  it('keeps its state when text is inserted before its window', () => {
    const session = new SuggestionSession(model, { contextChars: 300 });
    const text = aliceText(2000);
    session.setText(text);
    session.setText('Chapter 1\n' + text);
    expect(session.lastStepCount).toBe(0);
    session.dispose();
  });

  it('follows a context window that slides as the writer types at the end of a long document', async () => {
    // the editor sends the last N characters before the cursor, so the window's start moves with every key
    const session = new SuggestionSession(model, { contextChars: 300 });
    const windowChars = 1000;
    let text = aliceText(5000);
    session.setText(text.slice(-windowChars));
    expect(session.lastStepCount).toBe(300);
    const typed = ' and then she said nothing more for a long while, listening to the rain. '.repeat(20);
    let steps = 0;
    for (let i = 0; i < typed.length; i += 1 + (i % 3)) {
      const chunk = typed.slice(i, i + 1 + (i % 3)); // one to three characters between requests
      text += chunk;
      session.setText(text.slice(-windowChars));
      expect(session.lastStepCount, `at ${i}`).toBe(chunk.length);
      steps += session.lastStepCount;
    }
    expect(steps).toBe(typed.length);
    // what it suggests is what a session that read it all suggests
    const whole = new SuggestionSession(model, { contextChars: 300 });
    whole.setText(text.slice(-windowChars));
    expect(await greedy(session)).toBe(await greedy(whole));
    // deleting moves the window back: a rewind to the last snapshot, never a cold start
    for (let k = 1; k <= 3; k++) {
      text = text.slice(0, -k);
      session.setText(text.slice(-windowChars));
      expect(session.lastStepCount, `backspace ${k}`).toBeLessThanOrEqual(100);
    }
    whole.setText(text.slice(-windowChars));
    expect(await greedy(session)).toBe(await greedy(whole));
    // an edit inside the window still rewinds, and a jump elsewhere starts over
    session.setText(text.slice(-windowChars, -50) + 'X' + text.slice(-49));
    expect(session.lastStepCount).toBeLessThanOrEqual(150);
    session.setText(aliceText(3000));
    expect(session.lastStepCount).toBe(300);
    session.dispose();
    whole.dispose();
  });

  it('never returns a stale answer and can be cancelled', async () => {
    const session = new SuggestionSession(model);
    session.setText('Alice');
    const pending = session.suggest({ temperatures: [1, 1, 1, 1], maxChars: 200 });
    session.setText('Alice s');
    await expect(pending).rejects.toMatchObject({ code: 'STALE' });
    const cancelled = session.suggest({ temperatures: [1], maxChars: 200 });
    session.dispose();
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('runs one suggestion at a time: a newer one ends the running one at its next step (superseding.ts)', async () => {
    const session = new SuggestionSession(model);
    session.setText('Alice');
    const steps = vi.spyOn(InferenceNet.prototype, 'step');
    try {
      // the same text both times, so only the one-at-a-time rule can end the first
      const first = session.suggest({ temperatures: [1], maxChars: 2000, stop: 'none' });
      const second = session.suggest({ temperatures: [1], maxChars: 5, stop: 'none', seed: 3 });
      await expect(first).rejects.toMatchObject({ code: 'CANCELLED' });
      expect([...(await second)[0].text].length).toBe(5);
      expect(steps.mock.calls.length, 'network steps run by both (the first alone would take 1999)').toBeLessThan(50);
    } finally {
      steps.mockRestore();
      session.dispose();
    }
  });

  it('stops at the end of a word, phrase, sentence or line', async () => {
    const session = new SuggestionSession(model);
    session.setText('Alice was beginning to get very');
    for (const seed of [1, 2, 3]) {
      const [word] = await session.suggest({ temperatures: [0.8], stop: 'word', maxChars: 60, seed });
      expect(word.text.trim()).not.toMatch(/\s/);
      const [line] = await session.suggest({ temperatures: [0.8], stop: 'line', maxChars: 200, seed });
      expect(line.text).not.toContain('\n');
    }
    session.dispose();
  });

  it('does not leak tensors over many suggestion calls', async () => {
    // snapshots are legitimate state; keep them out of the count
    const session = new SuggestionSession(model, { snapshotEvery: 100_000 });
    session.setText('Alice');
    await session.suggest({ maxChars: 10 });
    const before = tf.memory().numTensors;
    let text = 'Alice';
    for (let i = 0; i < 100; i++) {
      text += 'abc '[i % 4];
      session.setText(i % 10 === 9 ? text.slice(0, -3) : text);
      await session.suggest({ maxChars: 8, stop: i % 2 ? 'word' : 'none' });
    }
    expect(tf.memory().numTensors).toBe(before);
    session.dispose();
  });
});

describe('sampling and stop rules', () => {
  it('never chooses the unknown symbol, even when it is the most likely', () => {
    const row = Float32Array.from([50, 1, 0.5, 0.2]);
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) expect(sampleId(row, { temperature: 1 }, rng)).not.toBe(UNKNOWN_ID);
    expect(sampleId(row, { temperature: 0 }, rng)).toBe(1);
  });

  it('top-k and top-p keep only the likeliest ids', () => {
    const row = Float32Array.from([0, 3, 2.9, 0, 0, 0]);
    const rng = new Rng(4);
    for (let i = 0; i < 200; i++) {
      expect([1, 2]).toContain(sampleId(row, { temperature: 1.5, topK: 2 }, rng));
      expect([1, 2]).toContain(sampleId(row, { temperature: 1, topP: 0.6 }, rng));
    }
  });

  it('decides where words, phrases, sentences and lines end', () => {
    expect(decideStop('word', '', ' ')).toEqual({ take: true, stop: false });
    expect(decideStop('word', ' cat', ' ')).toEqual({ take: false, stop: true });
    expect(decideStop('phrase', ' said she', ',')).toEqual({ take: true, stop: true });
    expect(decideStop('sentence', ' she said.', ' ')).toEqual({ take: false, stop: true });
    expect(decideStop('sentence', ' she said.', '”')).toEqual({ take: true, stop: true });
    expect(decideStop('sentence', ' Mr', '.')).toEqual({ take: true, stop: false });
    expect(decideStop('line', 'abc', '\n')).toEqual({ take: false, stop: true });
    expect(decideStop('none', 'abc', '\n')).toEqual({ take: true, stop: false });
  });
});
