/**
 * Whether the window may close now, kept apart from Electron so it can be
 * tested. Closing with unsaved changes is the renderer's question (Save /
 * Don't Save / Cancel), but a renderer that crashed, never loaded or hangs
 * cannot answer: such a window must still close, or the app could only be
 * killed. What the writer typed is in the recovery area by then (autosave),
 * so closing a dead renderer loses nothing that waiting would have saved.
 *
 * The writer may take as long as they like over the renderer's question, so
 * the timeout is not on the answer but on a sign of life: the page's event
 * loop must answer a ping within CLOSE_ANSWER_TIMEOUT_MS, or the writer is
 * asked natively whether to close anyway.
 */

/** How long a live page takes at most to answer a ping. */
export const CLOSE_ANSWER_TIMEOUT_MS = 5_000;

export type RendererState = 'loading' | 'ready' | 'gone' | 'unresponsive';

export interface CloseGuardActions {
  /** Ask the renderer (it answers through `answered`). */
  askRenderer(): void;
  /** Whether the page's event loop answers (within CLOSE_ANSWER_TIMEOUT_MS). */
  isAlive(): Promise<boolean>;
  /** The renderer cannot answer: ask with a native dialog whether to close anyway. */
  askNative(): Promise<boolean>;
  /** Close the window, the page agreeing (its 'close' event will let it through). */
  close(): void;
  /** Close without the page (a dead page cannot run its unload handlers). */
  destroy(): void;
}

export class CloseGuard {
  private renderer: RendererState = 'loading';
  private confirmed = false;
  private asking = false;
  private nativeOpen = false;

  constructor(private readonly actions: CloseGuardActions) {}

  get state(): RendererState {
    return this.renderer;
  }

  /** The page (re)loaded: it can answer again, even after a crash and a reload. */
  loaded(): void {
    this.renderer = 'ready';
  }

  /** Crashed, killed, or failed to load. */
  gone(): void {
    this.renderer = 'gone';
  }

  unresponsive(): void {
    if (this.renderer === 'ready') this.renderer = 'unresponsive';
  }

  responsive(): void {
    if (this.renderer === 'unresponsive') this.renderer = 'ready';
  }

  /**
   * From the window's 'close' event: true lets the window close now; false
   * means the event must be cancelled while the writer is asked.
   */
  onClose(): boolean {
    // Nothing to ask: confirmed, or no live page that could hold unsaved text.
    if (this.confirmed || this.renderer === 'gone' || this.renderer === 'loading') return true;
    if (this.renderer === 'unresponsive') {
      this.askNatively();
      return false;
    }
    this.asking = true;
    this.actions.askRenderer();
    void this.actions.isAlive().then((alive) => {
      if (!alive && this.asking && !this.confirmed) this.askNatively();
    });
    return false;
  }

  /** The renderer's answer: true closes (saved or discarded), false keeps the window. */
  answered(close: boolean): void {
    this.asking = false;
    if (close) {
      this.confirmed = true;
      this.actions.close();
    }
  }

  private askNatively(): void {
    if (this.nativeOpen) return;
    this.nativeOpen = true;
    void this.actions
      .askNative()
      .then((yes) => {
        if (!yes || this.confirmed) return;
        this.confirmed = true;
        this.actions.destroy();
      })
      .finally(() => (this.nativeOpen = false));
  }
}
