/**
 * The document being written: which one is open (path, title), its text as
 * the editor last reported it, whether it is saved, its counts, and the
 * unsaved work main kept from a crash. Opening, saving, autosaving and the
 * "Save changes?" question live here; the editor shows `loaded` when it
 * changes and reports every change back through `changed`.
 */
import type { AuthorshipRange } from '../../../shared/authorship';
import type { DocumentInfo, OpenedDocument, RecoveredDocument } from '../../../shared/ipc-contract';
import type { MainProcess } from './main-process';
import type { Notices } from './notices.svelte';
import type { Questions } from './questions.svelte';

/** The editor's text: CodeMirror's Text, kept as is (turned into a string only to be written). */
export interface TextSource {
  toString(): string;
}

/** A document as the editor loads it: its text, and which passages of it the machine wrote. */
export interface LoadedDocument extends OpenedDocument {
  authorship: readonly AuthorshipRange[];
}

/** The authorship record's part in opening and saving (state/authorship.svelte.ts). */
export interface AuthorshipHooks {
  /** The record of a document just opened from its file. */
  load(doc: OpenedDocument): Promise<AuthorshipRange[]>;
  /** The ranges as they are now, read with the text a save sends. */
  snapshot(): AuthorshipRange[];
  /** The save wrote the text `ranges` describe. */
  saved(docId: string, ranges: AuthorshipRange[]): Promise<void>;
}

/** Unsaved text goes to main's recovery folder after this long without typing. */
export const AUTOSAVE_MS = 3000;

export class DocumentState {
  /** The open document; null until the first one opens. */
  info = $state.raw<DocumentInfo | null>(null);
  /** The text of the document last opened, restored or created: what the editor shows when it changes. */
  loaded = $state.raw<LoadedDocument | null>(null);
  dirty = $state(false);
  words = $state(0);
  characters = $state(0);
  /** Unsaved work from a crash, waiting for the writer to restore or discard it. */
  recovered = $state.raw<RecoveredDocument[]>([]);
  private text: TextSource = '';
  /** Counts the writer's edits: a save is clean only if none came while it was on its way. */
  private edits = 0;
  /** `edits` when the text last sent to be saved was read. */
  private editsSent = 0;
  /** The authorship ranges read with the text last sent to be saved. */
  private rangesSent: AuthorshipRange[] = [];
  /**
   * The open document was restored from a recovery record that did not keep
   * its machine-written passages (an older version wrote it): the editor's
   * ranges are not the whole story, so a save leaves the stored record alone
   * rather than replace it with them.
   */
  private authorshipUnknown = false;
  private autosaveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly main: MainProcess,
    private readonly questions: Questions,
    private readonly notices: Notices,
    private readonly authorship?: AuthorshipHooks,
  ) {}

  /** At start: offers the crash's unsaved work, or opens a new document. */
  async load(): Promise<void> {
    this.recovered = (await this.main.call(this.main.api.listRecovered())) ?? [];
    if (!this.recovered.length) await this.newDocument();
  }

  stop(): void {
    clearTimeout(this.autosaveTimer);
  }

  /** The editor's text changed: typed by the writer (`byWriter`), or a document loaded. */
  changed(text: TextSource, counts: { words: number; characters: number }, byWriter: boolean): void {
    this.text = text;
    this.words = counts.words;
    this.characters = counts.characters;
    if (!byWriter) return;
    this.dirty = true;
    this.edits++;
    clearTimeout(this.autosaveTimer);
    this.autosaveTimer = setTimeout(() => void this.autosave(), AUTOSAVE_MS);
  }

  private async autosave(): Promise<void> {
    if (!this.info || !this.dirty) return;
    // the passages go with the text, so that a restore after a crash keeps them (and a save, the record)
    const authorship = this.authorshipUnknown ? undefined : this.authorship?.snapshot();
    await this.main.call(
      this.main.api.autosaveDocument({ docId: this.info.docId, text: this.text.toString(), authorship }),
    );
  }

  /** Makes `doc` the open document, closing the one before; `authorship`: its machine-written passages. */
  private replaceWith(doc: OpenedDocument, authorship: readonly AuthorshipRange[] = []): void {
    const previous = this.info;
    this.info = doc;
    this.loaded = { ...doc, authorship };
    this.text = doc.text;
    this.dirty = false;
    this.authorshipUnknown = false;
    if (previous) void this.main.call(this.main.api.closeDocument({ docId: previous.docId }));
  }

  async newDocument(): Promise<void> {
    if (!(await this.settleUnsaved())) return;
    const doc = await this.main.call(this.main.api.newDocument());
    if (doc) this.replaceWith(doc);
  }

  async open(): Promise<void> {
    if (!(await this.settleUnsaved())) return;
    const doc = await this.main.call(this.main.api.openDocument());
    if (doc) this.replaceWith(doc, (await this.authorship?.load(doc)) ?? []);
  }

  async openRecent(path: string): Promise<void> {
    if (!(await this.settleUnsaved())) return;
    const doc = await this.main.call(this.main.api.openRecentDocument({ path }));
    if (doc) this.replaceWith(doc, (await this.authorship?.load(doc)) ?? []);
  }

  async restore(recoveryId: string): Promise<void> {
    // a restored document may itself hold unsaved text (two records after a crash): ask first
    if (!(await this.settleUnsaved())) return;
    const doc = await this.main.call(this.main.api.restoreRecovered({ recoveryId }));
    if (!doc) return;
    // the passages kept with the recovered text (the stored record describes the saved text, not this one)
    this.replaceWith(doc, doc.authorship ?? []);
    this.authorshipUnknown = doc.authorship === null;
    this.dirty = true; // recovered text is not on disk yet
    this.recovered = this.recovered.filter((r) => r.recoveryId !== recoveryId);
  }

  async discardRecovered(recoveryId: string): Promise<void> {
    if ((await this.main.call(this.main.api.discardRecovered({ recoveryId }))) === undefined) return;
    this.recovered = this.recovered.filter((r) => r.recoveryId !== recoveryId);
    if (!this.recovered.length && !this.info) await this.newDocument();
  }

  /** Saves (as a new file with `as`); true once the text is on disk. */
  async save(as = false): Promise<boolean> {
    const info = await this.write(as, false);
    if (!info) return false; // failed (the writer was told) or cancelled
    this.info = info;
    // what was typed while the save was on its way is not in the file: still unsaved (and autosaved)
    this.dirty = this.edits !== this.editsSent;
    // the record follows the text it describes (under the new name after Save As); the save stands either way
    if (!this.authorshipUnknown) await this.authorship?.saved(info.docId, this.rangesSent);
    this.notices.show('info', `Saved ${info.title}`);
    return true;
  }

  /** Sends the text to be written; a file changed on disk since it was read gets the writer's say. */
  private async write(as: boolean, overwrite: boolean): Promise<DocumentInfo | null | undefined> {
    if (!this.info) return null;
    const { docId } = this.info;
    const text = this.text.toString();
    this.editsSent = this.edits;
    this.rangesSent = this.authorship?.snapshot() ?? [];
    const { api } = this.main;
    return this.main.call(as ? api.saveDocumentAs({ docId, text }) : api.saveDocument({ docId, text, overwrite }), {
      handle: { CONFLICT: (error) => this.resolveConflict(error.message) },
    });
  }

  private async resolveConflict(message: string): Promise<DocumentInfo | null | undefined> {
    const choice = await this.questions.ask({
      title: 'The file changed on disk',
      message: `${message}\n\nReplace it with the text in Penwright, or save this text as a new file?`,
      choices: [
        { id: 'overwrite', label: 'Replace the file', destructive: true },
        { id: 'saveAs', label: 'Save As…', primary: true },
        { id: 'cancel', label: 'Cancel' },
      ],
      cancel: 'cancel',
    });
    if (choice === 'overwrite') return this.write(false, true);
    if (choice === 'saveAs') return this.write(true, false);
    return null;
  }

  /**
   * Before the document is replaced or the window closes: nothing to do if it
   * is saved, else Save / Don't save / Cancel, as other editors ask. True when
   * the caller may go on (saved, or the writer chose to drop the changes).
   */
  async settleUnsaved(): Promise<boolean> {
    if (!this.dirty || !this.info) return true;
    const choice = await this.questions.ask({
      title: `Save changes to ${this.info.title}?`,
      message: 'Your changes will be lost if you don’t save them.',
      choices: [
        { id: 'discard', label: 'Don’t Save', destructive: true },
        { id: 'cancel', label: 'Cancel' },
        { id: 'save', label: 'Save', primary: true },
      ],
      cancel: 'cancel',
    });
    if (choice === 'cancel') return false;
    if (choice === 'discard') return true;
    return this.save();
  }

  /** The window's close button: main may close it once the text is saved or given up. */
  async answerClose(): Promise<void> {
    const discardChanges = await this.settleUnsaved();
    await this.main.call(this.main.api.confirmClose({ discardChanges }));
  }
}
