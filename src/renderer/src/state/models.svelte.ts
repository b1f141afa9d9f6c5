/**
 * The model library as the renderer knows it: the list main pushes with
 * `models:changed` after every change (switch, rename, delete, import), so
 * no action here reads the list again; and those actions. Beside it, which
 * open documents have adapted weights in use ("learn this document as I
 * write", pushed with `adaptation:changed`), which can be kept as a model.
 */
import type { ModelSummary } from '../../../shared/ipc-contract';
import type { MainProcess } from './main-process';
import type { Notices } from './notices.svelte';
import type { Questions } from './questions.svelte';

export class ModelsState {
  list = $state.raw<ModelSummary[]>([]);
  /** The model suggestions come from. */
  active = $derived(this.list.find((m) => m.active) ?? null);
  /** By open document: adaptations its weights in use have had (absent: none, the model's own). */
  adapted = $state.raw<Record<string, number>>({});
  /** A kept model being saved now. */
  keeping = $state(false);

  constructor(
    private readonly main: MainProcess,
    private readonly notices: Notices,
    private readonly questions: Questions,
  ) {}

  /** Follows main's pushes; returns the function that stops. */
  listen(): () => void {
    const offModels = this.main.api.onModelsChanged(({ models }) => (this.list = models));
    const offAdapted = this.main.api.onAdaptationChanged(({ docId, adaptations }) => {
      const { [docId]: _old, ...others } = this.adapted;
      this.adapted = adaptations > 0 ? { ...others, [docId]: adaptations } : others;
    });
    return () => {
      offModels();
      offAdapted();
    };
  }

  /** The list at start; after that, main's pushes keep it. */
  async load(): Promise<void> {
    const models = await this.main.call(this.main.api.listModels());
    if (models) this.list = models;
  }

  /** Makes a model the one suggestions come from (and the folder of `forDocId`'s, when given). True when it is. */
  async select(modelId: string, forDocId?: string): Promise<boolean> {
    return (await this.main.call(this.main.api.selectModel({ modelId, forDocId }))) !== undefined;
  }

  async rename(modelId: string, name: string): Promise<boolean> {
    return (await this.main.call(this.main.api.renameModel({ modelId, name }))) !== undefined;
  }

  /** Keeps what the model learned from an open document as a model named `name`, and says so. True when it is kept. */
  async keepAdapted(docId: string, name: string): Promise<boolean> {
    // one save at a time, however often it is asked for (the panel may close and open again meanwhile)
    if (this.keeping) return false;
    this.keeping = true;
    try {
      const model = await this.main.call(this.main.api.keepAdaptation({ docId, name }));
      if (model) this.notices.show('info', `Kept “${model.name}”: it is in your models now`);
      return model !== undefined;
    } finally {
      this.keeping = false;
    }
  }

  /** Deletes a model once the writer has said yes. */
  async remove(modelId: string, name: string): Promise<void> {
    const choice = await this.questions.ask({
      title: `Delete “${name}”?`,
      message:
        'The model’s files are removed from this computer. This cannot be undone; export it first to keep a copy.',
      choices: [
        { id: 'cancel', label: 'Cancel', primary: true },
        { id: 'delete', label: 'Delete', destructive: true },
      ],
      cancel: 'cancel',
    });
    if (choice !== 'delete') return;
    if ((await this.main.call(this.main.api.deleteModel({ modelId }))) !== undefined)
      this.notices.show('info', `Deleted ${name}`);
  }

  /** Asks main where to write the archive (its dialog) and writes it there. */
  async exportModel(modelId: string): Promise<void> {
    const written = await this.main.call(this.main.api.exportModel({ modelId }));
    if (written) this.notices.show('info', `Exported to ${written.path}`);
  }

  /** Asks main which archive to import (its dialog) and adds the model it holds. */
  async importModel(): Promise<void> {
    const model = await this.main.call(this.main.api.importModel());
    if (model) this.notices.show('info', `Imported ${model.name}`);
  }
}
