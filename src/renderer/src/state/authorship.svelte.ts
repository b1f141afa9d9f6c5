/**
 * The authorship record as the window knows it: the machine's share of the
 * open document and the characters accepted this session (the status bar),
 * the record loaded with a document and sent after each save, the report,
 * and the two settings (keep a record; underline it). The editor holds the
 * ranges themselves (editor/authorship.ts) and lends a reader of them.
 */
import type { AuthorshipRange } from '../../../shared/authorship';
import type { OpenedDocument } from '../../../shared/ipc-contract';
import type { MainProcess } from './main-process';
import type { Notices } from './notices.svelte';
import type { SettingsState } from './settings.svelte';

/** What the editor lends: its text and the record's ranges as they are now. */
export type AuthorshipReader = () => { text: { toString(): string }; ranges: AuthorshipRange[] };

export class AuthorshipState {
  /** Characters of the open document from suggestions and drafts. */
  machine = $state(0);
  /** Characters of the open document in all. */
  total = $state(0);
  /** Characters accepted from suggestions and drafts since Penwright started (undone ones included). */
  acceptedThisSession = $state(0);
  private read: AuthorshipReader = () => ({ text: '', ranges: [] });

  constructor(
    private readonly main: MainProcess,
    private readonly notices: Notices,
    private readonly settings: SettingsState,
  ) {}

  /** Whether a record is kept (the setting; on until main says otherwise). */
  get enabled(): boolean {
    return this.settings.current?.authorshipRecord ?? true;
  }

  get shown(): boolean {
    return this.enabled && (this.settings.current?.showAuthorship ?? false);
  }

  /** The machine's share of the open document, in whole percent ("under 1%" for a few characters). */
  get share(): string {
    if (this.machine === 0 || this.total === 0) return '0%';
    const p = (this.machine / this.total) * 100;
    return p < 1 ? 'under 1%' : `${Math.round(p)}%`;
  }

  /** The editor lends its reader (and takes it back with a no-op when it goes). */
  attach(read: AuthorshipReader): void {
    this.read = read;
  }

  /** The editor's counts after a change. */
  counted(machine: number, total: number): void {
    this.machine = machine;
    this.total = total;
  }

  /** Characters the writer just accepted from a suggestion or a draft. */
  accepted(characters: number): void {
    this.acceptedThisSession += characters;
  }

  /** The record of a document just opened from its file (nothing when it has none, or the record is off). */
  async load(doc: OpenedDocument): Promise<AuthorshipRange[]> {
    if (!this.enabled || !doc.path) return [];
    const answer = await this.main.call(this.main.api.loadAuthorship({ docId: doc.docId }));
    // dropped (the file changed outside Penwright) or set aside (damaged): said quietly
    if (answer?.notice) this.notices.show('info', answer.notice, 10000);
    return answer?.ranges ?? [];
  }

  /** The ranges as they are now: read together with the text a save sends. */
  snapshot(): AuthorshipRange[] {
    return this.enabled ? this.read().ranges : [];
  }

  /** A save wrote the text these ranges describe: main keeps them with the file's hash. */
  async saved(docId: string, ranges: AuthorshipRange[]): Promise<void> {
    if (this.enabled) await this.main.call(this.main.api.authorshipSaved({ docId, ranges }));
  }

  /** Writes the plain-text report where the writer chooses. */
  async exportReport(docId: string): Promise<void> {
    if (!this.enabled) {
      this.notices.show('info', 'Turn on “Keep a record of suggested text” in Settings to have something to report.');
      return;
    }
    const { text, ranges } = this.read();
    const written = await this.main.call(this.main.api.exportAuthorship({ docId, text: text.toString(), ranges }));
    if (written) this.notices.show('info', `Authorship report written to ${written.path}`);
  }

  async setEnabled(on: boolean): Promise<void> {
    await this.settings.update({ authorshipRecord: on });
  }

  async toggleShown(): Promise<void> {
    await this.settings.update({ showAuthorship: !this.shown });
  }
}
