/**
 * What the end-to-end flows need from "the app", whichever runs it: the built
 * renderer in Chromium bridged to the handler table in the test process
 * (./harness.ts), or the real Electron app (./electron-driver.ts). The flows
 * in ./flows.ts are written once against this interface.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const ARTIFACTS = join(import.meta.dirname, 'artifacts');

export interface AppDriver {
  readonly kind: 'browser' | 'electron';
  readonly page: Page;
  readonly userDataDir: string;
  /** Answers the next native file dialog: a path, several paths, or null to cancel. */
  answerFileDialog(answer: string | string[] | null): Promise<void>;
  /** Console errors and uncaught errors since the last call. Any makes a flow fail. */
  takeErrors(): string[];
  screenshot(name: string): Promise<void>;
  /** Presses the window's close button (the window manager's, not ours). */
  requestClose(): Promise<void>;
  /** Resolves once the app has agreed to close. */
  waitUntilClosed(): Promise<void>;
  /**
   * A crash: the app stops without saving or shutting down, and starts again
   * on the same user data. Returns the driver of the new instance.
   */
  crashAndRestart(): Promise<AppDriver>;
  /** Shuts everything down; safe to call twice and after a crash. */
  close(): Promise<void>;
}

/**
 * Records console errors and page errors. The app asks its questions in its
 * own dialog, so a browser dialog (alert, confirm) is an error too.
 */
export function watchPage(page: Page, errors: string[]): void {
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    errors.push(`unexpected ${d.type()} dialog: ${d.message()}`);
    void d.dismiss();
  });
}
