/**
 * A model per project, as the window sees it: opening a document from a
 * folder switches to the folder's model (main does it, and says so here for
 * the status bar), and suggestions as you type can be off for a folder.
 */
import { folderPreference, type FolderPreference } from '../../../shared/folders';
import type { MainProcess } from './main-process';
import type { SettingsState } from './settings.svelte';

export class FolderState {
  /** What opening the document did for its folder ("This folder’s model: …"); null when nothing. */
  message = $state<string | null>(null);

  constructor(
    private readonly main: MainProcess,
    private readonly settings: SettingsState,
  ) {}

  /** What the folder of `path` remembers. */
  preference(path: string | null | undefined): FolderPreference {
    return folderPreference(this.settings.current?.folderPreferences, path);
  }

  /** Whether suggestions come as you type in the folder of `path` (the global switch aside). */
  suggests(path: string | null | undefined): boolean {
    return this.preference(path).suggest !== false;
  }

  /** A document was opened from its file: main switches to its folder's model, if it has one. */
  async opened(docId: string): Promise<void> {
    const answer = await this.main.call(this.main.api.folderOpened({ docId }));
    this.message = answer?.switchedTo ? `This folder’s model: ${answer.switchedTo}` : null;
  }

  async setSuggest(docId: string, suggest: boolean): Promise<void> {
    const next = await this.main.call(this.main.api.setFolderSuggest({ docId, suggest }));
    if (next) this.settings.current = next;
  }
}
