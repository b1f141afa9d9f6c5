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

export type Panel = 'none' | 'suggestions' | 'training' | 'models' | 'settings';

export class AppState {
  doc = $state.raw<DocumentInfo | null>(null);
  dirty = $state(false);
  settings = $state.raw<Settings | null>(null);
  models = $state.raw<ModelSummary[]>([]);
  backend = $state.raw<BackendInfo | null>(null);
  cores = $state(1);
  trainingSpeed = $state.raw<Partial<Record<'S' | 'M' | 'L', number>>>({});
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
    if (!(await this.confirmDiscard())) return;
    this.load(await unwrap(api().newDocument()));
  }

  async open(): Promise<void> {
    if (!(await this.confirmDiscard())) return;
    try {
      const doc = await unwrap(api().openDocument());
      if (doc) this.load(doc);
    } catch (e) {
      notices.error(e);
    }
  }

  async openRecent(path: string): Promise<void> {
    if (!(await this.confirmDiscard())) return;
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
    const r = as
      ? await api().saveDocumentAs({ docId: this.doc.docId, text })
      : await api().saveDocument({ docId: this.doc.docId, text, overwrite });
    if (!r.ok) {
      if (r.error.code === 'CONFLICT' && confirm(`${r.error.message}\n\nOverwrite the file on disk?`))
        return this.save(false, true);
      notices.show('error', r.error.message);
      return false;
    }
    if (!r.value) return false; // cancelled
    this.doc = r.value;
    this.dirty = false;
    notices.show('info', `Saved ${r.value.title}`);
    return true;
  }

  /** Asks before throwing away unsaved changes. */
  async confirmDiscard(): Promise<boolean> {
    if (!this.dirty || !this.doc) return true;
    return confirm(`${this.doc.title} has unsaved changes. Discard them?`);
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
