/**
 * Whether the window may close now, kept apart from Electron so it can be
 * tested. Closing with unsaved changes is the renderer's question (Save /
 * Don't Save / Cancel), but a renderer that crashed, never loaded or hangs
 * cannot answer: such a window must still close, or the app could only be
 * killed. What the writer typed is in the recovery area by then (autosave),
 * so closing a dead renderer loses nothing that waiting would have saved.
 */

/** How long the renderer has to answer before a second close attempt asks natively. */
export const CLOSE_ANSWER_TIMEOUT_MS = 5_000;

export type RendererState = 'loading' | 'ready' | 'gone' | 'unresponsive';

export interface CloseGuardActions {
  /** Ask the renderer (it answers through `answered`). */
  askRenderer(): void;
  /** The renderer cannot answer: ask with a native dialog whether to close anyway. */
  askNative(): Promise<boolean>;
  /** Close the window for real (its 'close' event will let it through). */
  close(): void;
  now?: () => number;
}

export class CloseGuard {
  private renderer: RendererState = 'loading';
  private confirmed = false;
  private askedAt: number | undefined;
  private nativeOpen = false;

  constructor(private readonly actions: CloseGuardActions) {}

  get state(): RendererState {
    return this.renderer;
  }

  loaded(): void {
    if (this.renderer !== 'gone') this.renderer = 'ready';
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
    const now = (this.actions.now ?? Date.now)();
    const noAnswer = this.askedAt !== undefined && now - this.askedAt >= CLOSE_ANSWER_TIMEOUT_MS;
    if (this.renderer === 'unresponsive' || noAnswer) {
      this.askNatively();
      return false;
    }
    this.askedAt ??= now;
    this.actions.askRenderer();
    return false;
  }

  /** The renderer's answer: true closes (saved or discarded), false keeps the window. */
  answered(close: boolean): void {
    this.askedAt = undefined;
    if (close) this.forceClose();
  }

  private askNatively(): void {
    if (this.nativeOpen) return;
    this.nativeOpen = true;
    void this.actions
      .askNative()
      .then((yes) => {
        if (yes) this.forceClose();
      })
      .finally(() => (this.nativeOpen = false));
  }

  private forceClose(): void {
    this.confirmed = true;
    this.actions.close();
  }
}
