/**
 * The renderer's state, one object per domain, created once by App.svelte
 * and handed to the components that need it: settings, the document,
 * models, training, suggestions, the surprise map and voice check; beside them the notices and questions for
 * the writer, and the bridge to main that every domain asks through.
 */
import type { WindowApi } from '../../../shared/api';
import type { BackendInfo } from '../../../shared/ipc-contract';
import { AuthorshipState } from './authorship.svelte';
import { DocumentState } from './document.svelte';
import { FolderState } from './folders.svelte';
import { MainProcess } from './main-process';
import { ModelsState } from './models.svelte';
import { Notices } from './notices.svelte';
import { Questions } from './questions.svelte';
import { SettingsState } from './settings.svelte';
import { SuggestionsState } from './suggestions.svelte';
import { SurpriseState } from './surprise.svelte';
import { TrainingState } from './training.svelte';

export class AppState {
  readonly notices = new Notices();
  readonly questions = new Questions();
  readonly main: MainProcess;
  readonly settings: SettingsState;
  readonly document: DocumentState;
  readonly models: ModelsState;
  readonly training: TrainingState;
  readonly suggestions: SuggestionsState;
  readonly authorship: AuthorshipState;
  readonly folders: FolderState;
  readonly surprise: SurpriseState;
  /** Where the network runs (wasm, tfjs-node…), as main reports it. */
  backend = $state.raw<BackendInfo | null>(null);

  constructor(api: WindowApi) {
    this.main = new MainProcess(api, (message) => this.notices.show('error', message));
    this.settings = new SettingsState(this.main, this.notices);
    this.authorship = new AuthorshipState(this.main, this.notices, this.settings);
    this.folders = new FolderState(this.main, this.settings);
    this.document = new DocumentState(this.main, this.questions, this.notices, this.authorship);
    this.models = new ModelsState(this.main, this.notices, this.questions);
    this.training = new TrainingState(this.main, this.notices);
    this.suggestions = new SuggestionsState(this.main);
    this.surprise = new SurpriseState(this.main);
  }

  /** Follows main's pushes and reads what it knows; returns the function that stops. */
  start(): () => void {
    const offs = [this.settings.listen(), this.models.listen(), this.training.listen()];
    void this.load();
    return () => {
      offs.forEach((off) => off());
      this.document.stop();
    };
  }

  private async load(): Promise<void> {
    const info = await this.main.call(this.main.api.appInfo());
    if (info) {
      this.backend = info.backend;
      this.training.takeInfo(info);
    }
    await this.settings.load();
    await this.models.load();
    await this.training.load();
    await this.document.load();
  }
}
