/** How the surprise map and voice check cut a document into paragraphs, and what an edit invalidates. */
import { EditorState, Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import {
  BATCH_CHARS,
  BATCH_PARAGRAPHS,
  CONTEXT_CHARS,
  batches,
  documentParagraphs,
  lastCodePoints,
  paragraphAt,
} from '../../src/renderer/src/editor/paragraphs';
import { SURPRISE_LEVEL_NATS, surpriseLevel } from '../../src/renderer/src/editor/surprise-map';
import { documentNonProse, markdownDocument, spansIn } from '../../src/renderer/src/editor/markdown-context';

const doc = (s: string) => Text.of(s.split('\n'));
const keys = (t: Text) => Array.from({ length: t.lines }, (_, i) => paragraphAt(t, i + 1)?.key ?? null);

describe('surprise paragraphs', () => {
  it('in Markdown, skip code, front matter, HTML blocks and link definitions, and read no heading inside code', () => {
    const text = [
      '---',
      'title: The Storm',
      '---',
      '# Chapter One',
      'It was a dark night.',
      '```bash',
      '# install it first',
      'npm install',
      '```',
      '    indented code',
      '',
      '<div>',
      'raw html',
      '</div>',
      '',
      '[ref]: http://example.org',
      '',
      'See [the docs](http://x.org) now.',
    ].join('\n');
    const md = EditorState.create({ doc: text, extensions: [markdownDocument(true)] });
    const { paragraphs, headings } = documentParagraphs(md.doc, documentNonProse(md));
    expect(headings).toEqual([{ line: 4, title: 'Chapter One' }]);
    // a link's target is inside its line of prose: the line is scored
    expect(paragraphs.map((p) => p.text)).toEqual(['It was a dark night.', 'See [the docs](http://x.org) now.']);
    // the map reads the same, a line at a time, with the spans around it
    const lines = Array.from({ length: md.doc.lines }, (_, i) => i + 1);
    const spans = spansIn(md, 0, md.doc.length);
    expect(lines.filter((n) => paragraphAt(md.doc, n, spans)).map((n) => md.doc.line(n).text)).toEqual([
      '# Chapter One', // a heading is a line like any other to the map
      'It was a dark night.',
      'See [the docs](http://x.org) now.',
    ]);

    // plain text (.txt) is all prose: a "# comment" there is a heading like any other
    const plain = EditorState.create({ doc: text, extensions: [markdownDocument(false)] });
    const all = documentParagraphs(plain.doc, documentNonProse(plain));
    expect(all.headings.map((h) => h.title)).toEqual(['Chapter One', 'install it first']);
    expect(all.paragraphs).toHaveLength(documentParagraphs(plain.doc).paragraphs.length);
    expect(all.paragraphs.map((p) => p.text)).toContain('    indented code');
  });

  it('are the non-empty lines, each with the text before it as context; headings are chapters', () => {
    const t = doc('# One\nFirst paragraph.\n\n   \nSecond one.\n## Two\nThird.');
    const { paragraphs, headings } = documentParagraphs(t);
    expect(paragraphs.map((p) => [p.line, p.text])).toEqual([
      [2, 'First paragraph.'],
      [5, 'Second one.'],
      [7, 'Third.'],
    ]);
    expect(headings).toEqual([
      { line: 1, title: 'One' },
      { line: 6, title: 'Two' },
    ]);
    expect(paragraphs[1].context).toBe('# One\nFirst paragraph.\n\n   \n');
  });

  it('an edit changes the key of its own paragraph, and of the next only when the edit lies in its context', () => {
    const long = 'x'.repeat(CONTEXT_CHARS + 50);
    const before = doc(`Alpha beta.\n${long}\nGamma delta.\nEpsilon.`);
    // typing at the start of the long paragraph: its key changes; Gamma's context (its last 256) does not
    const early = doc(`Alpha beta.\nZ${long}\nGamma delta.\nEpsilon.`);
    expect(keys(early).map((k, i) => k === keys(before)[i])).toEqual([true, false, true, true]);
    // typing at the end of Gamma: Gamma's key and Epsilon's (whose context holds it) change
    const late = doc(`Alpha beta.\n${long}\nGamma delta!\nEpsilon.`);
    expect(keys(late).map((k, i) => k === keys(before)[i])).toEqual([true, true, false, false]);
  });

  it('keeps whole code points at the context’s edge', () => {
    expect(lastCodePoints('ab🦊c', 2)).toBe('🦊c');
    expect(lastCodePoints('🦊'.repeat(300), CONTEXT_CHARS)).toBe('🦊'.repeat(CONTEXT_CHARS));
  });

  it('are sent in batches of bounded size', () => {
    const items = Array.from({ length: 70 }, (_, i) => ({ text: 'y'.repeat(i % 3 === 0 ? 3000 : 10) }));
    const out = batches(items);
    expect(out.flat()).toEqual(items);
    for (const b of out) {
      expect(b.length).toBeLessThanOrEqual(BATCH_PARAGRAPHS);
      expect(b.length === 1 || b.reduce((n, x) => n + x.text.length, 0) <= BATCH_CHARS).toBe(true);
    }
  });
});

describe('surprise levels', () => {
  it('tint nothing below the first threshold and the most from the last', () => {
    expect(surpriseLevel(0)).toBe(0);
    expect(surpriseLevel(SURPRISE_LEVEL_NATS[0] - 0.01)).toBe(0);
    expect(surpriseLevel(SURPRISE_LEVEL_NATS[0])).toBe(1);
    expect(surpriseLevel(SURPRISE_LEVEL_NATS[2])).toBe(3);
    expect(surpriseLevel(1e6)).toBe(3);
  });
});
