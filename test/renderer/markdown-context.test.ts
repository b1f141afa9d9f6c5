import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { markdownDocument, noSuggestionAt, proseBefore } from '../../src/renderer/src/editor/markdown-context';
import { isMarkdownPath } from '../../src/shared/markdown-spans';
import { textBeforeCursor } from '../../src/renderer/src/editor/suggestion-fetcher';

/** An editor state as the app makes it (Markdown unless told), the cursor where `|` is. */
function stateAt(marked: string, isMarkdown = true): { state: EditorState; pos: number } {
  const pos = marked.indexOf('|');
  const doc = marked.slice(0, pos) + marked.slice(pos + 1);
  const extensions = [markdownDocument(isMarkdown)];
  return { state: EditorState.create({ doc, selection: { anchor: pos }, extensions }), pos };
}

const reason = (marked: string, beforeLetters = false) => {
  const { state, pos } = stateAt(marked);
  return noSuggestionAt(state, pos, { beforeLetters });
};

describe('where the editor may show ghost text', () => {
  it.each([
    ['It was a dark night|', null],
    ['Text.\n\n```js\nlet x|\n```', 'code'],
    ['Text.\n\n```\ncode\n```\n\nProse again|', null],
    ['    indented code|', 'code'],
    ['---\ntitle: Ni|\n---\n\nText', 'front-matter'],
    ['See [the docs](http://exa|mple.org) now', 'link-target'],
    ['See [the docs](http://exa|', 'link-target'], // still being typed: no link for the parser yet
    ['See [the docs](http://x.org)| now', null],
    ['[d]: http://x|', 'link-definition'],
    ['<div>\nraw|\n</div>', 'html'],
    ['Run `npm te|`', 'inline-code'],
  ])('%j', (marked, expected) => {
    expect(reason(marked)).toBe(expected);
  });

  it('not where a letter or digit follows the cursor, unless the writer wants it', () => {
    expect(reason('The |cat')).toBe('before-letter');
    expect(reason('The ca|t')).toBe('before-letter');
    expect(reason('Year |2024')).toBe('before-letter');
    expect(reason('Café |été')).toBe('before-letter');
    expect(reason('The |cat', true)).toBeNull();
    // punctuation or a space after the cursor is no word
    expect(reason('The cat|.')).toBeNull();
    expect(reason('The cat| sat')).toBeNull();
  });
});

describe('the text the model is asked to continue', () => {
  it('leaves out code, front matter, link targets and HTML, but not inline code', () => {
    const { state, pos } = stateAt(
      '---\ntitle: x\n---\n\nIt was [dark](http://x.org).\n\n```\nlet x;\n```\n\n<div>\nraw\n</div>\n\nRun `it` and|',
    );
    expect(proseBefore(state, pos)).toBe('It was [dark].\n\nRun `it` and');
    expect(textBeforeCursor(state)).toBe('It was [dark].\n\nRun `it` and');
  });

  it('reads only its window: a block cut by it is left out from where the window starts', () => {
    const { state, pos } = stateAt('```\n' + 'code\n'.repeat(100) + '```\n\nAfter the code|');
    expect(proseBefore(state, pos, 30)).toBe('After the code');
  });

  it('is the text as it stands where there is nothing to leave out', () => {
    const { state, pos } = stateAt('Plain prose, [sic], and more|');
    expect(proseBefore(state, pos)).toBe('Plain prose, [sic], and more');
  });
});

describe('a plain-text document (.txt)', () => {
  it('is Markdown by its path: .md and .markdown are, .txt is not, a new document is (it is saved as .md)', () => {
    expect(isMarkdownPath('/w/Chapter.md')).toBe(true);
    expect(isMarkdownPath('C:\\w\\Notes.MARKDOWN')).toBe(true);
    expect(isMarkdownPath('/w/novel.txt')).toBe(false);
    expect(isMarkdownPath('/w/v1.md/README')).toBe(false);
    expect(isMarkdownPath(null)).toBe(true);
  });

  it('shows ghost text in an indented paragraph, after a --- line and in brackets: none of it is code there', () => {
    expect(reason('Text.\n\n    An indented paragraph|')).toBe('code'); // Markdown: indented code
    const plain = (marked: string) => {
      const { state, pos } = stateAt(marked, false);
      return noSuggestionAt(state, pos, { beforeLetters: false });
    };
    expect(plain('Text.\n\n    An indented paragraph|')).toBeNull();
    expect(plain('\tA tab-indented paragraph|')).toBeNull();
    expect(plain('---\ntitle: Ni|\n---\n\nText')).toBeNull();
    expect(plain('See [the docs](http://exa|')).toBeNull();
    expect(plain('The |cat')).toBe('before-letter'); // this rule is not Markdown's
  });

  it('sends its text whole: an indented paragraph stays in the context', () => {
    const { state, pos } = stateAt(
      'First.\n\n    Indented, as some writers do.\n\n```\nnot a fence here\n```\nAnd|',
      false,
    );
    expect(proseBefore(state, pos)).toBe(
      'First.\n\n    Indented, as some writers do.\n\n```\nnot a fence here\n```\nAnd',
    );
  });
});
