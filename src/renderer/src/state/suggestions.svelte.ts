/**
 * Suggestions as the renderer asks for them and shows them: requests for the
 * ghost text and for Compare drafts' columns, the time the last one took,
 * and a copy of what the ghost text offers now, for the Suggestions panel.
 */
import type { GhostState, GhostSuggestion } from '../editor/ghost-text';
import type { SuggestionPart } from '../editor/suggestion-fetcher';
import type { SuggestionText } from '../../../shared/vocabulary';
import type { MainProcess } from './main-process';

const NONE: readonly GhostSuggestion[] = [];
/** Enough for the longest sentence a writer would accept in one go; the stop rule ends it sooner. */
const EXTEND_CHARS = 300;

export interface DraftRequest {
  temperature: number;
  maxChars: number;
  seed: number;
}

export class SuggestionsState {
  /** What the ghost text offers now (the editor reports every change). */
  list = $state.raw<readonly GhostSuggestion[]>(NONE);
  /** Which of them the ghost text shows. */
  shown = $state(0);
  /** How long the last suggestion took in main. */
  latencyMs = $state<number | null>(null);

  constructor(private readonly main: MainProcess) {}

  /** The editor's ghost text changed. */
  showing(ghost: GhostState | null): void {
    this.list = ghost?.suggestions ?? NONE;
    this.shown = ghost?.index ?? 0;
  }

  /**
   * Suggestions to continue `textBefore` in a document, all of them or one
   * `part` (the ghost text alone, or the alternatives after it); null when
   * there are none (or a newer request superseded it). The time shown is the
   * ghost text's: what the writer waits for.
   */
  async request(docId: string, textBefore: string, part?: SuggestionPart): Promise<GhostSuggestion[] | null> {
    const answer = await this.main.call(
      this.main.api.requestSuggestions({ docId, textBefore, ...(part ? { part } : {}) }),
    );
    if (!answer) return null;
    if (part !== 'rest') this.latencyMs = answer.latencyMs;
    return answer.suggestions;
  }

  /**
   * The rest of a phrase or sentence the writer accepted to its end when the
   * ghost text stopped short: the editor's request (ghost text decoded, the
   * other temperatures sampled) under that stop rule, from the editor's own
   * session. The ghost text leads; a sample stands in when the model was not
   * sure enough of it. Null when there is none.
   */
  async extend(docId: string, textBefore: string, stop: 'phrase' | 'sentence'): Promise<GhostSuggestion | null> {
    const answer = await this.main.call(
      this.main.api.requestSuggestions({ docId, textBefore, maxChars: EXTEND_CHARS, stop }),
    );
    return answer?.suggestions.find((s) => s.text.length > 0) ?? null;
  }

  /**
   * One Compare drafts column's continuation: each column asks with its own
   * `draftColumn`, so has its own session in main; columns run side by side
   * and a seed reproduces one alone. Undefined when it failed (the writer was
   * told) or a newer request for the column superseded it.
   */
  /** A Compare drafts column's continuation (with its made-up words marked), undefined when it failed or was superseded. */
  async draft(docId: string, column: number, textBefore: string, d: DraftRequest): Promise<SuggestionText | undefined> {
    const answer = await this.main.call(
      this.main.api.requestSuggestions({
        docId,
        draftColumn: column,
        textBefore,
        temperatures: [d.temperature],
        maxChars: d.maxChars,
        stop: 'none',
        seed: d.seed,
      }),
    );
    return answer && (answer.suggestions[0] ?? { temperature: d.temperature, text: '', logprob: 0 });
  }
}
