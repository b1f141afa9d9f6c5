/**
 * Runs a built main process (`node --import register-electron-stand-in.mjs
 * <out>/main/index.js`) in a child process and talks to the electron
 * stand-in inside it: the events it reports, and commands with replies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface StandInScenario {
  userData: string;
  packaged?: boolean;
  /** process.resourcesPath (Electron sets it; a packaged app reads its model and wasm there). */
  resourcesPath?: string;
  lockHeld?: boolean;
  /** Answers for dialog.showMessageBox, in order (default: its cancelId). */
  messageBoxAnswers?: number[];
  /** Answers for dialog.showOpenDialog, in order (default: cancelled). */
  openDialogAnswers?: string[][];
  /** Files macOS hands over ('open-file') before 'ready'. */
  openFilesBeforeReady?: string[];
}

export interface StandInEvent {
  type: string;
  [key: string]: unknown;
}

const REGISTER = pathToFileURL(join(import.meta.dirname, 'register-electron-stand-in.mjs')).href;

export class StandInApp {
  readonly events: StandInEvent[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly waiters = new Set<() => void>();

  /** `root` holds out/ (and resources/ beside it, as a checkout does). */
  constructor(root: string, scenario: StandInScenario, args: string[] = [], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, ['--import', REGISTER, join(root, 'out', 'main', 'index.js'), ...args], {
      cwd: root,
      env: { ...process.env, ...env, PENWRIGHT_ELECTRON_STAND_IN: JSON.stringify(scenario) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    this.child.on('message', (m: StandInEvent) => {
      this.events.push(m);
      for (const wake of [...this.waiters]) wake();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    void this.exited.then(() => {
      for (const wake of [...this.waiters]) wake();
    });
  }

  /** Waits for the first event (from the start) that matches. */
  async waitFor(match: (e: StandInEvent) => boolean, what: string, timeoutMs = 30_000): Promise<StandInEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null || Date.now() > deadline) {
        throw new Error(
          `stand-in: no ${what} (exit ${this.child.exitCode}); events: ${this.events.map((e) => e.type).join(', ')}; stderr: ${this.stderr.join('').slice(-2000)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(500, deadline - Date.now() + 1));
        this.waiters.add(wake);
      });
    }
  }

  /** The window loaded its page, and 'did-finish-load' and 'ready-to-show' have fired. */
  loaded(): Promise<StandInEvent> {
    return this.waitFor((e) => e.type === 'page-ready', 'page load');
  }

  async command<T = unknown>(command: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    this.child.send({ id, command, ...args });
    const reply = await this.waitFor((e) => e.type === 'reply' && e.id === id, `reply to ${command}`);
    if (!reply.ok) throw new Error(`stand-in ${command}: ${String(reply.error)}`);
    return reply.value as T;
  }

  /** Calls an IPC channel the way our renderer would. */
  invoke<T = unknown>(channel: string, payload: unknown = {}, extra: Record<string, unknown> = {}): Promise<T> {
    return this.command<T>('invoke', { channel, payload, ...extra });
  }

  /** Event types in order, for asserting sequences. */
  sequence(types: string[]): string[] {
    return this.events
      .filter((e) => types.includes(e.type))
      .map((e) => (e.type === 'app-event' || e.type === 'window-event' ? String(e.name) : e.type));
  }

  /** Kills the child if a test failed before it quit. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** APIs the app used that the stand-in does not implement, and listeners for events Electron does not have. */
  unimplemented(): string[] {
    return this.events
      .filter((e) => e.type === 'unimplemented' || e.type === 'unknown-event')
      .map((e) => String(e.api));
  }
}
