import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeModel, loadModel, saveModel } from '../../src/model/storage/persistence';
import { SuggestionSession } from '../../src/model/suggesting/session';
import { tempDir, trainTiny, useTestBackend } from '../helpers';

const MIXED =
  'في البدء كان الكلمة، والكلمة كانت عند الله. ' +
  '春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。 ' +
  'Crème brûlée, naïve façade, smörgåsbord. ' +
  'The fox 🦊 met the owl 🦉 under the moon 🌙, and they laughed 😂. ';

function hasLoneSurrogate(s: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

describe('any script, any character', () => {
  const tmp = tempDir();
  beforeAll(useTestBackend);
  afterAll(() => tmp.cleanup());

  it('trains on Arabic, Chinese, accented Latin and emoji, and generates whole characters', async () => {
    const text = MIXED.repeat(30);
    const { model } = await trainTiny({ documents: [text], maxSteps: 60 });
    for (const ch of ['🦊', '🦉', '春', 'ع', 'û']) expect(model.vocab.has(ch.codePointAt(0)!), ch).toBe(true);
    const dir = join(tmp.path, 'unicode');
    await saveModel(dir, model);
    const loaded = await loadModel(dir);
    expect(loaded.vocab.codePoints).toEqual(model.vocab.codePoints);

    const session = new SuggestionSession(loaded);
    const produced: string[] = [];
    for (const prompt of ['The fox ', 'في البدء ', '春眠', 'Crème ']) {
      session.setText(prompt);
      const out = await session.suggest({ temperatures: [0.2, 1.0, 1.5], maxChars: 40, seed: 3 });
      for (const s of out) {
        expect(hasLoneSurrogate(s.text), JSON.stringify(s.text)).toBe(false);
        for (const ch of s.text) expect(loaded.vocab.has(ch.codePointAt(0)!)).toBe(true);
        produced.push(s.text);
      }
    }
    // the model learned something of each script: emoji or CJK or Arabic appear in its output
    expect(produced.join('')).toMatch(/[\u0600-\u06FF]|[\u4E00-\u9FFF]|\p{Extended_Pictographic}/u);
    session.dispose();
    disposeModel(model);
    disposeModel(loaded);
  });

  it('absorbs characters it has never seen without crashing', async () => {
    const { model } = await trainTiny({ documents: ['abc abc abc. '.repeat(50)], maxSteps: 5 });
    const session = new SuggestionSession(model);
    session.setText('abc 🦄 Ωmega 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 abc');
    const [s] = await session.suggest({ temperatures: [1], maxChars: 20, seed: 1 });
    expect(s.text).not.toMatch(/[🦄Ω𝔘]/u);
    session.dispose();
    disposeModel(model);
  });
});
