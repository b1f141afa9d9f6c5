/**
 * The surprise map: each word of the visible text tinted by how surprising
 * it was to the active model (its characters' log-loss summed, from main),
 * and a hover that says what the model expected there instead.
 *
 * Scoring never waits on typing, nor typing on scoring: only once the writer
 * has paused (SCORE_DELAY_MS without an edit) does the layer ask main for the
 * visible paragraphs that have no score for their current text, then sweep
 * the rest of the document, one request at a time; when typing starts again
 * it sends no more until the next pause (main, for its part, lets a
 * suggestion go first between windows of a pass). Each answer redraws the tints; an edited paragraph loses
 * its tints (its key changed) until its new score comes. The layer only
 * exists while the map is on (Editor.svelte reconfigures it away). In a
 * Markdown document, code blocks, front matter, HTML blocks and link
 * definitions are not prose and get no tints (paragraphs.ts).
 */
import { StateEffect, type Extension, type Range } from '@codemirror/state';
import {
  Decoration,
  EditorView,
  ViewPlugin,
  hoverTooltip,
  type DecorationSet,
  type ViewUpdate,
} from '@codemirror/view';
import type { ExpectedWord, ScoredParagraph } from '../../../shared/surprise-contract';
import { spansIn } from './markdown-context';
import { BATCH_CHARS, BATCH_PARAGRAPHS, paragraphAt, type DocParagraph } from './paragraphs';

/** Summed nats per word where each tint begins: below the first, no tint. */
export const SURPRISE_LEVEL_NATS = [5, 9, 14] as const;
/** What each level says, untinted first. */
export const SURPRISE_LEVEL_WORDS = ['predictable', 'a little surprising', 'surprising', 'fresh'] as const;
/** Pause after typing before asking for scores. */
export const SCORE_DELAY_MS = 400;
/** Lines looked at per slice of the sweep through the document, between yields. */
const SWEEP_LINES = 2000;
/** How long a slice of the sweep may parse Markdown ahead of the editor (code found past it is read as prose). */
const SWEEP_PARSE_MS = 5;

export function surpriseLevel(nats: number): number {
  let level = 0;
  while (level < SURPRISE_LEVEL_NATS.length && nats >= SURPRISE_LEVEL_NATS[level]) level++;
  return level;
}

export interface SurpriseSource {
  docId(): string | null;
  /** The active model; null until known. */
  modelId(): string | null;
  lookup(modelId: string, key: string): ScoredParagraph | undefined;
  /** Scores the paragraphs (the answer lands in lookup); false when it failed or was superseded. */
  score(docId: string, paragraphs: readonly DocParagraph[]): Promise<boolean>;
  expected(docId: string, textBefore: string): Promise<ExpectedWord[] | null>;
}

/** Scores arrived: redraw. */
export const surpriseScored = StateEffect.define<null>();

const marks = [1, 2, 3].map((level) => Decoration.mark({ class: `surprise-tint-${level}` }));

function build(view: EditorView, source: SurpriseSource): DecorationSet {
  const modelId = source.modelId();
  if (!modelId) return Decoration.none;
  const ranges: Range<Decoration>[] = [];
  const doc = view.state.doc;
  let lastLine = 0;
  for (const { from, to } of view.visibleRanges) {
    const spans = spansIn(view.state, from, to);
    for (let n = Math.max(doc.lineAt(from).number, lastLine + 1); n <= doc.lineAt(to).number; n++) {
      lastLine = n;
      const p = paragraphAt(doc, n, spans);
      const score = p && source.lookup(modelId, p.key);
      if (!p || !score) continue;
      for (const [start, end, nats] of score.words) {
        const level = surpriseLevel(nats);
        if (level > 0) ranges.push(marks[level - 1].range(p.from + start, p.from + end));
      }
    }
  }
  return Decoration.set(ranges, true);
}

function surprisePlugin(source: SurpriseSource) {
  return ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      private timer: ReturnType<typeof setTimeout> | undefined;
      private pumping = false;
      private destroyed = false;
      /** Where the sweep through the whole document has got to, for which model. */
      private sweepLine = 1;
      private sweepModel: string | null = null;
      private lastEdit = 0;
      /** The model the tints were last drawn for: another one's scores are asked for. */
      private drawnFor: string | null;

      constructor(readonly view: EditorView) {
        this.decorations = build(view, source);
        this.drawnFor = source.modelId();
        this.schedule(0);
      }

      update(u: ViewUpdate) {
        if (u.docChanged) this.lastEdit = performance.now();
        const scored = u.transactions.some((tr) => tr.effects.some((e) => e.is(surpriseScored)));
        if (u.docChanged || u.viewportChanged || scored) this.decorations = build(u.view, source);
        const switched = source.modelId() !== this.drawnFor;
        this.drawnFor = source.modelId();
        if (u.docChanged || u.viewportChanged || switched) this.schedule(SCORE_DELAY_MS);
      }

      destroy() {
        this.destroyed = true;
        clearTimeout(this.timer);
      }

      private schedule(delay: number) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.pump(), delay);
      }

      /** Resolves once the writer has not edited for SCORE_DELAY_MS. */
      private async quiet() {
        for (let wait = this.lastEdit + SCORE_DELAY_MS - performance.now(); wait > 0 && !this.destroyed;) {
          await new Promise((resolve) => setTimeout(resolve, wait));
          wait = this.lastEdit + SCORE_DELAY_MS - performance.now();
        }
      }

      /** Visible paragraphs without a score for their text, then the rest of the document's. */
      private async nextBatch(modelId: string): Promise<DocParagraph[]> {
        const doc = this.view.state.doc;
        const batch: DocParagraph[] = [];
        let chars = 0;
        const add = (p: DocParagraph | null) => {
          if (!p || source.lookup(modelId, p.key) || batch.some((b) => b.key === p.key)) return;
          batch.push(p);
          chars += p.text.length;
        };
        const full = () => batch.length >= BATCH_PARAGRAPHS || chars >= BATCH_CHARS;
        for (const { from, to } of this.view.visibleRanges) {
          const spans = spansIn(this.view.state, from, to);
          for (let n = doc.lineAt(from).number; n <= doc.lineAt(to).number && !full(); n++) {
            add(paragraphAt(doc, n, spans));
          }
        }
        if (this.sweepModel !== modelId) {
          this.sweepModel = modelId;
          this.sweepLine = 1;
        }
        while (!batch.length && this.sweepLine <= doc.lines) {
          const stop = Math.min(doc.lines, this.sweepLine + SWEEP_LINES - 1);
          // a short parse budget: a key pressed meanwhile waits for it (the editor parses on in idle time)
          const spans = spansIn(this.view.state, doc.line(this.sweepLine).from, doc.line(stop).to, SWEEP_PARSE_MS);
          for (; this.sweepLine <= stop && !full(); this.sweepLine++) add(paragraphAt(doc, this.sweepLine, spans));
          // a long document is swept a slice at a time: the writer's keys come first
          if (!batch.length) await new Promise((resolve) => setTimeout(resolve, 0));
          if (this.destroyed || this.view.state.doc !== doc) return [];
        }
        return batch;
      }

      private async pump() {
        if (this.pumping) return;
        this.pumping = true;
        try {
          for (;;) {
            const docId = source.docId();
            const modelId = source.modelId();
            if (this.destroyed || !docId || !modelId) return;
            await this.quiet();
            const batch = await this.nextBatch(modelId);
            if (!batch.length || this.destroyed) return;
            const ok = await source.score(docId, batch);
            if (this.destroyed) return;
            this.view.dispatch({ effects: surpriseScored.of(null) });
            if (!ok) return;
          }
        } finally {
          this.pumping = false;
        }
      }
    },
    { decorations: (v) => v.decorations },
  );
}

const percent = (p: number) => (p >= 0.1 ? `${Math.round(p * 100)}%` : p >= 0.01 ? `${(p * 100).toFixed(1)}%` : '<1%');

/** The hover: the word's surprise in words, and the model's top guesses for that place. */
function surpriseHover(source: SurpriseSource) {
  return hoverTooltip(
    async (view, pos) => {
      const docId = source.docId();
      const modelId = source.modelId();
      if (!docId || !modelId) return null;
      const line = view.state.doc.lineAt(pos);
      const p = paragraphAt(view.state.doc, line.number, spansIn(view.state, line.from, line.to));
      const score = p && source.lookup(modelId, p.key);
      const word = score?.words.find(([start, end]) => p!.from + start <= pos && pos <= p!.from + end);
      if (!p || !word) return null;
      const [start, end, nats] = word;
      const from = p.from + start;
      const textBefore = view.state.doc.sliceString(Math.max(0, from - 2 * 256), from);
      const expected = await source.expected(docId, textBefore);
      return {
        pos: from,
        end: p.from + end,
        above: true,
        create: () => {
          const dom = document.createElement('div');
          dom.className = 'cm-surprise-tooltip';
          dom.dataset.testid = 'surprise-tooltip';
          const head = dom.appendChild(document.createElement('div'));
          const level = SURPRISE_LEVEL_WORDS[surpriseLevel(nats)];
          head.textContent = `“${p.text.slice(start, end)}”: ${level} (${nats.toFixed(1)} nats)`;
          const intro = dom.appendChild(document.createElement('div'));
          intro.className = 'cm-surprise-intro';
          if (!expected?.length) {
            intro.textContent = 'The model’s guesses for this place are not available.';
            return { dom };
          }
          intro.textContent = 'The model expected:';
          const list = dom.appendChild(document.createElement('ol'));
          for (const w of expected) {
            const item = list.appendChild(document.createElement('li'));
            item.dataset.testid = 'expected-word';
            item.textContent = `${w.text} `;
            const share = item.appendChild(document.createElement('span'));
            share.className = 'cm-surprise-share';
            share.textContent = percent(w.probability);
          }
          return { dom };
        },
      };
    },
    { hoverTime: 350 },
  );
}

const theme = EditorView.baseTheme({
  '.cm-surprise-tooltip': { padding: '0.4rem 0.6rem', font: '13px/1.4 system-ui, sans-serif', maxWidth: '22rem' },
  '.cm-surprise-tooltip ol': { margin: '0.2rem 0 0', paddingInlineStart: '1.4rem' },
  '.cm-surprise-intro, .cm-surprise-share': { color: 'var(--muted)' },
});

export function surpriseMap(source: SurpriseSource): Extension {
  return [surprisePlugin(source), surpriseHover(source), theme];
}
