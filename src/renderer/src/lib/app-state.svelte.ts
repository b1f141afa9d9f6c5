/**
 * The renderer's state: the open document, settings, models, the backend,
 * the last suggestions and the training job. Components read it and call its
 * methods; it talks to main through the preload bridge.
 */
import type {
  BackendInfo,
  DocumentInfo,
  ModelSummary,
  OpenedDocument,
  RecoveredDocument,
  Settings,
  TrainingJob,
  TrainingResult,
} from '../../../shared/ipc-contract';
import type { GhostSuggestion } from '../editor/ghost-text';
import { api, unwrap } from './api';
import { notices } from './notices.svelte';
import { questions } from './questions.svelte';
import type { SizeName } from '../../../shared/vocabulary';

export type Panel = 'none' | 'suggestions' | 'training' | 'models' | 'settings';

export class AppState {
  doc = $state.raw<DocumentInfo | null>(null);
  dirty = $state(false);
  /** Counts the writer's edits: a save is clean only if none came while it was on its way. */
  edits = 0;
  settings = $state.raw<Settings | null>(null);
  models = $state.raw<ModelSummary[]>([]);
  backend = $state.raw<BackendInfo | null>(null);
  cores = $state(1);
  trainingSpeed = $state.raw<Partial<Record<SizeName, number>>>({});
  suggestions = $state.raw<GhostSuggestion[]>([]);
  shownSuggestion = $state(0);
  latencyMs = $state<number | null>(null);
  job = $state.raw<TrainingJob | null>(null);
  jobs = $state.raw<TrainingJob[]>([]);
  lastResult = $state.raw<TrainingResult | null>(null);
  recovered = $state.raw<RecoveredDocument[]>([]);
  panel = $state<Panel>('none');
  compareOpen = $state(false);
  words = $state(0);
  characters = $state(0);

  activeModel = $derived(this.models.find((m) => m.active) ?? null);

  /** The editor registers how to read and replace its text. */
  editor: {
    getText(): string;
    /** Up to maxChars before the cursor: what a continuation follows. */
    textBeforeCursor(maxChars: number): string;
    setText(text: string): void;
    insert(text: string): void;
    focus(): void;
    insertSuggestion(i: number): boolean;
  } | null = null;

  async start(): Promise<void> {
    const info = await unwrap(api().appInfo());
    this.backend = info.backend;
    this.cores = info.cores;
    this.trainingSpeed = info.trainingSpeed;
    const { settings, notice } = await unwrap(api().getSettings());
    this.settings = settings;
    if (notice) notices.show('info', notice, 12000);
    this.models = await unwrap(api().listModels());
    this.jobs = await unwrap(api().listTrainingJobs());
    this.recovered = await unwrap(api().listRecovered());
    api().onModelsChanged(({ models }) => (this.models = models));
    api().onSettingsChanged(({ settings: s }) => (this.settings = s));
    api().onTrainingProgress(({ job }) => {
      this.job = job;
    });
    api().onTrainingFinished((result) => {
      this.lastResult = result;
      void unwrap(api().appInfo()).then((info) => (this.trainingSpeed = info.trainingSpeed));
      if (this.job?.jobId === result.jobId)
        this.job = { ...this.job, state: result.stoppedBy === 'cancelled' ? 'cancelled' : 'finished' };
      void this.refreshJobs();
    });
    api().onTrainingFailed(({ jobId, error }) => {
      if (this.job?.jobId === jobId) this.job = { ...this.job, state: 'failed', error: error.message };
      notices.show('error', error.message);
      void this.refreshJobs();
    });
    if (!this.recovered.length) await this.newDocument();
  }

  async refreshJobs(): Promise<void> {
    this.jobs = await unwrap(api().listTrainingJobs());
  }

  private load(doc: OpenedDocument): void {
    const previous = this.doc;
    this.doc = doc;
    this.editor?.setText(doc.text);
    this.dirty = false;
    this.suggestions = [];
    if (previous) void api().closeDocument({ docId: previous.docId });
  }

  async newDocument(): Promise<void> {
    if (!(await this.settleUnsaved())) return;
    this.load(await unwrap(api().newDocument()));
  }

  async open(): Promise<void> {
    if (!(await this.settleUnsaved())) return;
    try {
      const doc = await unwrap(api().openDocument());
      if (doc) this.load(doc);
    } catch (e) {
      notices.error(e);
    }
  }

  async openRecent(path: string): Promise<void> {
    if (!(await this.settleUnsaved())) return;
    try {
      this.load(await unwrap(api().openRecentDocument({ path })));
    } catch (e) {
      notices.error(e);
    }
  }

  async restore(recoveryId: string): Promise<void> {
    try {
      this.load(await unwrap(api().restoreRecovered({ recoveryId })));
      this.dirty = true; // recovered text is not on disk yet
      this.recovered = this.recovered.filter((r) => r.recoveryId !== recoveryId);
    } catch (e) {
      notices.error(e);
    }
  }

  async discardRecovered(recoveryId: string): Promise<void> {
    await api().discardRecovered({ recoveryId });
    this.recovered = this.recovered.filter((r) => r.recoveryId !== recoveryId);
    if (!this.recovered.length && !this.doc) await this.newDocument();
  }

  async save(as = false, overwrite = false): Promise<boolean> {
    if (!this.doc || !this.editor) return false;
    const text = this.editor.getText();
    const edits = this.edits;
    const r = as
      ? await api().saveDocumentAs({ docId: this.doc.docId, text })
      : await api().saveDocument({ docId: this.doc.docId, text, overwrite });
    if (!r.ok) {
      if (r.error.code === 'CONFLICT') {
        const choice = await questions.ask({
          title: 'The file changed on disk',
          message: `${r.error.message}\n\nReplace it with the text in Penwright, or save this text as a new file?`,
          choices: [
            { id: 'overwrite', label: 'Replace the file', destructive: true },
            { id: 'saveAs', label: 'Save As…', primary: true },
            { id: 'cancel', label: 'Cancel' },
          ],
          cancel: 'cancel',
        });
        if (choice === 'overwrite') return this.save(false, true);
        if (choice === 'saveAs') return this.save(true);
        return false;
      }
      notices.show('error', r.error.message);
      return false;
    }
    if (!r.value) return false; // cancelled
    this.doc = r.value;
    // what was typed while the save was on its way is not in the file: still unsaved (and autosaved)
    this.dirty = this.edits !== edits;
    notices.show('info', `Saved ${r.value.title}`);
    return true;
  }

  /**
   * Before the document is replaced or the window closes: nothing to do if it
   * is saved, else Save / Don't save / Cancel, as other editors ask. True when
   * the caller may go on (saved, or the writer chose to drop the changes).
   */
  async settleUnsaved(): Promise<boolean> {
    if (!this.dirty || !this.doc) return true;
    const choice = await questions.ask({
      title: `Save changes to ${this.doc.title}?`,
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

  async updateSettings(patch: Partial<Settings>): Promise<void> {
    try {
      this.settings = await unwrap(api().updateSettings(patch));
    } catch (e) {
      notices.error(e);
    }
  }

  async selectModel(modelId: string): Promise<void> {
    try {
      await unwrap(api().selectModel({ modelId }));
      this.models = await unwrap(api().listModels());
      this.suggestions = [];
    } catch (e) {
      notices.error(e);
    }
  }
}

export const app = new AppState();
