/**
 * Superseding a suggestion is decided here, and only here: a suggestion
 * session runs one suggestion at a time, and whatever would change what the
 * running one reads ends it at its next step (a few milliseconds): new text
 * (`setText`: STALE), a newer suggestion, or `dispose` (both CANCELLED).
 *
 * The other layers follow this rule and add none of their own. Main keeps one
 * session for a document's editor and one for each of its Compare drafts
 * columns (services/suggestions.ts), so a newer request supersedes the older
 * one by reaching the same session, and closing the document or switching
 * models disposes the sessions; main answers STALE and CANCELLED as
 * SUPERSEDED (app-error.ts), which the renderer keeps quiet (main-process.ts).
 * The renderer never cancels (nothing it aborts could cross IPC): it asks
 * again, and drops an answer that no longer fits the text and the cursor
 * (editor/ghost-text.ts), since one may be on its way back as the writer types.
 */
import { cancelledError, type PenwrightError } from '../errors';

/** One suggestion at a time: starting one supersedes the one running, and so does `end`. */
export class OneAtATime {
  private running: { endedBy: PenwrightError | null } | null = null;

  /** Starts a suggestion, superseding the one running; the check it gives throws once this one is superseded. */
  begin(): () => void {
    this.end(cancelledError('The suggestion'));
    const turn: { endedBy: PenwrightError | null } = { endedBy: null };
    this.running = turn;
    return () => {
      if (turn.endedBy) throw turn.endedBy;
    };
  }

  /** Supersedes the running suggestion, if any: its next check throws `why`. */
  end(why: PenwrightError): void {
    if (this.running) this.running.endedBy = why;
    this.running = null;
  }
}
