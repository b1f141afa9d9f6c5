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
        ok({ modelId: 'mine', paragraphs: p.paragraphs.map((x) => scored(x.text)), standard: null, personal: null }),
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
          personal: p.paragraphs.map((x) => ({ loss: x.text.length, chars: x.text.length })),
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

  it('compares your model and the default on the characters both know (main’s `personal`, not the map’s score)', async () => {
    const m = fakeMain({
      'surprise:score': (p: ScorePayload) =>
        ok({
          modelId: 'mine',
          // the map's score skips nothing costly; the shared sums leave out what the default cannot read
          paragraphs: p.paragraphs.map((x) => ({ ...scored(x.text), loss: 100 })),
          standard: p.paragraphs.map(() => ({ loss: 20, chars: 10 })),
          personal: p.paragraphs.map(() => ({ loss: 10, chars: 10 })),
        }),
    });
    const s = new SurpriseState(m.main);
    const { paragraphs, headings } = documentParagraphs(Text.of(['Text ☃.']));
    await s.checkVoice('doc-1', paragraphs, headings);
    expect(s.voice!.paragraphs[0]).toMatchObject({ personalLoss: 10, personalChars: 10, voice: 'in your voice' });
  });

  /** A stand-in for main answering the voice check's batches one at a time, when told to. */
  function heldVoice(modelOf: (batch: number) => string) {
    const pending: (() => void)[] = [];
    let batch = 0;
    const m = fakeMain({
      'surprise:score': (p: ScorePayload) => {
        const modelId = modelOf(batch++);
        return new Promise((resolve) =>
          pending.push(() =>
            resolve(
              ok({
                modelId,
                paragraphs: p.paragraphs.map((x) => scored(x.text)),
                standard: p.paragraphs.map((x) => ({ loss: 2 * x.text.length, chars: x.text.length })),
                personal: p.paragraphs.map((x) => ({ loss: x.text.length, chars: x.text.length })),
              }),
            ),
          ),
        );
      },
    });
    const answerNext = async () => {
      while (!pending.length) await new Promise((r) => setTimeout(r, 1));
      pending.shift()!();
      await new Promise((r) => setTimeout(r, 1));
    };
    return { m, answerNext };
  }
  const manyLines = Text.of(Array.from({ length: 3 * BATCH_PARAGRAPHS }, (_, i) => `Line ${i}.`));

  it('stops when the model changes between batches, and says so: one run reads with one model', async () => {
    const { m, answerNext } = heldVoice((b) => (b === 0 ? 'mine' : 'other'));
    const s = new SurpriseState(m.main);
    const { paragraphs, headings } = documentParagraphs(manyLines);
    const run = s.checkVoice('doc-1', paragraphs, headings);
    await answerNext();
    await answerNext();
    await run;
    expect(m.count('surprise:score')).toBe(2);
    expect(s.voice).toBeNull();
    expect(s.voiceProgress).toBeNull();
    expect(s.voiceStopped).toMatch(/model changed/);
    expect(m.reported).toEqual([]);
  });

  it('stops, and forgets its result, when another document opens; a batch that then finds its document gone is no error', async () => {
    const { m, answerNext } = heldVoice(() => 'mine');
    const s = new SurpriseState(m.main);
    const { paragraphs, headings } = documentParagraphs(manyLines);
    const run = s.checkVoice('doc-1', paragraphs, headings);
    s.documentChanged('doc-1'); // the same document: nothing happens
    await answerNext();
    expect(s.voiceProgress).toEqual({ done: BATCH_PARAGRAPHS, total: 3 * BATCH_PARAGRAPHS });
    s.documentChanged('doc-2');
    expect(s.voiceProgress).toBeNull();
    await answerNext();
    await run;
    expect(m.count('surprise:score')).toBe(2); // no batch after the document went
    expect(s.voice).toBeNull();

    // a finished result goes too
    const done = new SurpriseState(
      fakeMain({
        'surprise:score': (p: ScorePayload) =>
          ok({
            modelId: 'mine',
            paragraphs: p.paragraphs.map((x) => scored(x.text)),
            standard: p.paragraphs.map((x) => ({ loss: x.text.length, chars: x.text.length })),
            personal: p.paragraphs.map((x) => ({ loss: x.text.length, chars: x.text.length })),
          }),
      }).main,
    );
    await done.checkVoice('doc-1', paragraphs.slice(0, 2), headings);
    expect(done.voice).toMatchObject({ docId: 'doc-1', modelId: 'mine' });
    done.documentChanged(null);
    expect(done.voice).toBeNull();

    // the document closed in main while a batch was on its way: the writer is not told of it
    const gone = fakeMain({ 'surprise:score': () => fail('NOT_FOUND', 'That document is no longer open.') });
    const late = new SurpriseState(gone.main);
    const p = late.checkVoice('doc-1', paragraphs, headings);
    late.documentChanged('doc-2');
    await p;
    expect(gone.reported).toEqual([]);
  });
});
