/** The voice check's bands on constructed losses, and the per-chapter summary. */
import { describe, expect, it } from 'vitest';
import {
  FRESH_NATS,
  IN_YOUR_VOICE_NATS,
  UNLIKE_YOU_NATS,
  chapterSummaries,
  classifyVoice,
  headingOf,
  type VoiceParagraph,
} from '../../src/shared/voice';

const para = (line: number, personal: number, standard: number, chars = 100): VoiceParagraph => ({
  line,
  text: `paragraph ${line}`,
  personalLoss: personal * chars,
  personalChars: chars,
  defaultLoss: standard * chars,
  defaultChars: chars,
});

describe('voice bands', () => {
  it('says in your voice where your model has the edge, fresh where neither predicts it, unlike you where the default has it', () => {
    expect(classifyVoice(1.2, 1.2 + IN_YOUR_VOICE_NATS)).toBe('in your voice');
    expect(classifyVoice(1.2, 1.2 + IN_YOUR_VOICE_NATS - 0.001)).toBe('common');
    expect(classifyVoice(1.2, 1.2)).toBe('common'); // both find it predictable: neither yours nor fresh
    expect(classifyVoice(1.2 + UNLIKE_YOU_NATS - 0.001, 1.2)).toBe('common');
    expect(classifyVoice(1.2 + UNLIKE_YOU_NATS, 1.2)).toBe('unlike you');
    expect(classifyVoice(0.9, 2.5)).toBe('in your voice');
    expect(classifyVoice(3, 1.3)).toBe('unlike you');
    // neither model predicts it: fresh, even when one reads it a little better
    expect(classifyVoice(FRESH_NATS, FRESH_NATS)).toBe('fresh');
    expect(classifyVoice(FRESH_NATS + 0.3, FRESH_NATS)).toBe('fresh');
    expect(classifyVoice(FRESH_NATS + 0.05, FRESH_NATS + 0.1)).toBe('fresh');
    expect(classifyVoice(FRESH_NATS - 0.001, FRESH_NATS + 0.5)).toBe('in your voice'); // your edge comes first
    expect(classifyVoice(FRESH_NATS + 1, FRESH_NATS - 0.001)).toBe('unlike you'); // the default predicts it
  });

  it('reads Markdown headings', () => {
    expect(headingOf('# Chapter One')).toBe('Chapter One');
    expect(headingOf('### The Storm ###')).toBe('The Storm');
    expect(headingOf('#hashtag')).toBeNull();
    expect(headingOf('Plain text')).toBeNull();
    expect(headingOf('#')).toBeNull();
    expect(headingOf('# ')).toBe('Untitled section');
  });
});

describe('chapter summaries', () => {
  it('gives one line per heading, from the chapter’s summed losses, in words', () => {
    const paragraphs = [para(2, 1.0, 1.5), para(3, 1.0, 1.4), para(4, 1.3, 1.3), para(7, 2.0, 1.5), para(8, 1.9, 1.5)];
    const lines = chapterSummaries(paragraphs, [
      { line: 1, title: 'One' },
      { line: 6, title: 'Two' },
    ]);
    expect(lines.map((l) => [l.title, l.voice])).toEqual([
      ['One', 'in your voice'],
      ['Two', 'unlike you'],
    ]);
    expect(lines[0].counts).toEqual({ 'in your voice': 2, fresh: 0, 'unlike you': 0, common: 1 });
    expect(lines[0].personal).toBeCloseTo(1.1, 6);
    expect(lines[0].standard).toBeCloseTo(1.4, 6);
    expect(lines[0].sentence).toBe(
      'In your voice overall; of 3 paragraphs: 2 in your voice, 1 common (your model 1.10, the default 1.40 nats per character).',
    );
    expect(lines[1].sentence).toMatch(/^Unlike you overall; of 2 paragraphs: 2 unlike you/);
  });

  it('has one "Whole document" line without headings, and a line for text before the first heading', () => {
    expect(chapterSummaries([para(1, 1, 1)], []).map((l) => l.title)).toEqual(['Whole document']);
    const lines = chapterSummaries([para(1, 1, 1), para(5, 1, 1)], [{ line: 3, title: 'Later' }]);
    expect(lines.map((l) => [l.title, l.counts.common])).toEqual([
      ['Before the first heading', 1],
      ['Later', 1],
    ]);
    const empty = chapterSummaries([], [{ line: 1, title: 'Empty' }]);
    expect(empty[0]).toMatchObject({ voice: null, sentence: 'Nothing to read here yet.' });
  });
});
