import { describe, expect, it } from 'vitest';
import {
  inUnfinishedLinkTarget,
  markdownNonProse,
  markdownProse,
  spanAt,
  type NonProseKind,
} from '../../src/shared/markdown-spans';

/** The spans of `text` as [kind, the text they cover]. */
const spans = (text: string) => markdownNonProse(text).map((s) => [s.kind, text.slice(s.from, s.to)]);

/** Where `|` stands in `marked`: what kind of span, if any, a cursor there is inside. */
function kindAtCursor(marked: string): NonProseKind | null {
  const pos = marked.indexOf('|');
  const text = marked.slice(0, pos) + marked.slice(pos + 1);
  return spanAt(markdownNonProse(text), pos)?.kind ?? null;
}

describe('the spans of Markdown that are not prose', () => {
  it.each<[string, string, [NonProseKind, string][]]>([
    ['plain prose', 'It was a dark night.\n\nThe rain fell.', []],
    ['a ``` fence', 'Before.\n\n```js\nlet x = 1;\n```\n\nAfter.', [['code', '```js\nlet x = 1;\n```']]],
    ['a ~~~ fence', 'Before.\n\n~~~\ncode\n~~~\nAfter.', [['code', '~~~\ncode\n~~~']]],
    ['a fence never closed runs to the end', 'Text.\n\n```\nstill code', [['code', '```\nstill code']]],
    [
      'indented code, with its indent',
      'Text.\n\n    let x = 1;\n    y();\n\nMore.',
      [['code', '    let x = 1;\n    y();']],
    ],
    ['a fence inside a list item', '- item\n\n  ```\n  code\n  ```\n', [['code', '  ```\n  code\n  ```']]],
    [
      'front matter',
      '---\ntitle: Night\ntags: [a]\n---\n\nIt was.',
      [['front-matter', '---\ntitle: Night\ntags: [a]\n---']],
    ],
    ['front matter closed by ...', '---\ntitle: x\n...\nText.', [['front-matter', '---\ntitle: x\n...']]],
    ['a rule later on is not front matter', 'Text.\n\n---\n\nMore.', []],
    ['front matter never closed is not front matter', '---\nJust a rule', []],
    [
      'a link: its target, not its text',
      'See [the docs](http://x.org "T") now.',
      [['link-target', '(http://x.org "T")']],
    ],
    ['an image: its target', 'A ![cat](cat.png) here.', [['link-target', '(cat.png)']]],
    [
      'a reference link: its label',
      'See [the docs][d] now.\n\n[d]: http://x.org',
      [
        ['link-target', '[d]'],
        ['link-definition', '[d]: http://x.org'],
      ],
    ],
    [
      'a reference definition',
      '[home]: https://example.com "Home"\n\nText.',
      [['link-definition', '[home]: https://example.com "Home"']],
    ],
    ['an autolink', 'Mail <http://x.org> today.', [['link-target', '<http://x.org>']]],
    [
      'a <div> block',
      'Text.\n\n<div class="x">\nInside.\n</div>\n\nMore.',
      [['html', '<div class="x">\nInside.\n</div>']],
    ],
    ['an HTML comment block', '<!-- note -->\n\nText.', [['html', '<!-- note -->']]],
    [
      'inline HTML tags, not the text between them',
      'A <em>word</em> here.',
      [
        ['html', '<em>'],
        ['html', '</em>'],
      ],
    ],
    ['inline code', 'Run `npm test` now.', [['inline-code', '`npm test`']]],
    [
      'inline code inside a link text',
      '[the `x` flag](u)',
      [
        ['inline-code', '`x`'],
        ['link-target', '(u)'],
      ],
    ],
    ['a bracket that is no link', 'He said [sic] twice.', []],
  ])('%s', (_name, text, expected) => {
    expect(spans(text)).toEqual(expected);
  });
});

describe('where a cursor is inside one', () => {
  it.each<[string, NonProseKind | null]>([
    ['Prose here|', null],
    ['```\ncode|\n```\n', 'code'],
    ['```\ncode\n```|\n\nText', 'code'], // at the end of the closing fence
    ['```\ncode\n```\n\nText|', null],
    ['```\nstill typing code|', 'code'],
    ['|```\ncode\n```', null], // before the fence: the line start, not inside
    ['    indented code|', 'code'],
    ['---\ntitle: x|\n---\nText', 'front-matter'],
    ['---\ntitle: x\n---\nText|', null],
    ['See [docs](http://x|.org) now', 'link-target'],
    ['See [docs]|(http://x.org) now', 'link-target'], // between ] and (
    ['See [docs](http://x.org)| now', null], // after the link, the sentence goes on
    ['See [do|cs](http://x.org) now', null], // the link's text is prose
    ['[d]: http://x|.org', 'link-definition'],
    ['<div>\nInside|\n</div>', 'html'],
    ['Run `npm te|st` now', 'inline-code'],
    ['Run `npm test`| now', null],
  ])('%s', (marked, kind) => {
    expect(kindAtCursor(marked)).toBe(kind);
  });

  it('sees a link target being typed, before the parser can', () => {
    expect(inUnfinishedLinkTarget('See [docs](http://exa')).toBe(true);
    expect(inUnfinishedLinkTarget('See [docs](')).toBe(true);
    expect(inUnfinishedLinkTarget('See [docs](http://x.org) and')).toBe(false);
    expect(inUnfinishedLinkTarget('See (this) and')).toBe(false);
  });
});

describe('the prose the model reads', () => {
  it('drops code, front matter, link targets, definitions and HTML, keeping paragraphs one blank line apart', () => {
    const text = [
      '---\ntitle: Night\n---\n',
      'It was a [dark](http://x.org) night.\n',
      '```\nlet x = 1;\n```\n',
      'Run `npm test` now. <em>Yes</em>.\n',
      '[d]: http://y.org\n',
      '<div>\nraw\n</div>\n',
      'The end.',
    ].join('\n');
    const { text: prose, dropped } = markdownProse(text);
    expect(prose).toBe('It was a [dark] night.\n\nRun `npm test` now. Yes.\n\nThe end.');
    expect(dropped).toBe([...text].length - [...prose].length);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(markdownProse('🦊 fox.\n\n```\n🦊\n```').dropped).toBe('```\n🦊\n```'.length - 1);
  });

  it('leaves prose alone', () => {
    expect(markdownProse('Plain text, [sic].\n\nTwo.')).toEqual({ text: 'Plain text, [sic].\n\nTwo.', dropped: 0 });
  });
});
