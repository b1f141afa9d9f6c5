/**
 * The app's commands: what the native menu sends and the shortcuts press
 * (one table serves both), and what each one does.
 *
 * The menu's items say what they do ("Train a Model…", "Switch Model…"), so
 * they open their panel, or leave it open. A shortcut toggles its panel, as
 * the toolbar's buttons do, so the same keys close it again. Import and
 * Export are actions, not places: they run at once.
 */
import type { MenuCommand } from '../../../shared/ipc-contract';

export type SidePanel = 'none' | 'suggestions' | 'training' | 'models' | 'settings' | 'voice';

/** What the commands act on; App.svelte gives the real ones, tests give fakes. */
export interface CommandTargets {
  document: {
    newDocument(): Promise<void>;
    open(): Promise<void>;
    openRecent(path: string): Promise<void>;
    save(as?: boolean): Promise<boolean>;
  };
  models: {
    readonly active: { modelId: string } | null;
    importModel(): Promise<void>;
    exportModel(modelId: string): Promise<void>;
  };
  togglePanel(panel: SidePanel): void;
  openPanel(panel: SidePanel): void;
  toggleCompare(): void;
  /** The authorship record: underline it, or export its report. */
  authorship: { toggleShown(): void; exportReport(): void };
  toggleSurpriseMap(): void;
  about(): void;
}

export const isMac = () => /Mac|iPhone|iPad/.test(navigator.platform);

export function commandForKey(e: KeyboardEvent, mac: boolean): MenuCommand | null {
  const mod = mac ? e.metaKey : e.ctrlKey;
  if (!mod || e.altKey) return null;
  const key = e.key.toLowerCase();
  if (!e.shiftKey) {
    if (key === 'n') return 'file.new';
    if (key === 'o') return 'file.open';
    if (key === 's') return 'file.save';
    if (key === ',') return 'view.settings';
    return null;
  }
  if (key === 's') return 'file.saveAs';
  if (key === 'd') return 'view.compare';
  if (key === 'g') return 'view.suggestions';
  if (key === 't') return 'model.train';
  if (key === 'm') return 'model.switch';
  return null;
}

/** Runs a command from the menu (`path` comes with file.openRecent) or from a shortcut. */
export function runCommand(command: MenuCommand, t: CommandTargets, from: 'menu' | 'keyboard', path?: string): void {
  const show = (panel: SidePanel) => (from === 'menu' ? t.openPanel(panel) : t.togglePanel(panel));
  switch (command) {
    case 'file.new':
      return void t.document.newDocument();
    case 'file.open':
      return void t.document.open();
    case 'file.openRecent':
      return void (path && t.document.openRecent(path));
    case 'file.save':
      return void t.document.save();
    case 'file.saveAs':
      return void t.document.save(true);
    case 'view.compare':
      return t.toggleCompare();
    case 'view.suggestions':
      return t.togglePanel('suggestions');
    case 'view.settings':
      return t.togglePanel('settings');
    case 'view.surpriseMap':
      return t.toggleSurpriseMap();
    case 'view.voiceCheck':
      return show('voice');
    case 'model.train':
      return show('training');
    case 'model.switch':
    case 'model.manage':
      return show('models');
    // the models panel holds it: enabled there once the document's suggestions use what was learned, with its name
    case 'model.keepAdapted':
      return t.openPanel('models');
    case 'model.import':
      return void t.models.importModel();
    case 'model.export': {
      const active = t.models.active;
      // there is always an active model (the default at least); if not, the list to choose from
      return active ? void t.models.exportModel(active.modelId) : t.openPanel('models');
    }
    case 'view.authorship':
      return t.authorship.toggleShown();
    case 'file.exportAuthorship':
      return t.authorship.exportReport();
    case 'help.about':
      return t.about();
  }
}
