/** The renderer's surprise map and voice check state against a stand-in for main. */
import { Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { BATCH_PARAGRAPHS, documentParagraphs } from '../../src/renderer/src/editor/paragraphs';
import { SurpriseState } from '../../src/renderer/src/state/surprise.svelte';
import type { ScoredParagraph } from '../../src/shared/surprise-contract';
import { fail, fakeMain, ok } from './fake-main';

type ScorePayload = { purpose: string; compare: boolean; paragraphs: { context: string; text: string }[] };

/** Each paragraph's loss: its length in nats for your model; twice that (or the same, for "same") for the default. */
const scored = (text: string): ScoredParagraph => ({ loss: text.length, chars: text.length, unknown: 0, words: [] });

describe('surprise state', () => {
  it('keeps the map’s scores by model and paragraph key', async () => {
    const m = fakeMain({
      'surprise:score': (p: ScorePayload) =>
        ok({ modelId: 'mine', paragraphs: p.paragraphs.map((x) => scored(x.text)), standard: null }),
    });
    const s = new SurpriseState(m.main);
    const { paragraphs } = documentParagraphs(Text.of(['One line.', '', 'Two lines here.']));
    expect(await s.score('doc-1', paragraphs)).toBe(true);
    expect(s.lookup('mine', paragraphs[1].key)).toEqual(scored('Two lines here.'));
    expect(s.lookup('default', paragraphs[1].key)).toBeUndefined();
    expect(m.requests[0].payload).toMatchObject({ docId: 'doc-1', purpose: 'map', compare: false });
  });

  it('reads the whole document for the voice check in batches, and sums it up per chapter', async () => {
    const lines = ['# One', ...Array.from({ length: 40 }, (_, i) => `Mine ${i}.`), '# Two', 'Same here.'];
    const m = fakeMain({
      'surprise:score': (p: ScorePayload) =>
        ok({
          modelId: 'mine',
          paragraphs: p.paragraphs.map((x) => scored(x.text)),
          standard: p.paragraphs.map((x) => ({
            loss: x.text.startsWith('Same') ? x.text.length : 2 * x.text.length,
            chars: x.text.length,
          })),
        }),
    });
    const s = new SurpriseState(m.main);
    const { paragraphs, headings } = documentParagraphs(Text.of(lines));
    await s.checkVoice('doc-1', paragraphs, headings);
    expect(m.count('surprise:score')).toBe(Math.ceil(41 / BATCH_PARAGRAPHS));
    for (const r of m.requests) expect(r.payload).toMatchObject({ purpose: 'voice', compare: true });
    expect(s.voiceProgress).toBeNull();
    expect(s.voice!.chapters.map((c) => [c.title, c.voice])).toEqual([
      ['One', 'in your voice'],
      ['Two', 'common'],
    ]);
    expect(s.voice!.paragraphs).toHaveLength(41);
    expect(s.voice!.paragraphs.at(-1)).toMatchObject({ text: 'Same here.', voice: 'common' });
  });

  it('stops the voice check where main refuses, and the writer hears why', async () => {
    const m = fakeMain({ 'surprise:score': () => fail('BAD_REQUEST', 'The voice check compares your own model…') });
    const s = new SurpriseState(m.main);
    const { paragraphs, headings } = documentParagraphs(Text.of(['Text.']));
    await s.checkVoice('doc-1', paragraphs, headings);
    expect(s.voice).toBeNull();
    expect(s.voiceProgress).toBeNull();
    expect(m.reported).toEqual(['The voice check compares your own model…']);
  });
});
