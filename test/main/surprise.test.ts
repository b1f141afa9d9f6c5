/**
 * The surprise map and voice check through the handler table, as the
 * renderer calls them: real models (a small default, and a personal one
 * trained here), the cache, superseding, and hostile payloads.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../src/model/storage/persistence';
import { SurpriseService } from '../../src/main/services/surprise';
import type { OpenedDocument, Responses } from '../../src/shared/ipc-contract';
import { MAX_SCORED_CHARS, MAX_SCORED_PARAGRAPHS } from '../../src/shared/surprise-contract';
import { aliceText, trainTiny } from '../helpers';
import { useTestApp } from './app-harness';

type Scores = Responses['surprise:score'];
type Expected = Responses['surprise:expected'];

const PARAGRAPHS = [
  { context: '', text: 'Alice was beginning to get very tired of sitting by her sister on the bank.' },
  { context: 'Alice was beginning to get very tired of sitting by her sister on the bank.\n', text: 'Quantum zebras.' },
];

describe('surprise map and voice check through the handler table', () => {
  const { app, defaultModel } = useTestApp();
  let doc: OpenedDocument;
  beforeAll(async () => {
    doc = await app.ok<OpenedDocument>('documents:new');
    // a personal model: a different tiny network, trained on other text, in the library's folder
    const { model } = await trainTiny({ documents: [aliceText(8_000).toUpperCase()], maxSteps: 5, name: 'Mine' });
    await saveModel(join(app.userData, 'models', 'mine'), model);
    for (const t of model.params.values()) t.dispose();
    expect(defaultModel).toBeTruthy();
  });

  it('scores paragraphs by the active model, word by word, and answers a repeat from the cache', async () => {
    const before = app.services.surprise.scoredParagraphs;
    const r = await app.ok<Scores>('surprise:score', {
      docId: doc.docId,
      purpose: 'map',
      compare: false,
      paragraphs: PARAGRAPHS,
    });
    expect(r.modelId).toBe('default');
    expect(r.standard).toBeNull();
    expect(r.personal).toBeNull();
    expect(r.paragraphs).toHaveLength(2);
    const [first, second] = r.paragraphs;
    expect(first.chars).toBe(PARAGRAPHS[0].text.length);
    expect(first.words.map(([s, e]) => PARAGRAPHS[0].text.slice(s, e)).slice(0, 3)).toEqual([
      'Alice',
      'was',
      'beginning',
    ]);
    for (const [, , loss] of first.words) expect(loss).toBeGreaterThan(0);
    // the invented words surprise the model more, per character, than the novel's own sentence
    expect(second.loss / second.chars).toBeGreaterThan(first.loss / first.chars);
    expect(app.services.surprise.scoredParagraphs - before).toBe(2);
    const again = await app.ok<Scores>('surprise:score', {
      docId: doc.docId,
      purpose: 'map',
      compare: false,
      paragraphs: PARAGRAPHS,
    });
    expect(again).toEqual(r);
    expect(app.services.surprise.scoredParagraphs - before).toBe(2);
  });

  it('supersedes a document’s map request with its next one, but not the voice check’s', async () => {
    const long = Array.from({ length: 40 }, (_, i) => ({ context: `${i}`, text: aliceText(400 + i).slice(i) }));
    const first = app.call('surprise:score', { docId: doc.docId, purpose: 'map', compare: false, paragraphs: long });
    const voice = app.call('surprise:score', {
      docId: doc.docId,
      purpose: 'voice',
      compare: false,
      paragraphs: [PARAGRAPHS[0]],
    });
    const second = app.call('surprise:score', {
      docId: doc.docId,
      purpose: 'map',
      compare: false,
      paragraphs: [PARAGRAPHS[1]],
    });
    const [a, v, b] = await Promise.all([first, voice, second]);
    expect(a).toMatchObject({ ok: false, error: { code: 'SUPERSEDED' } });
    expect(v.ok).toBe(true);
    expect(b.ok).toBe(true);
  });

  it('says why the voice check needs a personal model while the default is active', async () => {
    const r = await app.call('surprise:score', {
      docId: doc.docId,
      purpose: 'voice',
      compare: true,
      paragraphs: PARAGRAPHS,
    });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/your own model/) },
    });
  });

  it('compares a personal model with the default, paragraph by paragraph', async () => {
    const byDefault = await app.ok<Scores>('surprise:score', {
      docId: doc.docId,
      purpose: 'map',
      compare: false,
      paragraphs: PARAGRAPHS,
    });
    await app.ok('models:select', { modelId: 'mine' });
    try {
      const r = await app.ok<Scores>('surprise:score', {
        docId: doc.docId,
        purpose: 'voice',
        compare: true,
        paragraphs: PARAGRAPHS,
      });
      expect(r.modelId).toBe('mine');
      // both sides read the same characters: those both vocabularies know (the personal model read only capitals)
      r.personal!.forEach((mine, i) => {
        const std = r.standard![i];
        expect(mine.chars, PARAGRAPHS[i].text).toBe(std.chars);
        expect(mine.chars).toBeGreaterThan(0);
        expect(std.chars).toBeLessThan(byDefault.paragraphs[i].chars); // lower case, unknown to the personal model
        expect(std.loss).toBeLessThan(byDefault.paragraphs[i].loss);
        expect(mine.chars).toBeLessThanOrEqual(r.paragraphs[i].chars);
      });
      // the map's side is the personal model's whole score, unrestricted
      expect(r.paragraphs[0].chars + r.paragraphs[0].unknown).toBe([...PARAGRAPHS[0].text].length);
      // the personal model is another network: its losses differ
      expect(r.paragraphs[0].loss).not.toBeCloseTo(byDefault.paragraphs[0].loss, 2);
    } finally {
      await app.ok('models:select', { modelId: 'default' });
    }
  });

  it('names the three words the model expected where a word stands', async () => {
    const r = await app.ok<Expected>('surprise:expected', {
      docId: doc.docId,
      textBefore: 'Alice was beginning to get very tired of sitting by her ',
    });
    expect(r.modelId).toBe('default');
    expect(r.words).toHaveLength(3);
    const probs = r.words.map((w) => w.probability);
    expect([...probs].sort((x, y) => y - x)).toEqual(probs);
    for (const w of r.words) {
      expect(w.text).toMatch(/^[\p{L}\p{M}\p{N}’']+$/u);
      expect(w.probability).toBeGreaterThan(0);
      expect(w.probability).toBeLessThanOrEqual(1);
    }
    expect(new Set(r.words.map((w) => w.text)).size).toBe(3);
  });

  it('knows when no suggestion is being computed (what scoring waits for between windows)', async () => {
    const request = app.call('suggestions:request', {
      docId: doc.docId,
      textBefore: 'Alice was',
      temperatures: [1],
      maxChars: 200,
      stop: 'none',
    });
    let idle = false;
    const waiting = app.services.suggestions.whenIdle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    expect((await request).ok).toBe(true);
    await waiting;
    expect(idle).toBe(true);
    await app.services.suggestions.whenIdle(); // and at once when idle
  });

  it('answers hostile payloads with a typed error, never a crash', async () => {
    const base = { docId: doc.docId, purpose: 'map', compare: false };
    const bad: unknown[] = [
      { ...base, paragraphs: [] },
      { ...base, paragraphs: Array.from({ length: MAX_SCORED_PARAGRAPHS + 1 }, () => ({ context: '', text: 'a' })) },
      {
        ...base,
        paragraphs: Array.from({ length: 11 }, () => ({ context: '', text: 'a'.repeat(MAX_SCORED_CHARS / 10) })),
      },
      { ...base, paragraphs: [{ context: '', text: 'a'.repeat(20_001) }] },
      { ...base, paragraphs: [{ context: 'c'.repeat(2001), text: 'a' }] },
      { ...base, paragraphs: [{ context: '', text: 'a', extra: 1 }] },
      { ...base, paragraphs: [{ text: 'a' }] },
      { ...base, purpose: 'everything', paragraphs: PARAGRAPHS },
      { ...base, docId: '../../etc', paragraphs: PARAGRAPHS },
      { ...base, paragraphs: 'Alice' },
      { ...base, paragraphs: [null] },
    ];
    for (const payload of bad) {
      const r = await app.call('surprise:score', payload);
      expect(r, JSON.stringify(payload).slice(0, 120)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    for (const payload of [
      { docId: doc.docId },
      { docId: doc.docId, textBefore: 'x'.repeat(2001) },
      { textBefore: 'a' },
    ]) {
      expect(await app.call('surprise:expected', payload)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    // a document that is not open
    expect(await app.call('surprise:score', { ...base, docId: 'nope', paragraphs: PARAGRAPHS })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await app.call('surprise:expected', { docId: 'nope', textBefore: 'a' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('scoring gives way to suggestions', () => {
  const { defaultModel } = useTestApp();

  it('does not finish a pass while a suggestion is being computed', async () => {
    let release!: () => void;
    let busy = true;
    const idle = new Promise<void>((r) => (release = r));
    const service = new SurpriseService({
      modelDir: () => defaultModel,
      activeModelId: () => 'default',
      modelVersion: async () => '1',
      suggestionsIdle: () => (busy ? idle : Promise.resolve()),
    });
    let done = false;
    const pass = service
      .score({ docId: 'd', purpose: 'map', compare: false, paragraphs: PARAGRAPHS })
      .then((r) => ((done = true), r));
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    busy = false;
    release();
    const r = await pass;
    expect(r.paragraphs).toHaveLength(2);
    service.release();
  });

  it('does not look up the expected words, nor read their context, while a suggestion is being computed', async () => {
    let release!: () => void;
    let busy = true;
    let waits = 0;
    const idle = new Promise<void>((r) => (release = r));
    const service = new SurpriseService({
      modelDir: () => defaultModel,
      activeModelId: () => 'default',
      modelVersion: async () => '1',
      suggestionsIdle: () => (waits++, busy ? idle : Promise.resolve()),
    });
    let done = false;
    const textBefore =
      'Alice was beginning to get very tired of sitting by her sister on the bank, and of having nothing to do: ';
    const hover = service.expected({ docId: 'd', textBefore }).then((r) => ((done = true), r));
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    busy = false;
    release();
    const r = await hover;
    expect(r.words).toHaveLength(3);
    // it gave way again while reading its ~100 characters of context and between the search's steps
    expect(waits).toBeGreaterThan(Math.floor(textBefore.length / 32) + 1);
    service.release();
  });

  it('loads a retrained model once for requests at once, and frees every copy it loaded', async () => {
    let version = '1';
    const service = new SurpriseService({
      modelDir: () => defaultModel,
      activeModelId: () => 'default',
      modelVersion: async () => version,
    });
    const before = tf.memory().numTensors;
    await service.expected({ docId: 'a', textBefore: 'Alice was ' });
    version = '2'; // retrained: two hovers at once must share one fresh copy
    await Promise.all([
      service.expected({ docId: 'a', textBefore: 'Alice was ' }),
      service.expected({ docId: 'b', textBefore: 'Alice was ' }),
    ]);
    service.release();
    await new Promise((r) => setTimeout(r, 0));
    expect(tf.memory().numTensors).toBe(before);
  });
});
