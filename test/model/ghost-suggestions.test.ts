import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repeatsWordTrigram } from '../../src/model/suggesting/loop-guard';
import { disposeModel, type CharModel } from '../../src/model/storage/persistence';
import { SuggestionSession } from '../../src/model/suggesting/session';
import { aliceText, trainTiny, useTestBackend } from '../helpers';

describe('suggestions with ghost text, on a small trained model', () => {
  let model: CharModel;
  beforeAll(async () => {
    await useTestBackend();
    model = (await trainTiny({ documents: [aliceText(20_000)], maxSteps: 60 })).model;
  });
  afterAll(() => disposeModel(model));

  it('leaves the temperatures of 0.8 and above as they were: the same samples, as varied', async () => {
    const session = new SuggestionSession(model);
    session.setText('Alice was beginning to get very tired of sitting by her sister on the bank, and');
    const hot = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const plain = await session.suggest({ maxChars: 30, stop: 'phrase', seed });
      const ghosted = await session.suggest({ maxChars: 30, stop: 'phrase', seed, ghost: { minConfidence: 0 } });
      expect(ghosted[0].ghost).toBe(true);
      expect(ghosted.slice(1).map((s) => s.temperature)).toEqual([0.5, 0.8, 1.2]);
      expect(ghosted.slice(2).map((s) => s.text)).toEqual(plain.slice(2).map((s) => s.text));
      hot.add(ghosted[3].text);
    }
    expect(hot.size).toBeGreaterThanOrEqual(10);
    session.dispose();
  });

  it('answers in two parts, the ghost text alone and then the rest, that make the whole answer', async () => {
    const session = new SuggestionSession(model);
    session.setText('Alice was beginning to get very tired of sitting by her sister on the bank, and');
    const options = { maxChars: 30, stop: 'phrase' as const, seed: 5, ghost: { minConfidence: 0 } };
    const whole = await session.suggest(options);
    const ghost = await session.suggest({ ...options, part: 'ghost' });
    const rest = await session.suggest({ ...options, part: 'rest' });
    expect(ghost).toHaveLength(1);
    expect(ghost[0].ghost).toBe(true);
    expect(rest.map((s) => s.temperature)).toEqual([0.5, 0.8, 1.2]);
    expect([...ghost, ...rest]).toEqual(whole);
    session.dispose();
  });

  it('gives the same ghost text every time, and nothing when asked to be surer than it is', async () => {
    const session = new SuggestionSession(model);
    session.setText('The Queen said to the');
    const a = await session.suggest({ maxChars: 30, stop: 'phrase', seed: 1, ghost: { minConfidence: 0 } });
    const b = await session.suggest({ maxChars: 30, stop: 'phrase', seed: 2, ghost: { minConfidence: 0 } });
    expect(a[0].text).toBe(b[0].text);
    expect(a[0].text.length).toBeGreaterThan(0);
    const sure = await session.suggest({ maxChars: 30, stop: 'phrase', seed: 1, ghost: { minConfidence: 0.99 } });
    expect(sure[0]).toMatchObject({ text: '', stoppedBy: 'confidence', ghost: true });
    session.dispose();
  });

  it('never repeats a word 3-gram in long drafts at any temperature', async () => {
    const session = new SuggestionSession(model);
    const context = 'Alice said to the Queen, and the Queen said to the';
    session.setText(context);
    for (let seed = 1; seed <= 3; seed++) {
      const drafts = await session.suggest({ temperatures: [0, 0.3, 1, 1.5], maxChars: 300, stop: 'none', seed });
      for (const d of drafts) expect(repeatsWordTrigram(context, d.text), `${d.temperature}: ${d.text}`).toBe(false);
    }
    session.dispose();
  });
});
