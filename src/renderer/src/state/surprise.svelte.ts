/**
 * The surprise map and the voice check as the renderer holds them: whether
 * the map is on (off at every start), the scores main has sent, by model and
 * paragraph key (editor/paragraphs.ts), and the voice check's run and result.
 * The editor's map layer (editor/surprise-map.ts) asks through here.
 */
import type { ExpectedWord, ScoredParagraph } from '../../../shared/surprise-contract';
import { chapterSummaries, voiceOf, type ChapterSummary, type Voice, type VoiceParagraph } from '../../../shared/voice';
import { batches, type DocParagraph } from '../editor/paragraphs';
import type { MainProcess } from './main-process';

/** Scores kept in the renderer; the oldest go first. */
const MAX_KEPT = 20_000;
export interface VoiceResult {
  /** The document and the model it read: a result says nothing about another. */
  docId: string;
  modelId: string;
  chapters: ChapterSummary[];
  paragraphs: (VoiceParagraph & { voice: Voice | null })[];
}

export class SurpriseState {
  /** The map is shown. */
  enabled = $state(false);
  /** Bumped when scores arrive, so the map redraws. */
  received = $state(0);
  /** The map is waiting for main. */
  scoring = $state(false);
  voice = $state.raw<VoiceResult | null>(null);
  voiceProgress = $state.raw<{ done: number; total: number } | null>(null);
  /** Why the last voice check stopped before its end (the model changed under it), or null. */
  voiceStopped = $state<string | null>(null);
  private readonly scores = new Map<string, ScoredParagraph>();
  private voiceRun = 0;
  /** The document the voice check reads or read. */
  private voiceDocId: string | null = null;

  constructor(private readonly main: MainProcess) {}

  toggle(): void {
    this.enabled = !this.enabled;
  }

  lookup(modelId: string, key: string): ScoredParagraph | undefined {
    return this.scores.get(`${modelId}\u0000${key}`);
  }

  private keep(modelId: string, key: string, score: ScoredParagraph): void {
    const k = `${modelId}\u0000${key}`;
    this.scores.delete(k);
    this.scores.set(k, score);
    while (this.scores.size > MAX_KEPT) this.scores.delete(this.scores.keys().next().value!);
  }

  /** Scores paragraphs for the map; false when it failed or a newer request took its place. */
  async score(docId: string, paragraphs: readonly DocParagraph[]): Promise<boolean> {
    this.scoring = true;
    try {
      const answer = await this.main.call(
        this.main.api.scoreParagraphs({
          docId,
          purpose: 'map',
          compare: false,
          paragraphs: paragraphs.map(({ context, text }) => ({ context, text })),
        }),
      );
      if (!answer) return false;
      paragraphs.forEach((p, i) => this.keep(answer.modelId, p.key, answer.paragraphs[i]));
      this.received++;
      return true;
    } finally {
      this.scoring = false;
    }
  }

  /** The words the model expected after `textBefore`; null when it failed or was superseded. */
  async expected(docId: string, textBefore: string): Promise<ExpectedWord[] | null> {
    const answer = await this.main.call(this.main.api.expectedWords({ docId, textBefore }));
    return answer?.words ?? null;
  }

  /**
   * Reads every paragraph with the active (personal) model and the default,
   * a batch at a time, and sums them up per chapter. One run reads one
   * document with one model: a newer run, the document's going
   * (`documentChanged`), a model switch between batches (the writer is told
   * to check again) or a failure (the writer is told) ends it.
   */
  async checkVoice(
    docId: string,
    paragraphs: readonly DocParagraph[],
    headings: readonly { line: number; title: string }[],
  ): Promise<void> {
    const run = ++this.voiceRun;
    this.voiceDocId = docId;
    this.voice = null;
    this.voiceStopped = null;
    const read: VoiceResult['paragraphs'] = [];
    let modelId: string | null = null;
    this.voiceProgress = { done: 0, total: paragraphs.length };
    try {
      for (const batch of batches(paragraphs)) {
        const answer = await this.main.call(
          this.main.api.scoreParagraphs({
            docId,
            purpose: 'voice',
            compare: true,
            paragraphs: batch.map(({ context, text }) => ({ context, text })),
          }),
          // the document went while this batch was on its way: the run is over, nothing went wrong
          {
            handle: {
              NOT_FOUND: (e) =>
                run === this.voiceRun ? this.main.call(Promise.resolve({ ok: false, error: e })) : undefined,
            },
          },
        );
        if (run !== this.voiceRun) return;
        if (!answer?.standard || !answer.personal) return;
        if (modelId !== null && answer.modelId !== modelId) {
          // half the paragraphs read by one model and half by another would say nothing
          this.voiceStopped =
            'The model changed during the voice check: check again to read the document with this one.';
          return;
        }
        modelId = answer.modelId;
        batch.forEach((p, i) => {
          const mine = answer.paragraphs[i];
          const standard = answer.standard![i];
          this.keep(answer.modelId, p.key, mine);
          const reading: VoiceParagraph = {
            line: p.line,
            text: p.text,
            personalLoss: answer.personal![i].loss,
            personalChars: answer.personal![i].chars,
            defaultLoss: standard.loss,
            defaultChars: standard.chars,
          };
          read.push({ ...reading, voice: voiceOf(reading) });
        });
        this.received++;
        this.voiceProgress = { done: read.length, total: paragraphs.length };
      }
      if (modelId !== null)
        this.voice = { docId, modelId, chapters: chapterSummaries(read, headings), paragraphs: read };
    } finally {
      if (run === this.voiceRun) this.voiceProgress = null;
    }
  }

  /** The open document is now `docId` (or none): a check of another one stops, and its result goes. */
  documentChanged(docId: string | null): void {
    if (this.voiceDocId !== null && this.voiceDocId !== docId) this.clearVoice();
  }

  /** Forgets the voice check's result (the model changed: it no longer says anything about this one). */
  clearVoice(): void {
    this.voiceRun++;
    this.voiceDocId = null;
    this.voice = null;
    this.voiceProgress = null;
    this.voiceStopped = null;
  }
}
